// Turns (iced Code, operands) into bytes with iced's Encoder, and reports where symbolic or RIP-relative fields
// landed so they can be patched or turned into relocations.
import type { CodeInfo } from './codeIndex.js';
import { Encoder, Instruction, OpKind, Register, RoundingControl, OpCodeOperandKind as K } from './iced.js';
import { fixedReg, IMPLICIT_KINDS } from './match.js';
import type { MemOperand, Operand, RoundingMode } from './operands.js';

export interface Fixup {
  /** Offset of the field within the instruction. */
  offset: number;
  size: 1 | 2 | 4 | 8;
  pcRelative: boolean;
  symbol?: string;
  /** Value to store (for no symbol) or addend (with symbol), as GNU computes it. */
  addend: bigint;
}

export interface Encoded {
  bytes: Uint8Array;
  fixups: Fixup[];
  /** Where the immediate and displacement fields are, when iced reported them. */
  fields?: FieldSpans;
}

/**
 * Immediate and displacement fields, counted back from the end of the encoding (prefixes added in front later
 * do not move them); size 0 when the field is absent. A second immediate (`enter`) is not described.
 */
export interface FieldSpans {
  immFromEnd: number;
  immSize: number;
  dispFromEnd: number;
  dispSize: number;
}

export interface EncodeOptions {
  bitness: number;
  /** Force the displacement width: 1 ({disp8}) or 4 ({disp32}). */
  dispSize?: 1 | 4;
  prefixes: { lock?: boolean; rep?: boolean; repne?: boolean };
  /** `{vex3}`: never use the two-byte VEX form. */
  vex3?: boolean;
  /** EVEX `{rn-sae}`... / `{sae}`. */
  rounding?: RoundingMode;
  /** 64-bit code, `addr32` before an absolute address: a moffs operand takes a 32-bit address (67 a1 disp32). */
  moffs32?: boolean;
}

const ROUNDING_CONTROL: Record<Exclude<RoundingMode, 'sae'>, RoundingControl> = {
  rn: RoundingControl.RoundToNearest, rd: RoundingControl.RoundDown, ru: RoundingControl.RoundUp, rz: RoundingControl.RoundTowardZero,
};

/** The EVEX decorations: the destination's mask and zeroing, a broadcast, rounding or SAE. */
function setDecorations(ins: Instruction, ops: Operand[], mem: MemOperand | undefined, rounding: RoundingMode | undefined): void {
  const dst = ops[0];
  if (dst && dst.kind !== 'imm') {
    if (dst.mask) ins.opMask = dst.mask.reg;
    if (dst.zeroing) ins.zeroingMasking = true;
  }
  if (mem?.bcst) ins.isBroadcast = true;
  if (rounding === 'sae') ins.suppressAllExceptions = true;
  else if (rounding) ins.roundingControl = ROUNDING_CONTROL[rounding];
}

const encoders = new Map<number, InstanceType<typeof Encoder>>();
export function encoderFor(bitness: number): InstanceType<typeof Encoder> {
  let e = encoders.get(bitness);
  if (!e) encoders.set(bitness, (e = new Encoder(bitness)));
  return e;
}

function addressBits(mem: MemOperand, bitness: number): number {
  const r = mem.base ?? mem.index;
  if (!r) return bitness;
  if (r.cls === 'ip') return r.bits;
  if (r.cls === 'gpr64') return 64;
  if (r.cls === 'gpr32') return 32;
  if (r.cls === 'gpr16') return 16;
  // vector index: address size from the base, else mode.
  return mem.base ? addressBits({ ...mem, index: undefined } as MemOperand, bitness) : bitness;
}

