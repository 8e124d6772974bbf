// Random instructions for the differential test: common integer/SSE/AVX shapes with random registers,
// addressing forms and immediates. The fixed corpus covers each feature on its own; this covers their
// combinations (a REX register as index with a segment override and a disp8 edge, ...). GNU decides
// what is valid; whatever GNU rejects, patchc must reject too.

import fc from 'fast-check';
import {
  CC, GPR8_HIGH, I, MEMSIZE, SUFFIX, addrRegs, gprs, imm, mem, reg, renderAtt, renderAttNoPrefix, renderIntel,
  type Bits, type Insn, type MemOp, type Op, type Width,
} from '../../../scripts/asm-corpus/model.js';
import type { CorpusSyntax } from './corpus-format.js';

type Shape = 'rm,r' | 'r,rm' | 'rm,imm' | 'rm' | 'r,m' | 'rm,cl' | 'rm,1' | 'r,rm,imm' | 'x,xm' | 'x,x,xm' | 'x,xm,imm' | 'ext';

interface Template {
  mn: string;
  shape: Shape;
  widths: Width[];
}

const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
const TEMPLATES: Template[] = [
  ...ALU.flatMap((mn): Template[] => [
    { mn, shape: 'rm,r', widths: [8, 16, 32, 64] },
    { mn, shape: 'r,rm', widths: [8, 16, 32, 64] },
    { mn, shape: 'rm,imm', widths: [8, 16, 32, 64] },
  ]),
  { mn: 'mov', shape: 'rm,r', widths: [8, 16, 32, 64] },
  { mn: 'mov', shape: 'r,rm', widths: [8, 16, 32, 64] },
  { mn: 'mov', shape: 'rm,imm', widths: [8, 16, 32, 64] },
  { mn: 'test', shape: 'rm,r', widths: [8, 16, 32, 64] },
  { mn: 'test', shape: 'rm,imm', widths: [8, 16, 32, 64] },
  { mn: 'xchg', shape: 'rm,r', widths: [8, 16, 32, 64] },
  { mn: 'cmpxchg', shape: 'rm,r', widths: [8, 16, 32, 64] },
  { mn: 'xadd', shape: 'rm,r', widths: [8, 16, 32, 64] },
  ...['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sar'].flatMap((mn): Template[] => [
    { mn, shape: 'rm,imm', widths: [8, 16, 32, 64] },
    { mn, shape: 'rm,cl', widths: [8, 16, 32, 64] },
    { mn, shape: 'rm,1', widths: [8, 16, 32, 64] },
  ]),
  ...['inc', 'dec', 'neg', 'not', 'mul', 'imul', 'div', 'idiv'].map((mn): Template => ({ mn, shape: 'rm', widths: [8, 16, 32, 64] })),
  { mn: 'imul', shape: 'r,rm', widths: [16, 32, 64] },
  { mn: 'imul', shape: 'r,rm,imm', widths: [16, 32, 64] },
  { mn: 'lea', shape: 'r,m', widths: [16, 32, 64] },
  ...['bt', 'bts', 'btr', 'btc'].flatMap((mn): Template[] => [
    { mn, shape: 'rm,r', widths: [16, 32, 64] },
    { mn, shape: 'rm,imm', widths: [16, 32, 64] },
  ]),
  ...['bsf', 'bsr', 'popcnt', 'lzcnt', 'tzcnt', 'movbe'].map((mn): Template => ({ mn, shape: 'r,rm', widths: [16, 32, 64] })),
  ...CC.map((cc): Template => ({ mn: `cmov${cc}`, shape: 'r,rm', widths: [16, 32, 64] })),
  ...CC.map((cc): Template => ({ mn: `set${cc}`, shape: 'rm', widths: [8] })),
  { mn: 'push', shape: 'rm', widths: [16, 32, 64] },
  { mn: 'pop', shape: 'rm', widths: [16, 32, 64] },
  { mn: 'movzx', shape: 'ext', widths: [16, 32, 64] },
  { mn: 'movsx', shape: 'ext', widths: [16, 32, 64] },
  ...['movaps', 'movups', 'movdqu', 'addps', 'mulsd', 'pxor', 'paddd', 'pshufb', 'ucomisd', 'cvtdq2ps'].map((mn): Template => ({ mn, shape: 'x,xm', widths: [32] })),
  ...['vaddps', 'vxorps', 'vpaddd', 'vpxor', 'vmulpd', 'vpshufb', 'vandnps'].map((mn): Template => ({ mn, shape: 'x,x,xm', widths: [32] })),
  ...['pshufd', 'shufps', 'palignr', 'roundps', 'vpshufd', 'vpermilps'].map((mn): Template => ({ mn, shape: 'x,xm,imm', widths: [32] })),
];

