// AVX-512 against GNU as at test time (avx512-compare.ts has the verdicts): hand-written lines for each
// feature and GNU rule in AT&T (with and without %, 64- and 32-bit) and Intel syntax.
import { describe, expect, it } from 'vitest';
import { assembleBlock } from '../../../src/asm/index.js';
import { clearShapeCache } from '../../../src/asm/shapeCache.js';
import { AVX512_ATT, AVX512_INTEL } from './avx512-lines.js';
import { compareWithGnu } from './avx512-compare.js';
import type { GnuOptions } from './gnuAs.js';

// 32-bit code gets the 32-bit names of the 64-bit registers, so the lines still mean something there
// (Intel would otherwise read `rax` as a symbol).
const to32 = (l: string): string => l.replace(/\b(%?)r([abcd]x|[sd]i|[sb]p)\b/g, '$1e$2');

interface Config {
  name: string;
  lines: string[];
  gnu: GnuOptions;
  /** The least share of lines that must come out identical. */
  minSame: number;
}

const CONFIGS: Config[] = [
  { name: 'AT&T 64-bit', lines: AVX512_ATT, gnu: { bitness: 64, syntax: 'att' }, minSame: 0.85 },
  { name: 'AT&T without % 64-bit', lines: AVX512_ATT.map((l) => l.replaceAll('%', '')), gnu: { bitness: 64, syntax: 'att', noprefix: true }, minSame: 0.85 },
  { name: 'AT&T 32-bit', lines: AVX512_ATT.map(to32), gnu: { bitness: 32, syntax: 'att' }, minSame: 0.6 },
  { name: 'Intel 64-bit', lines: AVX512_INTEL, gnu: { bitness: 64, syntax: 'intel' }, minSame: 0.85 },
  { name: 'Intel 32-bit', lines: AVX512_INTEL.map(to32), gnu: { bitness: 32, syntax: 'intel' }, minSame: 0.6 },
];

describe('AVX-512 agrees with GNU as 2.40', () => {
  for (const c of CONFIGS) {
    it(`${c.name}: ${c.lines.length} lines`, () => {
      const v = compareWithGnu(c.lines, c.gnu);
      expect(v.wrong).toEqual([]);
      expect(v.refused).toEqual([]);
      expect(v.same).toBeGreaterThan(c.lines.length * c.minSame);
    });
  }
});

describe('AVX-512 refusals say what is not supported', () => {
  const CASES: [string, RegExp, string][] = [
    ['vpxor %xmm17,%xmm2,%xmm3', /no EVEX .* form.*xmm17/, 'vpxor %xmm17,%xmm2,%xmm3'],
    ['vaddps (%rax){1to8},%zmm2,%zmm3', /unsupported broadcast/, 'vaddps (%rax){1to8},%zmm2,%zmm3'],
    ['vaddps {sae},%zmm1,%zmm2,%zmm3', /unsupported static rounding\/sae/, 'vaddps {sae},%zmm1,%zmm2,%zmm3'],
    ['vmovups %zmm1,(%rax){%k1}{z}', /unsupported masking/, 'vmovups %zmm1,(%rax){%k1}{z}'],
    ['vgatherdps (%rax,%zmm1,4),%zmm2', /needs a write mask/, 'vgatherdps (%rax,%zmm1,4),%zmm2'],
    ['vaddps %zmm1,%zmm2{%k1},%zmm3', /mask not on destination/, '{%k1}'],
    ['vaddps %zmm1,%zmm2,%zmm3,{rn-sae}', /misplaced '\{rn-sae\}'/, '{rn-sae}'],
    ['vcvtpd2ps (%rax),%xmm1', /ambiguous/, '(%rax)'],
  ];
  it.each(CASES)('%s', (line, message, span) => {
    const r = assembleBlock(line, { bitness: 64, syntax: 'att' });
    expect(r.errors[0]?.message).toMatch(message);
    expect(line.slice(r.errors[0]!.start, r.errors[0]!.end)).toBe(span);
  });
});

describe('AVX-512 displacements and remembered shapes', () => {
  // A shape's displacement class says whether a value fits a byte; EVEX's disp8*N does not follow it, so a
  // disp32 template (0x41) must not be replayed for a compressible value of the same class (0x40).
  it('every statement of one shape gets its own disp8*N choice', () => {
    clearShapeCache();
    const lines = ['vmovdqu64 0x41(%rsi),%zmm16', 'vmovdqu64 0x40(%rsi),%zmm16', 'vmovdqu64 0x81(%rsi),%zmm16', 'vmovdqu64 0x80(%rsi),%zmm16', 'vaddps 0x5(%rax){1to16},%zmm1,%zmm2', 'vaddps 0x4(%rax){1to16},%zmm1,%zmm2', 'vpternlogd $0x1,0x41(%rax),%zmm1,%zmm2', 'vpternlogd $0x2,0x40(%rax),%zmm1,%zmm2'];
    const v = compareWithGnu([...lines, ...lines], { bitness: 64, syntax: 'att' });
    expect(v.wrong).toEqual([]);
    expect(v.same).toBe(lines.length * 2);
  });
});
