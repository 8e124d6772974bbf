// Semantics of the bit-twiddling instructions native functions use: shifts and rotates (by a constant or
// by cl), rcl/rcr, bswap, bt/bts/btr/btc, adc/sbb, cmovcc, setcc, sign extensions of rax into rdx. Flags
// as Intel SDM Vol. 2 defines them for each; a flag the SDM calls undefined becomes an unknown.
import type { DecodedInsn, Operand } from './decode.js';
import { jccCondition, parity } from './flags.js';
import { FLAG_BITS, type MachineState } from './state.js';
import { bitwise, concat, constant, eqz, ite, lin, ltu, not, replicate, rol, ror, sar, sext, shiftBy, shl, shr, slice, sub, symbol, zext, type ShiftKind, type Val } from './values.js';

export interface InsnContext {
  st: MachineState;
  insn: DecodedInsn;
  wordBits: 32 | 64;
  tag: string;
  read(o: Operand | undefined, bits: number): Val;
  write(o: Operand | undefined, v: Val): void;
  width(o: Operand | undefined): number;
  /** Every flag iced says the instruction writes becomes an unknown (then the defined ones are set). */
  havocFlags(): void;
  /** Throws the executor's "no semantics" error with this reason. */
  unsupported(why: string): never;
}

const SHIFTS = new Set(['shl', 'sal', 'shr', 'sar', 'rol', 'ror', 'rcl', 'rcr']);
const BIT_TESTS = new Set(['bt', 'bts', 'btr', 'btc']);
const WIDEN: Record<string, [string, string, number]> = { cbw: ['al', 'ax', 16], cwde: ['ax', 'eax', 32], cdqe: ['eax', 'rax', 64] };
const SIGN_INTO_DX: Record<string, [string, string]> = { cwd: ['ax', 'dx'], cdq: ['eax', 'edx'], cqo: ['rax', 'rdx'] };

/** False when the instruction is not one of these. */
export function executeBitInsn(c: InsnContext): boolean {
  const m = c.insn.mnemonic;
  const [o0, o1] = c.insn.operands;
  if (SHIFTS.has(m)) shiftOrRotate(c, (m === 'sal' ? 'shl' : m) as ShiftKind | 'rcl' | 'rcr');
  else if (BIT_TESTS.has(m)) bitTest(c);
  else if (m === 'adc' || m === 'sbb') addWithCarry(c, m);
  else if (m === 'bswap') {
    const w = c.width(o0);
    if (w < 32) c.unsupported('bswap of a 16-bit register is undefined');
    const a = c.read(o0, w);
    c.write(o0, concat(Array.from({ length: w / 8 }, (_, b) => slice(a, w - 8 * (b + 1), 8))));
  } else if (m.startsWith('cmov') && jccCondition(`j${m.slice(4)}`, c.st)) {
    const w = c.width(o0);
    // A 32-bit cmov writes (and so zero-extends) its destination whether or not it moves.
    c.write(o0, ite(jccCondition(`j${m.slice(4)}`, c.st)!, c.read(o1, w), c.read(o0, w)));
  } else if (m.startsWith('set') && jccCondition(`j${m.slice(3)}`, c.st)) {
    c.write(o0, zext(jccCondition(`j${m.slice(3)}`, c.st)!, 8));
  } else if (WIDEN[m]) {
    const [from, to, w] = WIDEN[m]!;
    c.st.write(to, sext(c.st.read(from), w), c.insn.index);
  } else if (SIGN_INTO_DX[m]) {
    const [from, to] = SIGN_INTO_DX[m]!;
    const a = c.st.read(from);
    c.st.write(to, replicate(slice(a, a.w - 1, 1), a.w), c.insn.index);
  } else return false;
  return true;
}

function setFlags(st: MachineState, flags: Record<string, Val>): void {
  const entries = Object.entries(flags);
  const byBit = new Map(entries.map(([n, v]) => [FLAG_BITS[n]!, v]));
  st.setFlagBits([...byBit.keys()], (b) => byBit.get(b)!);
}

function unknownFlag(c: InsnContext, name: string): Val {
  return symbol(1, `flag${FLAG_BITS[name]}@${c.tag}${c.insn.index}`, 'maybe', `${name} after \`${c.insn.att}\``);
}