// Other-address-size registers: 32-bit addressing in 64-bit mode, 16-bit addressing in 32-bit mode.
const ADDR32_IN_64 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d'];
const BASE16 = ['bx', 'bp', 'si', 'di'];
const INDEX16 = ['si', 'di'];

const DISPS = [0n, 1n, -1n, 0x7fn, 0x80n, -0x80n, -0x81n, 0x7fffn, 0x7fffffffn, -0x80000000n, 0x12345678n];
const IMMS = [0n, 1n, -1n, 0x7fn, 0x80n, -0x80n, -0x81n, 0xffn, 0x100n, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn];

/** Everything random about one instruction, as plain numbers so fast-check can generate and shrink it. */
const choice = fc.record({
  template: fc.nat(TEMPLATES.length - 1),
  width: fc.nat(3),
  reg1: fc.nat(19),
  reg2: fc.nat(19),
  useMem: fc.boolean(),
  base: fc.option(fc.nat(15), { nil: undefined }),
  index: fc.option(fc.nat(15), { nil: undefined }),
  scale: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const),
  disp: fc.option(fc.oneof(fc.constantFrom(...DISPS), fc.bigInt({ min: -0x80000000n, max: 0x7fffffffn })), { nil: undefined }),
  seg: fc.option(fc.constantFrom('es', 'cs', 'ss', 'ds', 'fs', 'gs'), { freq: 5, nil: undefined }),
  rip: fc.boolean(),
  otherAddressSize: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))),
  imm: fc.oneof(fc.constantFrom(...IMMS), fc.bigInt({ min: -0x80000000n, max: 0xffffffffn })),
  xmm: fc.tuple(fc.nat(15), fc.nat(15), fc.nat(15)),
  ymm: fc.boolean(),
  // lock where it may or may not be valid; GNU's pseudo-prefixes that pick an encoding.
  prefix: fc.option(fc.constantFrom('lock', '{disp8}', '{disp32}', '{load}', '{store}', 'rep'), { freq: 4, nil: undefined }),
});

type Choice = typeof choice extends fc.Arbitrary<infer T> ? T : never;

/** The operand width drawn for this instruction; 64 becomes 32 in 32-bit mode. */
function widthOf(c: Choice, bits: Bits): Width {
  const t = TEMPLATES[c.template]!;
  const w = t.widths[c.width % t.widths.length]!;
  return w === 64 && bits === 32 ? 32 : w;
}

function build(c: Choice, bits: Bits): Insn {
  const insn = buildBare(c, bits);
  return c.prefix ? { ...insn, prefix: c.prefix } : insn;
}

