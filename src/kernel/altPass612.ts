// What Linux 6.12's apply_alternatives() does inside its loop (arch/x86/kernel/alternative.c, Debian's
// linux-source-6.12 6.12.117), for the generic loop in src/apply/altLoop.ts:
//   - before an entry, every entry of its run (consecutive entries at the same address: a nested ALTERNATIVE_n)
//     is widened to the run's longest instrlen (the kernel writes that back into the table);
//   - not applied: the site's own code goes through optimize_nops() (the original is rewritten too);
//   - applied: the replacement is copied; ALT_FLAG_DIRECT_CALL (alt_replace_call) turns the replacement's
//     `call BUG_func` into a call of what the site's `call *disp(%rip)` slot holds (a NULL slot keeps BUG_func;
//     nop_func writes no call at all: 0 bytes, so the whole site becomes NOPs); the rest up to instrlen is
//     0x90; then text_poke_apply_relocation(): every call/jmp/jcc whose target is outside the replacement and
//     every RIP-relative displacement outside it gets `repl - instr` added (BUG_ON on overflow), a jmp rel32
//     that then fits becomes `eb rel8` + int3s, and optimize_nops() runs over the buffer.
//   - optimize_nops() (6.12): a run of NOPs (0x90 without a leading f3, or 0f 1f) becomes one add_nop() of the
//     run's length, unless the run is a single NOP that ends the code; add_nop() longer than ASM_NOP_MAX is a
//     jmp over int3s.
import { Code, Decoder, DecoderOptions, FlowControl, OpKind } from '../asm/iced.js';
import type { AltEntry, AltMemory, AltPassRules } from '../apply/altLoop.js';
import { InputError } from '../diag/diagnostic.js';
import type { NopTable } from '../model/nops.js';
import { indirectCallSlot } from '../apply/opsTable.js';

/** MAX_INSN_SIZE: insn_decode_kernel() may look this far past the instruction's first byte. */
const MAX_INSN_SIZE = 15;
const INT3 = 0xcc;
const LEGACY_PREFIXES = new Set([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3]);

export interface Linux612Options {
  has(feature: number): boolean | undefined;
  nops: NopTable;
  bitness: 32 | 64;
  /** A kernel symbol's address (nop_func, for ALT_FLAG_DIRECT_CALL); undefined when there are no symbols. */
  symbol?: (name: string) => bigint | undefined;
}

interface Decoded {
  length: number;
  /** Opcode bytes after the prefixes, as the kernel's insn.opcode.bytes sees them. */
  op0: number;
  op1: number;
  firstPrefix: number | undefined;
  /** The near-branch immediate (call/jmp/jcc as the kernel's switch names them), offset and size. */
  branch?: { at: number; size: number };
  ripRel?: { at: number; size: number };
}

/** One instruction at `at` of `buf` (insn_decode_kernel), undefined when it does not decode. */
function decodeAt(buf: Uint8Array, at: number, bitness: 32 | 64): Decoded | undefined {
  const view = buf.subarray(at, Math.min(buf.length, at + MAX_INSN_SIZE));
  if (view.length === 0) return undefined;
  const decoder = new Decoder(bitness, view, DecoderOptions.None);
  const insn = decoder.decode();
  try {
    if (insn.code === Code.INVALID) return undefined;
    const co = decoder.getConstantOffsets(insn);
    let p = 0;
    while (p < insn.length && LEGACY_PREFIXES.has(view[p]!)) p++;
    const firstPrefix = p > 0 ? view[0] : undefined;
    if (bitness === 64 && p < insn.length && (view[p]! & 0xf0) === 0x40) p++;
    const out: Decoded = { length: insn.length, op0: view[p]!, op1: view[p + 1] ?? 0, firstPrefix };
    const fc = insn.flowControl;
    const near = insn.op0Kind === OpKind.NearBranch16 || insn.op0Kind === OpKind.NearBranch32 || insn.op0Kind === OpKind.NearBranch64;
    // The kernel's switch: 70-7f, eb, e9, e8 and 0f 80-8f (not loop/jrcxz, which iced also calls branches).
    const kernelBranch = out.op0 === 0xe8 || out.op0 === 0xe9 || out.op0 === 0xeb || (out.op0 >= 0x70 && out.op0 <= 0x7f) || (out.op0 === 0x0f && out.op1 >= 0x80 && out.op1 <= 0x8f);
    if (near && kernelBranch && (fc === FlowControl.Call || fc === FlowControl.UnconditionalBranch || fc === FlowControl.ConditionalBranch)) out.branch = { at: co.immediateOffset, size: co.immediateSize };
    if (insn.isIpRelMemoryOperand) out.ripRel = { at: co.displacementOffset, size: co.displacementSize };
    return out;
  } finally {
    insn.free();
    decoder.free();
  }
}

