// AVX-512 against GNU as at test time: every line assembles to GNU's bytes or is refused; what GNU rejects or
// only warns about (an ambiguous broadcast, say) patchc refuses; and what GNU accepts is refused only where
// patchc refuses on purpose.
import { describe, expect, it } from 'vitest';
import { assembleBlock } from '../../../src/asm/index.js';
import { AVX512_ATT, AVX512_INTEL } from './avx512-lines.js';
import { gnuAssemble, type GnuOptions } from './gnuAs.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// 32-bit code gets the 32-bit names of the 64-bit registers, so the lines still mean something there
// (Intel would otherwise read `rax` as a symbol).
const to32 = (l: string): string => l.replace(/\b(%?)r([abcd]x|[sd]i|[sb]p)\b/g, '$1e$2');

// Refused on purpose although GNU assembles them: a sizeless memory source of an integer-to-float conversion,
// which GNU reads as 32-bit without a word (patchc refuses cvtsi2sd (%rax) the same way).
const REFUSED_ON_PURPOSE = /^vcvtu?si2s[sd] \(%?[er]ax\)/;

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
      const gnu = gnuAssemble(c.lines, c.gnu);
      const wrong: string[] = [];
      const refused: string[] = [];
      let same = 0;
      c.lines.forEach((line, i) => {
        const g = gnu[i]!;
        const r = assembleBlock(line, { bitness: c.gnu.bitness, syntax: c.gnu.syntax });
        if (r.errors.length > 0) {
          expect(r.errors[0]!.message.length, line).toBeGreaterThan(0);
          // GNU's 32-bit Intel syntax reads `zmm16` as a symbol, a memory operand: refused here.
          const symbolToGnu = c.gnu.syntax === 'intel' && /does not exist in 32-bit mode/.test(r.errors[0]!.message);
          if (g.error === undefined && g.warning === undefined && !REFUSED_ON_PURPOSE.test(line) && !symbolToGnu) refused.push(`${line}: ${r.errors[0]!.message}`);
          return;
        }
        if (g.error !== undefined) wrong.push(`${line}: ours ${hex(r.bytes)}, GNU refuses: ${g.error}`);
        else if (g.warning !== undefined) wrong.push(`${line}: ours ${hex(r.bytes)}, GNU warns: ${g.warning}`);
        else if (hex(r.bytes) !== g.bytes) wrong.push(`${line}: ours ${hex(r.bytes)}, GNU ${g.bytes}`);
        else same++;
      });
      expect(wrong).toEqual([]);
      expect(refused).toEqual([]);
      expect(same).toBeGreaterThan(c.lines.length * c.minSame);
    });
  }
});