function shiftOrRotate(c: InsnContext, kind: ShiftKind | 'rcl' | 'rcr'): void {
  const [o0, o1] = c.insn.operands;
  const w = c.width(o0);
  const a = c.read(o0, w);
  const countMask = w === 64 ? 63n : 31n;
  const count: Val = !o1 ? constant(8, 1n) : o1.kind === 'imm' ? constant(8, o1.value & countMask) : bitwise('and', 8, [c.read(o1, 8)], countMask);
  const st = c.st;
  const old = (f: string): Val => st.flag(f);
  if (count.k !== 'const') {
    if (kind === 'rcl' || kind === 'rcr') c.unsupported(`${kind} by a register count`);
    const r = shiftBy(kind, a, count);
    c.write(o0, r);
    // A zero count changes nothing, flags included; otherwise the flags of a shift by an unknown count
    // are known only where they depend on the result alone.
    const z = eqz(count);
    const keep = (f: string, v: Val): Val => ite(z, old(f), v);
    const rotate = kind === 'rol' || kind === 'ror';
    const unknowns = ['CF', 'OF', ...(rotate ? [] : ['AF'])].map((f) => [f, unknownFlag(c, f)] as const);
    const flags: Record<string, Val> = Object.fromEntries(unknowns.map(([f, v]) => [f, keep(f, v)]));
    if (rotate) flags['CF'] = keep('CF', kind === 'rol' ? slice(r, 0, 1) : slice(r, w - 1, 1));
    else Object.assign(flags, { ZF: keep('ZF', eqz(r)), SF: keep('SF', slice(r, w - 1, 1)), PF: keep('PF', parity(r)) });
    setFlags(st, flags);
    return;
  }
  const n = Number(count.v);
  if (n === 0) return;
  const msb = (v: Val): Val => slice(v, w - 1, 1);
  if (kind === 'rcl' || kind === 'rcr') {
    // Through CF: a rotation of the (w+1)-bit value CF:dest.
    const k = w <= 16 ? n % (w + 1) : n;
    const x = concat([a, old('CF')]);
    const y = kind === 'rcl' ? rol(x, k) : ror(x, k);
    const r = slice(y, 0, w);
    c.write(o0, r);
    const cf = slice(y, w, 1);
    const of = n !== 1 ? unknownFlag(c, 'OF') : kind === 'rcl' ? bitwise('xor', 1, [msb(r), cf]) : bitwise('xor', 1, [msb(a), old('CF')]);
    setFlags(st, { CF: cf, OF: of });
    return;
  }
  if (kind === 'rol' || kind === 'ror') {
    const r = kind === 'rol' ? rol(a, n) : ror(a, n);
    c.write(o0, r);
    const cf = kind === 'rol' ? slice(r, 0, 1) : msb(r);
    const of = n !== 1 ? unknownFlag(c, 'OF') : kind === 'rol' ? bitwise('xor', 1, [msb(r), cf]) : bitwise('xor', 1, [msb(r), slice(r, w - 2, 1)]);
    setFlags(st, { CF: cf, OF: of });
    return;
  }
  const r = kind === 'shl' ? shl(a, n) : kind === 'shr' ? shr(a, n) : sar(a, n);
  c.write(o0, r);
  c.havocFlags();
  // The last bit shifted out; undefined past the operand's width (8- and 16-bit shifts by up to 31).
  const cf = n > w ? unknownFlag(c, 'CF') : kind === 'shl' ? slice(a, w - n, 1) : slice(a, n - 1, 1);
  const of = n !== 1 ? unknownFlag(c, 'OF') : kind === 'shl' ? bitwise('xor', 1, [msb(r), cf]) : kind === 'shr' ? msb(a) : constant(1, 0n);
  setFlags(st, { CF: cf, OF: of, ZF: eqz(r), SF: msb(r), PF: parity(r) });
}

function bitTest(c: InsnContext): void {
  const m = c.insn.mnemonic;
  const [o0, o1] = c.insn.operands;
  const w = c.width(o0);
  let n: Val;
  if (o1?.kind === 'imm') n = constant(8, o1.value % BigInt(w));
  else {
    // With a register offset, a memory operand is a bit string reaching beyond the operand.
    if (o0?.kind !== 'reg') c.unsupported('a bit offset in a register into memory');
    n = bitwise('and', 8, [slice(c.read(o1, w), 0, 8)], BigInt(w - 1));
  }
  const a = c.read(o0, w);
  const bit = slice(shiftBy('shr', a, n.w === w ? n : zext(n, w)), 0, 1);
  c.havocFlags();
  const one = shiftBy('shl', constant(w, 1n), zext(n, w));
  if (m === 'bts') c.write(o0, bitwise('or', w, [a, one]));
  else if (m === 'btr') c.write(o0, bitwise('and', w, [a, not(one)]));
  else if (m === 'btc') c.write(o0, bitwise('xor', w, [a, one]));
  setFlags(c.st, { CF: bit });
}

function addWithCarry(c: InsnContext, m: 'adc' | 'sbb'): void {
  const [o0, o1] = c.insn.operands;
  const w = c.width(o0);
  const a = c.read(o0, w);
  const b = c.read(o1, w);
  const cin = c.st.flag('CF');
  const s = m === 'adc' ? 1n : -1n;
  const r = lin(w, [{ coef: 1n, t: a }, { coef: s, t: b }, { coef: s, t: zext(cin, w) }], 0n);
  c.write(o0, r);
  const or = (x: Val, y: Val): Val => bitwise('or', 1, [x, y]);
  const and = (x: Val, y: Val): Val => bitwise('and', 1, [x, y]);
  const xor = (...xs: Val[]): Val => bitwise('xor', w, xs);
  // a + b + c carries iff r < a, or r = a with a carry in; a - b - c borrows iff a < b, or a = b with one.
  const cf = m === 'adc' ? or(ltu(r, a), and(cin, eqz(sub(r, a)))) : or(ltu(a, b), and(cin, eqz(sub(a, b))));
  const of = slice(m === 'adc' ? bitwise('and', w, [xor(a, r), xor(b, r)]) : bitwise('and', w, [xor(a, b), xor(a, r)]), w - 1, 1);
  setFlags(c.st, { CF: cf, OF: of, ZF: eqz(r), SF: slice(r, w - 1, 1), PF: parity(r), AF: slice(xor(a, b, r), 4, 1) });
}