function buildBare(c: Choice, bits: Bits): Insn {
  const t = TEMPLATES[c.template]!;
  const w = widthOf(c, bits);
  const pick = (list: string[], n: number): string => list[n % list.length]!;
  // 64-bit mode draws from all 16 registers (and the high-byte ones, which GNU rejects next to REX).
  const regsOf = (x: Width): string[] => (x === 8 ? [...gprs(8, bits), ...GPR8_HIGH.filter(() => bits === 64)] : gprs(x, bits));
  const a = addrRegs(bits);
  const m: MemOp = c.rip && bits === 64
    ? mem({ base: 'rip', disp: c.disp ?? 0n, seg: c.seg })
    : c.otherAddressSize && bits === 32
    ? mem({
        base: c.base === undefined ? undefined : pick(BASE16, c.base),
        index: c.index === undefined ? undefined : pick(INDEX16, c.index),
        disp: c.disp === undefined ? (c.base === undefined && c.index === undefined ? 0x1000n : undefined) : BigInt.asIntN(16, c.disp),
        seg: c.seg,
      })
    : c.otherAddressSize
    ? mem({
        base: c.base === undefined ? undefined : pick(ADDR32_IN_64, c.base),
        index: c.index === undefined ? undefined : pick(ADDR32_IN_64, c.index),
        scale: c.index === undefined ? undefined : c.scale,
        disp: c.disp ?? (c.base === undefined && c.index === undefined ? 0x1000n : undefined),
        seg: c.seg,
      })
    : mem({
        base: c.base === undefined ? undefined : pick(a, c.base),
        index: c.index === undefined ? undefined : pick(a, c.index),
        scale: c.index === undefined ? undefined : c.scale,
        disp: c.disp ?? (c.base === undefined && c.index === undefined ? 0x1000n : undefined),
        seg: c.seg,
      });
  const rm = (x: Width): Op => (c.useMem ? { ...m, size: MEMSIZE[x] } : reg(pick(regsOf(x), c.reg2)));
  const r1 = (x: Width): Op => reg(pick(regsOf(x), c.reg1));
  const sfx = (x: Width): Partial<Insn> => (c.useMem ? { att: `${t.mn}${SUFFIX[x]}` } : {});
  const vec = (n: number): string => `${c.ymm && t.shape === 'x,x,xm' ? 'ymm' : 'xmm'}${n % (bits === 64 ? 16 : 8)}`;
  switch (t.shape) {
    case 'rm,r':
      return I(t.mn, [rm(w), r1(w)]);
    case 'r,rm':
      return I(t.mn, [r1(w), rm(w)]);
    case 'rm,imm':
      return I(t.mn, [rm(w), imm(c.imm)], sfx(w));
    case 'rm':
      return I(t.mn, [rm(w)], sfx(w));
    case 'r,m':
      return I(t.mn, [r1(w), m]);
    case 'rm,cl':
      return I(t.mn, [rm(w), reg('cl')], sfx(w));
    case 'rm,1':
      return I(t.mn, [rm(w), imm(1)], sfx(w));
    case 'r,rm,imm':
      return I(t.mn, [r1(w), rm(w), imm(c.imm)]);
    case 'ext': {
      const src: Width = c.reg2 % 2 ? 8 : 16;
      const dst: Width = w === 16 && src === 16 ? 32 : w;
      const s = t.mn === 'movzx' ? 'z' : 's';
      return I(t.mn, [r1(dst), rm(src)], { att: `mov${s}${SUFFIX[src]}${SUFFIX[dst]}` });
    }
    case 'x,xm':
      return I(t.mn, [reg(vec(c.xmm[0])), c.useMem ? m : reg(vec(c.xmm[1]))]);
    case 'x,x,xm':
      return I(t.mn, [reg(vec(c.xmm[0])), reg(vec(c.xmm[1])), c.useMem ? m : reg(vec(c.xmm[2]))]);
    case 'x,xm,imm':
      return I(t.mn, [reg(vec(c.xmm[0])), c.useMem ? m : reg(vec(c.xmm[1])), imm(c.imm & 0xffn)]);
  }
}

const RENDER: Record<CorpusSyntax, (x: Insn) => string> = { intel: renderIntel, att: renderAtt, attnp: renderAttNoPrefix };

const IMM_RANGE: Record<Width, [bigint, bigint]> = {
  8: [-0x80n, 0xffn],
  16: [-0x8000n, 0xffffn],
  32: [-0x80000000n, 0xffffffffn],
  // 64-bit operations take a sign-extended 32-bit immediate.
  64: [-0x80000000n, 0x7fffffffn],
};
const IMM8_COUNT = new Set(['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sar', 'bt', 'bts', 'btr', 'btc']);

/**
 * An immediate that does not fit its field: GNU often truncates these silently (`test cl, 0xffffffff`
 * gives f6 c1 ff); patchc must refuse them.
 */
function immTooWide(c: Choice, bits: Bits): boolean {
  const t = TEMPLATES[c.template]!;
  if (t.shape !== 'rm,imm' && t.shape !== 'r,rm,imm') return false;
  const w = widthOf(c, bits);
  if (t.mn === 'mov' && w === 64 && !c.useMem) return false; // mov r64 takes any 64-bit value (movabs form)
  const [lo, hi] = IMM_RANGE[IMM8_COUNT.has(t.mn) ? 8 : w];
  return c.imm < lo || c.imm > hi;
}

export interface RandomLine {
  text: string;
  /** patchc must refuse it, whatever GNU does. */
  mustRefuse: boolean;
}

/** `count` random lines for one syntax and mode; the same seed always gives the same lines. */
export function randomLines(seed: number, count: number, syntax: CorpusSyntax, bits: Bits): RandomLine[] {
  return fc.sample(choice, { seed, numRuns: count }).map((c) => ({ text: RENDER[syntax](build(c, bits)), mustRefuse: immTooWide(c, bits) }));
}
