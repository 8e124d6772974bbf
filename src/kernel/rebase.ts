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

const isNearBranch = (k: number): boolean => k === OpKind.NearBranch16 || k === OpKind.NearBranch32 || k === OpKind.NearBranch64;

/**
 * Re-bases every rel32 branch (call/jmp/jcc) and RIP-relative disp32 whose target lies outside the
 * replacement, so it reaches the same target from `to`. rel8 branches that leave the replacement cannot
 * be widened in place and are flagged. Targets inside the replacement move with it and are left alone.
 */
export function rebaseReplacement(bytes: Uint8Array, from: bigint, to: bigint, bitness: Bitness): RebaseResult {
  const out = bytes.slice();
  const rebased: string[] = [];
  const flags: string[] = [];
  if (bytes.length === 0 || from === to) return { bytes: out, rebased, flags };
  const end = from + BigInt(bytes.length);
  const dv = new DataView(out.buffer);
  const decoder = new Decoder(bitness, bytes, DecoderOptions.None);
  decoder.ip = from;
  try {
    while (decoder.canDecode) {
      const offset = Number(decoder.position);
      const insn = decoder.decode();
      try {
        if (insn.code === Code.INVALID) {
          flags.push(`+${offset}: not a valid instruction; relative operands after it were not checked`);
          break;
        }
        const co = decoder.getConstantOffsets(insn);
        const next = BigInt(offset + insn.length);
        let target: bigint | undefined;
        let field: { at: number; size: number } | undefined;
        let kind = '';
        const fc = insn.flowControl;
        const branch = (fc === FlowControl.Call || fc === FlowControl.UnconditionalBranch || fc === FlowControl.ConditionalBranch) && isNearBranch(insn.op0Kind);
        if (branch) {
          target = insn.nearBranchTarget;
          field = { at: offset + co.immediateOffset, size: co.immediateSize };
          kind = fc === FlowControl.Call ? 'call' : fc === FlowControl.UnconditionalBranch ? 'jmp' : 'jcc';
        } else if (insn.isIpRelMemoryOperand) {
          target = insn.ipRelMemoryAddress;
          field = { at: offset + co.displacementOffset, size: co.displacementSize };
          kind = 'rip-relative operand';
        }
        if (target === undefined || !field || (target >= from && target <= end)) continue;
        const where = `${kind} at +${offset}`;
        if (field.size !== 4) {
          flags.push(`${where}: ${field.size}-byte displacement to 0x${target.toString(16)} outside the replacement cannot be re-based`);
          continue;
        }
        const disp = target - (to + next);
        if (disp < -(1n << 31n) || disp >= 1n << 31n) {
          flags.push(`${where}: target 0x${target.toString(16)} is out of rel32 range from 0x${to.toString(16)}`);
          continue;
        }
        dv.setInt32(field.at, Number(disp), true);
        rebased.push(`${where}: target 0x${target.toString(16)}`);
        // Linux 6.1 re-bases only a replacement that is exactly one 5-byte `call rel32` (e8), and routes
        // a leading 5-byte `jmp rel32` through recompute_jump(), which may shorten it to a 2-byte jmp.
        if (!(offset === 0 && bytes.length === 5 && (bytes[0] === 0xe8 || bytes[0] === 0xe9))) flags.push(`${where}: re-based here, but v6.1 apply_alternatives() copies it unchanged`);
        else if (bytes[0] === 0xe9) flags.push(`${where}: v6.1 recompute_jump() may shorten this jmp to 2 bytes + NOPs`);
      } finally {
        insn.free();
      }
    }
  } finally {
    decoder.free();
  }
  return { bytes: out, rebased, flags };
}