const IMM_OPKIND: Partial<Record<number, OpKind>> = {
  [K.imm8]: OpKind.Immediate8, [K.imm4_m2z]: OpKind.Immediate8, [K.imm8_const_1]: OpKind.Immediate8,
  [K.imm16]: OpKind.Immediate16, [K.imm32]: OpKind.Immediate32, [K.imm64]: OpKind.Immediate64,
  [K.imm8sex16]: OpKind.Immediate8to16, [K.imm8sex32]: OpKind.Immediate8to32, [K.imm8sex64]: OpKind.Immediate8to64,
  [K.imm32sex64]: OpKind.Immediate32to64,
};

/** Default segment for an address: ss for rsp/rbp-based addresses, ds otherwise. GNU drops an override naming it. */
function defaultSegment(mem: MemOperand): Register {
  const b = mem.base;
  if (b && b.cls !== 'ip' && (b.num === 4 || b.num === 5) && b.cls.startsWith('gpr')) return Register.SS;
  return Register.DS;
}

/**
 * Encodes one candidate. Throws (an iced error) when iced cannot encode the combination, which callers treat as
 * "this candidate does not fit". `ops` are the user operands in Intel order, aligned with the non-implicit kinds.
 */
export function encodeCandidate(ci: CodeInfo, ops: Operand[], opts: EncodeOptions): Encoded {
  const ins = new Instruction();
  try {
    ins.code = ci.code;
    const bitness = opts.bitness;
    let u = 0;
    let mem: MemOperand | undefined;
    let immCount = 0;
    let symImm: { sym?: string; value: bigint } | undefined;
    let ripRel = false;
    for (let i = 0; i < ci.kinds.length; i++) {
      const k = ci.kinds[i]!;
      if (IMPLICIT_KINDS.has(k)) {
        const ab = mem ? addressBits(mem, bitness) : bitness;
        if (k === K.seg_rSI) ins.setOpKind(i, ab === 64 ? OpKind.MemorySegRSI : ab === 32 ? OpKind.MemorySegESI : OpKind.MemorySegSI);
        else if (k === K.es_rDI) ins.setOpKind(i, ab === 64 ? OpKind.MemoryESRDI : ab === 32 ? OpKind.MemoryESEDI : OpKind.MemoryESDI);
        else if (k === K.seg_rDI) ins.setOpKind(i, ab === 64 ? OpKind.MemorySegRDI : ab === 32 ? OpKind.MemorySegEDI : OpKind.MemorySegDI);
        else {
          ins.setOpKind(i, OpKind.Memory);
          ins.memoryBase = ab === 64 ? Register.RBX : ab === 32 ? Register.EBX : Register.BX;
          ins.memoryIndex = Register.AL;
        }
        continue;
      }
      const op = ops[u++];
      if (!op) {
        // String instructions: their accumulator/dx operands are implied by the mnemonic.
        const fr = fixedReg(k);
        if (fr === undefined) throw new Error('operand count');
        ins.setOpKind(i, OpKind.Register);
        ins.setOpRegister(i, fr);
        continue;
      }
      if (op.kind === 'reg') {
        ins.setOpKind(i, OpKind.Register);
        ins.setOpRegister(i, fixedReg(k) ?? op.info.reg);
      } else if (op.kind === 'imm') {
        let kind = IMM_OPKIND[k];
        if (kind === undefined) throw new Error('not an immediate kind');
        if (kind === OpKind.Immediate8 && immCount > 0) kind = OpKind.Immediate8_2nd;
        immCount++;
        ins.setOpKind(i, kind);
        ins.setImmediateU64(i, BigInt.asUintN(64, op.expr.symbol ? 0n : op.expr.value));
        if (op.expr.symbol !== undefined) symImm = { sym: op.expr.symbol, value: op.expr.value };
      } else {
        mem = op;
        ins.setOpKind(i, OpKind.Memory);
        const ab = addressBits(op, bitness);
        if (op.base) ins.memoryBase = op.base.reg;
        if (op.index) {
          ins.memoryIndex = op.index.reg;
          ins.memoryIndexScale = op.scale;
        }
        const isRip = op.base?.cls === 'ip';
        ripRel = isRip;
        const symbolic = op.disp.symbol !== undefined;
        const full = ab === 64 ? 8 : ab === 32 ? 4 : 2;
        let dsz = 0;
        if (k === K.mem_offs) dsz = opts.moffs32 ? 4 : full;
        else if (symbolic || isRip || (!op.base && !op.index)) dsz = full;
        else if (opts.dispSize === 4) dsz = full;
        else if (opts.dispSize === 1) dsz = 1;
        else if (op.disp.value !== 0n) {
          const v = ab === 64 ? op.disp.value : BigInt.asIntN(ab, op.disp.value);
          // EVEX: iced scales a byte displacement by the operand size (disp8*N) where it can, as GNU does.
          dsz = (v >= -128n && v <= 127n) || ci.evex ? 1 : full;
        }
        // A RIP-relative field is patched after encoding, so iced only has to reserve it.
        let dv = symbolic || isRip ? 0n : op.disp.value;
        // A 32-bit moffs address wraps like GNU's (`addr32 mov -1,%eax` reads 0xffffffff).
        if (k === K.mem_offs && opts.moffs32 && dv < 0n && dv >= -0x80000000n) dv = BigInt.asUintN(32, dv);
        ins.memoryDisplSize = dsz;
        ins.memoryDisplacement = BigInt.asUintN(64, dv);
        if (op.seg && op.seg.reg !== defaultSegment(op)) ins.segmentPrefix = op.seg.reg;
      }
    }
    if (ci.evex) setDecorations(ins, ops, mem, opts.rounding);
    if (opts.prefixes.lock) ins.hasLockPrefix = true;
    if (opts.prefixes.rep) ins.hasRepPrefix = true;
    if (opts.prefixes.repne) ins.hasRepnePrefix = true;
    const enc = encoderFor(bitness);
    let len: number;
    try {
      if (opts.vex3) enc.preventVEX2 = true;
      len = enc.encode(ins, 0n);
    } catch (e) {
      // A failed encode leaves partial bytes behind.
      enc.takeBuffer();
      throw e;
    } finally {
      if (opts.vex3) enc.preventVEX2 = false;
    }
    const all = enc.takeBuffer();
    const bytes = all.length === len ? all : all.slice(all.length - len);
    orderPrefixes(bytes);
    const fixups: Fixup[] = [];
    let fields: FieldSpans | undefined;
    if (mem || immCount > 0) {
      const co = enc.getConstantOffsets();
      try {
        fields = {
          immFromEnd: co.immediateSize ? len - co.immediateOffset : 0,
          immSize: co.immediateSize,
          dispFromEnd: co.displacementSize ? len - co.displacementOffset : 0,
          dispSize: co.displacementSize,
        };
        // iced scales an EVEX displacement even into a full-size field (seen with an index and no base): the
        // field must hold the displacement itself.
        if (ci.evex && mem && co.displacementSize > 1 && !ripRel && mem.disp.symbol === undefined) {
          writeLE(bytes, co.displacementOffset, co.displacementSize as 2 | 4, mem.disp.value);
        }
        if (mem && (ripRel || mem.disp.symbol !== undefined)) {
          const off = co.displacementOffset;
          const size = co.displacementSize as 1 | 2 | 4 | 8;
          if (ripRel) {
            if (mem.disp.symbol !== undefined) {
              fixups.push({ offset: off, size, pcRelative: true, symbol: mem.disp.symbol, addend: mem.disp.value - BigInt(bytes.length - off) });
            } else {
              fixups.push({ offset: off, size, pcRelative: false, addend: mem.disp.value });
            }
          } else {
            fixups.push({ offset: off, size, pcRelative: false, symbol: mem.disp.symbol!, addend: mem.disp.value });
          }
        }
        if (symImm) {
          fixups.push({ offset: co.immediateOffset, size: co.immediateSize as 1 | 2 | 4 | 8, pcRelative: false, symbol: symImm.sym!, addend: symImm.value });
        }
      } finally {
        co.free();
      }
    }
    // Constant RIP-relative displacements are written as given (GNU does not treat them as targets).
    for (const f of fixups) {
      if (f.symbol === undefined) {
        writeLE(bytes, f.offset, f.size, f.addend);
      }
    }
    const encoded: Encoded = { bytes, fixups: fixups.filter((f) => f.symbol !== undefined) };
    if (fields) encoded.fields = fields;
    return encoded;
  } finally {
    ins.free();
  }
}