/** insn_is_nop(): 0x90 unless the first prefix is f3 (pause), or 0f 1f (NOPL). */
const isNop = (d: Decoded): boolean => (d.op0 === 0x90 && d.firstPrefix !== 0xf3) || (d.op0 === 0x0f && d.op1 === 0x1f);

/** add_nop(): the table's NOP of that length, or a jmp over int3s past ASM_NOP_MAX. */
export function addNop612(buf: Uint8Array, at: number, len: number, nops: NopTable): void {
  if (len === 0) return;
  const max = Math.max(...nops.byLength.keys());
  if (len <= max) {
    const nop = nops.byLength.get(len);
    if (!nop) throw new Error(`the NOP table has no ${len}-byte NOP (${nops.source})`);
    buf.set(nop, at);
    return;
  }
  let p = at;
  if (len < 128) {
    buf[p++] = 0xeb;
    buf[p++] = len - 2;
  } else {
    buf[p++] = 0xe9;
    new DataView(buf.buffer, buf.byteOffset).setInt32(p, len - 5, true);
    p += 4;
  }
  buf.fill(INT3, p, at + len);
}

/** optimize_nops(buf, len); `buf` may run past `len` (the decoder's look-ahead). */
function optimizeNops(buf: Uint8Array, len: number, opts: Linux612Options): void {
  for (let i = 0, next = 0; i < len; i = next) {
    const d = decodeAt(buf, i, opts.bitness);
    if (!d) return;
    next = i + d.length;
    if (!isNop(d)) continue;
    // "Has the NOP already been optimized?"
    if (next === len) return;
    // skip_nops(buf, next, len)
    for (; next < len; ) {
      const n = decodeAt(buf, next, opts.bitness);
      if (!n || !isNop(n)) break;
      next += n.length;
    }
    addNop612(buf, i, next - i, opts.nops);
  }
}

/** apply_reloc_n(): `v += diff` with BUG_ON when it does not fit the field. */
function applyReloc(dv: DataView, at: number, size: number, diff: bigint, e: AltEntry): void {
  const old = BigInt(size === 1 ? dv.getInt8(at) : size === 2 ? dv.getInt16(at, true) : dv.getInt32(at, true));
  const v = BigInt.asIntN(32, old + diff);
  if (BigInt.asIntN(size * 8, v) !== v) throw new InputError(`alternative entry ${e.index} at 0x${e.instrAddr.toString(16)}: a ${size * 8}-bit displacement re-based by ${diff} does not fit (Linux 6.12 BUG()s here at boot)`);
  if (size === 1) dv.setInt8(at, Number(v));
  else if (size === 2) dv.setInt16(at, Number(v), true);
  else dv.setInt32(at, Number(v), true);
}

/** __apply_relocation(buf, instr, instrlen, repl, repl_len). Says what it changed, or undefined. */
function applyRelocation(buf: Uint8Array, e: AltEntry, opts: Linux612Options): string | undefined {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const diff = e.replAddr - e.instrAddr;
  // need_reloc(): the target (as an offset from the replacement) lies outside [0, repl_len].
  const need = (offset: bigint): boolean => offset < 0n || offset > BigInt(e.replacementlen);
  const done: string[] = [];
  for (let i = 0, next = 0; i < e.instrlen; i = next) {
    const d = decodeAt(buf, i, opts.bitness);
    // WARN_ON_ONCE(insn_decode_kernel(...)): return.
    if (!d) break;
    next = i + d.length;
    if (d.branch) {
      const at = i + d.branch.at;
      const imm = BigInt(d.branch.size === 1 ? dv.getInt8(at) : d.branch.size === 2 ? dv.getInt16(at, true) : dv.getInt32(at, true));
      if (need(BigInt(next) + imm)) {
        applyReloc(dv, at, d.branch.size, diff, e);
        done.push(d.op0 === 0xe8 ? 'call re-based' : 'branch re-based');
      }
      if (d.op0 === 0xe9) {
        // imm = insn.immediate.value (as decoded, before the re-base) + (repl - instr) + 3
        const short = Number(BigInt.asIntN(32, imm + diff + 3n));
        if (short >> 31 === short >> 7) {
          buf[i] = 0xeb;
          buf[i + 1] = short & 0xff;
          buf.fill(INT3, i + 2, i + d.length);
          done.push('jmp rel32 made short (eb rel8 + int3)');
        }
      }
    }
    if (d.ripRel) {
      const at = i + d.ripRel.at;
      const disp = BigInt(d.ripRel.size === 1 ? dv.getInt8(at) : d.ripRel.size === 2 ? dv.getInt16(at, true) : dv.getInt32(at, true));
      if (need(BigInt(next) + disp)) {
        applyReloc(dv, at, d.ripRel.size, diff, e);
        done.push('rip-relative re-based');
      }
    }
  }
  return done.length ? [...new Set(done)].join(', ') : undefined;
}

