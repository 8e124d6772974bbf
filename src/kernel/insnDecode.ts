// One instruction as the kernel's insn_decode_kernel() sees it, for the boot-time text passes: its length,
// first opcode bytes (after legacy prefixes and REX) and, for a near call/jmp/jcc, where it goes.
import { Code, Decoder, DecoderOptions, OpKind } from '../asm/iced.js';

const MAX_INSN_SIZE = 15;
const LEGACY_PREFIXES = new Set([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3]);

export interface KernelInsn {
  length: number;
  op0: number;
  op1: number;
  /** A near branch's target relative to the instruction's first byte. */
  branchTarget?: number;
}

export function decodeKernelInsn(buf: Uint8Array, at: number, bitness: 32 | 64): KernelInsn | undefined {
  const view = buf.subarray(at, Math.min(buf.length, at + MAX_INSN_SIZE));
  if (view.length === 0) return undefined;
  const decoder = new Decoder(bitness, view, DecoderOptions.None);
  // ip 0: a near branch's target comes out relative to the instruction (wrapped to the bitness).
  decoder.ip = 0n;
  const insn = decoder.decode();
  try {
    if (insn.code === Code.INVALID) return undefined;
    let p = 0;
    while (p < insn.length && LEGACY_PREFIXES.has(view[p]!)) p++;
    if (bitness === 64 && p < insn.length && (view[p]! & 0xf0) === 0x40) p++;
    const out: KernelInsn = { length: insn.length, op0: view[p]!, op1: view[p + 1] ?? 0 };
    const k = insn.op0Kind;
    if (k === OpKind.NearBranch16 || k === OpKind.NearBranch32 || k === OpKind.NearBranch64) {
      const t = insn.nearBranchTarget;
      out.branchTarget = Number(bitness === 64 ? BigInt.asIntN(64, t) : BigInt.asIntN(32, t));
    }
    return out;
  } finally {
    insn.free();
    decoder.free();
  }
}