// GNU emits legacy prefixes by slot: segment, 67, 66, f2/f3, f0 (iced writes some in another order).
const PREFIX_SLOT: Record<number, number> = {
  0x26: 1, 0x2e: 1, 0x36: 1, 0x3e: 1, 0x64: 1, 0x65: 1, 0x67: 2, 0x66: 3, 0xf2: 4, 0xf3: 4, 0xf0: 5,
};

/** Number of legacy prefix bytes at the start of an encoding. */
export function prefixCount(bytes: Uint8Array): number {
  let n = 0;
  while (n < bytes.length && PREFIX_SLOT[bytes[n]!] !== undefined) n++;
  return n;
}

/** Inserts bytes at `at`, moving fixups behind it. */
export function insertBytes(e: Encoded, at: number, extra: number[]): Encoded {
  const bytes = new Uint8Array(e.bytes.length + extra.length);
  bytes.set(e.bytes.subarray(0, at), 0);
  bytes.set(extra, at);
  bytes.set(e.bytes.subarray(at), at + extra.length);
  const out: Encoded = { bytes, fixups: e.fixups.map((f) => (f.offset >= at ? { ...f, offset: f.offset + extra.length } : f)) };
  // Fields are counted from the end, so bytes inserted in front of them leave them where they are.
  if (e.fields && at <= e.bytes.length - Math.max(e.fields.immFromEnd, e.fields.dispFromEnd)) out.fields = e.fields;
  return out;
}

