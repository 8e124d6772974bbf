// What Linux 6.1's apply_alternatives() does inside its loop (arch/x86/kernel/alternative.c, v6.1.192), for the
// generic loop in src/apply/altLoop.ts:
//   - the replacement is copied; a 5-byte replacement that starts with `e8` (call rel32) has its displacement
//     moved by `replacement - instr`; nothing else in a replacement is re-based;
//   - a replacement that starts with a jmp (`eb`/`e9`) goes through recompute_jump(), which only acts when the
//     replacement is 5 bytes: a forward target within reach of a short jmp gets `eb rel8` + a 3-byte NOP, any
//     other target `e9 rel32`; a 2-byte `eb` replacement is copied unchanged (its rel8 is not re-based);
//   - the rest up to instrlen is filled with 0x90, and then, for every entry, written or not, optimize_nops()
//     walks the entry's code instruction by instruction and turns each run of two or more 0x90 into the
//     kernel's NOPs (add_nops: ASM_NOP_MAX-byte pieces, the remainder last).
import { Code, Decoder, DecoderOptions } from '../asm/iced.js';
import type { AltEntry, AltMemory, AltPassRules } from '../apply/altLoop.js';
import type { NopTable } from '../model/nops.js';

/** MAX_INSN_SIZE: insn_decode_kernel() may look this far past the instruction's first byte. */
const MAX_INSN_SIZE = 15;

export interface Linux61Options {
  has(feature: number): boolean | undefined;
  nops: NopTable;
  bitness: 32 | 64;
}

/** add_nops(): the longest NOP the table has (ASM_NOP_MAX), repeatedly, then the remainder. */
export function addNops(buf: Uint8Array, at: number, len: number, nops: NopTable): void {
  const max = Math.max(...nops.byLength.keys());
  while (len > 0) {
    const n = Math.min(len, max);
    const nop = nops.byLength.get(n);
    if (!nop) throw new Error(`the NOP table has no ${n}-byte NOP (${nops.source})`);
    buf.set(nop, at);
    at += n;
    len -= n;
  }
}

/** recompute_jump(): rewrites insn_buff in place; says what it wrote, or undefined when it left it alone. */
function recomputeJump(e: AltEntry, buf: Uint8Array, nops: NopTable): string | undefined {
  if (e.replacementlen !== 5) return undefined;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const oDspl = dv.getInt32(1, true);
  const tgtRip = e.replAddr + BigInt(e.replacementlen) + BigInt(oDspl);
  // s32 n_dspl = tgt_rip - orig_insn: the kernel keeps the low 32 bits.
  let nDspl = Number(BigInt.asIntN(32, tgtRip - e.instrAddr));
  const forward = tgtRip - e.instrAddr >= 0n;
  // Backwards the kernel tests `((n_dspl - 2) & 0xff) == (n_dspl - 2)`, which no negative value passes.
  const short = forward ? nDspl - 2 <= 127 : ((nDspl - 2) & 0xff) === nDspl - 2;
  if (short) {
    nDspl -= 2;
    buf[0] = 0xeb;
    buf[1] = nDspl & 0xff;
    addNops(buf, 2, 3, nops);
    return 'jmp rel32 made short (eb rel8 + 3-byte NOP)';
  }
  nDspl -= 5;
  buf[0] = 0xe9;
  dv.setInt32(1, nDspl | 0, true);
  return 'jmp rel32 re-based';
}

/** optimize_nops() over [addr, addr+len) of the image. */
export function optimizeNops(addr: bigint, len: number, mem: AltMemory, opts: Linux61Options): void {
  if (len === 0) return;
  const bytes = mem.read(addr, len + MAX_INSN_SIZE, true);
  let changed = false;
  const decoder = new Decoder(opts.bitness, bytes, DecoderOptions.None);
  try {
    let i = 0;
    for (;;) {
      decoder.position = i;
      if (!decoder.canDecode) return;
      const insn = decoder.decode();
      const length = insn.length;
      const invalid = insn.code === Code.INVALID;
      insn.free();
      // insn_decode_kernel() failing ends the walk.
      if (invalid) break;
      if (length === 1 && bytes[i] === 0x90) {
        let j = i;
        while (j < len && bytes[j] === 0x90) j++;
        const n = j - i;
        if (n > 1) {
          addNops(bytes, i, n, opts.nops);
          changed = true;
        }
        i += n;
      } else i += length;
      if (i >= len) break;
    }
  } finally {
    decoder.free();
    if (changed) mem.write(addr, bytes.subarray(0, len));
  }
}

export function linux61Rules(opts: Linux61Options): AltPassRules {
  return {
    has: opts.has,
    unsupported: (e) => (e.flags.some((f) => f !== 'not') ? `flag ${e.flags.filter((f) => f !== 'not').join(', ')}: 6.1's pass has only ALTINSTR_FLAG_INV` : undefined),
    build(e, replacement) {
      const buf = new Uint8Array(Math.max(e.instrlen, e.replacementlen));
      buf.set(replacement);
      let fixup: string | undefined;
      if (e.replacementlen === 5 && buf[0] === 0xe8) {
        const dv = new DataView(buf.buffer);
        dv.setInt32(1, Number(BigInt.asIntN(32, BigInt(dv.getInt32(1, true)) + (e.replAddr - e.instrAddr))), true);
        fixup = 'call rel32 re-based';
      }
      if (e.replacementlen > 0 && (replacement[0] === 0xeb || replacement[0] === 0xe9)) fixup = recomputeJump(e, buf, opts.nops);
      buf.fill(0x90, e.replacementlen);
      return { bytes: buf, ...(fixup ? { fixup } : {}) };
    },
    after: (e, mem) => optimizeNops(e.instrAddr, e.instrlen, mem, opts),
  };
}
