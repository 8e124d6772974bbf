// Moving a replacement from where it was linked (.altinstr_replacement) to the code it patches.
// Relative operands that point outside the replacement are relative to the replacement's own address and
// must be re-based to keep their target, as Linux's apply_alternatives() does for a leading `call rel32`.
import { Code, Decoder, DecoderOptions, FlowControl, OpKind } from '../asm/iced.js';
import type { Bitness } from '../asm/types.js';

export interface RebaseResult {
  bytes: Uint8Array;
  /** What was re-based, e.g. "call at +0: target 0xffffffff81000000". */
  rebased: string[];
  /** Operands that could not be re-based, or that v6.1's apply_alternatives() itself would not re-base. */
  flags: string[];
}

/** A relative field of one instruction: its displacement is relative to the instruction's end. */
interface RelativeField {
  kind: 'call' | 'jmp' | 'jcc' | 'rip-relative operand';
  /** Offset of the instruction, of the field, and of the instruction's end, in the replacement. */
  insn: number;
  at: number;
  size: number;
  end: number;
}

interface Scan {
  fields: RelativeField[];
  /** Offset of the first byte that does not decode, if any. */
  invalidAt?: number;
}

const isNearBranch = (k: number): boolean => k === OpKind.NearBranch16 || k === OpKind.NearBranch32 || k === OpKind.NearBranch64;

/** Decoding is the costly part and a kernel has few distinct replacements: scans are cached by content. */
const scanCache = new Map<string, Scan>();
const SCAN_CACHE_MAX = 10_000;

function scan(bytes: Uint8Array, bitness: Bitness): Scan {
  const key = `${bitness}:${String.fromCharCode(...bytes)}`;
  const hit = scanCache.get(key);
  if (hit) return hit;
  const result: Scan = { fields: [] };
  const decoder = new Decoder(bitness, bytes, DecoderOptions.None);
  try {
    while (decoder.canDecode) {
      const insnAt = Number(decoder.position);
      const insn = decoder.decode();
      try {
        if (insn.code === Code.INVALID) {
          result.invalidAt = insnAt;
          break;
        }
        const co = decoder.getConstantOffsets(insn);
        const end = insnAt + insn.length;
        const fc = insn.flowControl;
        if ((fc === FlowControl.Call || fc === FlowControl.UnconditionalBranch || fc === FlowControl.ConditionalBranch) && isNearBranch(insn.op0Kind)) {
          // iced reports a branch displacement in the immediate fields.
          const kind = fc === FlowControl.Call ? 'call' : fc === FlowControl.UnconditionalBranch ? 'jmp' : 'jcc';
          result.fields.push({ kind, insn: insnAt, at: insnAt + co.immediateOffset, size: co.immediateSize, end });
        } else if (insn.isIpRelMemoryOperand) {
          result.fields.push({ kind: 'rip-relative operand', insn: insnAt, at: insnAt + co.displacementOffset, size: co.displacementSize, end });
        }
      } finally {
        insn.free();
      }
    }
  } finally {
    decoder.free();
  }
  if (scanCache.size >= SCAN_CACHE_MAX) scanCache.clear();
  scanCache.set(key, result);
  return result;
}

function readSigned(dv: DataView, at: number, size: number): bigint {
  return BigInt(size === 1 ? dv.getInt8(at) : size === 2 ? dv.getInt16(at, true) : dv.getInt32(at, true));
}

/**
 * Re-bases every rel32 branch (call/jmp/jcc) and RIP-relative disp32 whose target lies outside the
 * replacement, so it reaches the same target from `to`. Shorter displacements that leave the replacement
 * cannot be widened in place and are flagged. Targets inside the replacement move with it and are left alone.
 */
export function rebaseReplacement(bytes: Uint8Array, from: bigint, to: bigint, bitness: Bitness): RebaseResult {
  const out = bytes.slice();
  const rebased: string[] = [];
  const flags: string[] = [];
  if (bytes.length === 0 || from === to) return { bytes: out, rebased, flags };
  const s = scan(bytes, bitness);
  if (s.invalidAt !== undefined) flags.push(`+${s.invalidAt}: not a valid instruction; relative operands after it were not checked`);
  const addrBits = BigInt(bitness);
  const end = from + BigInt(bytes.length);
  const dv = new DataView(out.buffer);
  for (const f of s.fields) {
    const target = BigInt.asUintN(Number(addrBits), from + BigInt(f.end) + readSigned(dv, f.at, f.size));
    if (target >= from && target <= end) continue;
    const where = `${f.kind} at +${f.insn}`;
    if (f.size !== 4) {
      flags.push(`${where}: ${f.size}-byte displacement to 0x${target.toString(16)} outside the replacement cannot be re-based`);
      continue;
    }
    const disp = target - (to + BigInt(f.end));
    if (disp < -(1n << 31n) || disp >= 1n << 31n) {
      flags.push(`${where}: target 0x${target.toString(16)} is out of rel32 range from 0x${to.toString(16)}`);
      continue;
    }
    dv.setInt32(f.at, Number(disp), true);
    rebased.push(`${where}: target 0x${target.toString(16)}`);
    // Linux 6.1 re-bases only a replacement that is exactly one 5-byte `call rel32` (e8), and routes a
    // leading 5-byte `jmp rel32` (e9) through recompute_jump(), which may shorten it to a 2-byte jmp.
    const lone = f.insn === 0 && bytes.length === 5;
    if (!(lone && (bytes[0] === 0xe8 || bytes[0] === 0xe9))) flags.push(`${where}: re-based here, but v6.1 apply_alternatives() copies it unchanged`);
    else if (bytes[0] === 0xe9) flags.push(`${where}: v6.1 recompute_jump() may shorten this jmp to 2 bytes + NOPs`);
  }
  return { bytes: out, rebased, flags };
}