export function orderPrefixes(bytes: Uint8Array): void {
  let n = 0;
  while (n < bytes.length && PREFIX_SLOT[bytes[n]!] !== undefined) n++;
  // The last prefix-looking byte can be the opcode itself (e.g. a lone f3 would not be encoded by iced anyway).
  if (n < 2) return;
  const run = Array.from(bytes.subarray(0, n));
  const sorted = run.map((b, i) => ({ b, i })).sort((x, y) => PREFIX_SLOT[x.b]! - PREFIX_SLOT[y.b]! || x.i - y.i);
  sorted.forEach((x, i) => (bytes[i] = x.b));
}

/** `ljmp $sel,$off` / `lcall $sel,$off`: a ptr16:16 or ptr16:32 operand. */
export function encodeFarDirect(ci: CodeInfo, selector: number, offset: bigint, symbol: string | undefined, bitness: number): Encoded {
  const ins = Instruction.createFarBranch(ci.code, selector, Number(BigInt.asUintN(32, symbol ? 0n : offset)));
  try {
    const enc = encoderFor(bitness);
    let len: number;
    try {
      len = enc.encode(ins, 0n);
    } catch (e) {
      enc.takeBuffer();
      throw e;
    }
    const all = enc.takeBuffer();
    const bytes = all.length === len ? all : all.slice(all.length - len);
    const offSize = ci.kinds[0] === K.farbr2_2 ? 2 : 4;
    // Layout: [66] opcode offset selector.
    const fieldAt = bytes.length - 2 - offSize;
    const fixups: Fixup[] = symbol ? [{ offset: fieldAt, size: offSize as 2 | 4, pcRelative: false, symbol, addend: offset }] : [];
    return { bytes, fixups };
  } finally {
    ins.free();
  }
}

export function writeLE(buf: Uint8Array, off: number, size: number, v: bigint): void {
  let x = BigInt.asUintN(size * 8, v);
  for (let i = 0; i < size; i++) {
    buf[off + i] = Number(x & 0xffn);
    x >>= 8n;
  }
}
