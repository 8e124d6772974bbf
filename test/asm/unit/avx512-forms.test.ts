// Every EVEX form patchc knows, with random operands and decorations (avx512-forms.ts), against GNU as at
// test time: no differing bytes, nothing GNU refuses or warns about accepted, and refusals only on purpose.
import { describe, expect, it } from 'vitest';
import { evexFormLines } from './avx512-forms.js';
import { compareWithGnu } from './avx512-compare.js';

describe('every EVEX form agrees with GNU as 2.40', () => {
  for (const [bits, syntax, seed] of [[64, 'att', 1], [64, 'intel', 2], [32, 'att', 3], [32, 'intel', 4]] as const) {
    it(`${syntax} ${bits}-bit`, () => {
      const lines = evexFormLines(bits, syntax, seed, 1);
      const v = compareWithGnu(lines, { bitness: bits, syntax });
      expect(v.wrong).toEqual([]);
      expect(v.refused).toEqual([]);
      expect(v.same).toBeGreaterThan(lines.length * 0.95);
    });
  }
});