/** alt_replace_call(): the replacement's `call BUG_func` re-aimed at the slot's function; how many bytes stay. */
function replaceCall(e: AltEntry, buf: Uint8Array, mem: AltMemory, opts: Linux612Options): { size: number; fixup: string } {
  const where = `alternative entry ${e.index} at 0x${e.instrAddr.toString(16)}`;
  if (e.replacementlen !== 5 || buf[0] !== 0xe8) throw new InputError(`${where}: ALT_FLAG_DIRECT_CALL set for a non-call replacement instruction (Linux 6.12 BUG()s here)`);
  const instr = mem.read(e.instrAddr, e.instrlen);
  const slotAddr = e.instrlen === 6 ? indirectCallSlot(instr, e.instrAddr, 64) : undefined;
  if (slotAddr === undefined) throw new InputError(`${where}: ALT_FLAG_DIRECT_CALL set for unrecognized indirect call (Linux 6.12 BUG()s here)`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const slot = mem.read(slotAddr, 8);
  const bug = e.replAddr + 5n + BigInt(dv.getInt32(1, true));
  const held = new DataView(slot.buffer, slot.byteOffset, 8).getBigUint64(0, true);
  const target = held === 0n ? bug : held;
  dv.setInt32(1, Number(BigInt.asIntN(32, BigInt(dv.getInt32(1, true)) + (target - bug))), true);
  const nopFunc = opts.symbol?.('nop_func');
  if (nopFunc !== undefined && target === nopFunc) return { size: 0, fixup: 'direct call: the slot holds nop_func, no call' };
  return { size: 5, fixup: held === 0n ? 'direct call: NULL slot, call BUG_func' : "direct call to the slot's function" };
}

/** Consecutive entries at one address share the longest instrlen (apply_alternatives() widens them in place). */
function widenRuns(entries: readonly AltEntry[]): AltEntry[] {
  const out = entries.map((e) => ({ ...e }));
  for (let i = 0; i < out.length; ) {
    let j = i + 1;
    while (j < out.length && out[j]!.instrAddr === out[i]!.instrAddr) j++;
    const len = Math.max(...out.slice(i, j).map((e) => e.instrlen));
    for (let k = i; k < j; k++) out[k]!.instrlen = len;
    i = j;
  }
  return out;
}

export function linux612Rules(opts: Linux612Options): AltPassRules {
  return {
    has: opts.has,
    unsupported: (e) => (e.flags.includes('direct-call') && !opts.symbol ? 'ALT_FLAG_DIRECT_CALL needs the kernel\'s symbols (nop_func)' : undefined),
    prepare: widenRuns,
    build(e, replacement, mem) {
      const buf = new Uint8Array(e.instrlen + MAX_INSN_SIZE);
      buf.set(mem.read(e.instrAddr + BigInt(e.instrlen), MAX_INSN_SIZE, true), e.instrlen);
      buf.set(replacement);
      let size = e.replacementlen;
      const fixups: string[] = [];
      if (e.flags.includes('direct-call')) {
        const r = replaceCall(e, buf, mem, opts);
        size = r.size;
        fixups.push(r.fixup);
      }
      buf.fill(0x90, size, e.instrlen);
      const reloc = applyRelocation(buf, e, opts);
      if (reloc) fixups.push(reloc);
      optimizeNops(buf, e.instrlen, opts);
      return { bytes: buf.slice(0, e.instrlen), ...(fixups.length ? { fixup: fixups.join('; ') } : {}) };
    },
    after(e, mem, outcome) {
      // Applied entries had optimize_nops() inside text_poke_apply_relocation(); the others get it here.
      if (outcome === 'applied' || e.instrlen === 0) return;
      const buf = new Uint8Array(e.instrlen + MAX_INSN_SIZE);
      buf.set(mem.read(e.instrAddr, e.instrlen + MAX_INSN_SIZE, true));
      const before = buf.slice(0, e.instrlen);
      optimizeNops(buf, e.instrlen, opts);
      if (buf.subarray(0, e.instrlen).some((b, i) => b !== before[i])) mem.write(e.instrAddr, buf.subarray(0, e.instrlen));
    },
  };
}
