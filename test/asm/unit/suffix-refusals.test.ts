// Size suffixes GNU as refuses on instructions that have no operand size: patchc must refuse them too
// (found by the assembler fuzzer: patchc used to encode `cliq` as `cli`).
import { describe, expect, it } from 'vitest';
import { assembleBlock } from '../../../src/asm/index.js';
import { gnuAssemble } from './gnuAs.js';

const LINES = ['cliq', 'ud2b', 'rdtscb', 'pushfb', 'popfb', 'nopl', 'cpuidw', 'swapgsl', 'cli', 'pushfq', 'retq', 'leaveq', 'nopl (%rax)'];

describe('AT&T size suffixes without an operand size', () => {
  it('patchc refuses exactly what GNU as refuses, and otherwise produces its bytes', () => {
    const gnu = gnuAssemble(LINES, { bitness: 64, syntax: 'att' });
    LINES.forEach((line, i) => {
      const ref = gnu[i]!;
      const r = assembleBlock(line, { bitness: 64, syntax: 'att' });
      if (ref.error) expect(r.errors.length, `${line}: GNU says ${ref.error}`).toBeGreaterThan(0);
      else {
        expect(r.errors, line).toEqual([]);
        expect(Buffer.from(r.bytes).toString('hex'), line).toBe(ref.bytes);
      }
    });
    // The reference itself must have refused the suffixed forms, or this test proves nothing.
    expect(gnu.slice(0, 8).every((g) => g.error)).toBe(true);
  });
});
