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

describe('AT&T size suffixes on direct branches', () => {
  // GNU takes the mode's suffix on a direct call and loop only (loop's suffix is its address size).
  const BRANCHES = ['jmpq .', 'jmpl .', 'jmpw .', 'jeq .', 'jbl .', 'jnbl .', 'jecxzl .', 'jrcxzq .', 'xbeginq .', 'xbeginl .', 'jmpq 1f; 1:', 'jmpl 1b; 1:',
    'callq .', 'calll .', 'callw .', 'loopq .', 'loopl .', 'loopw .', 'jl .', 'jnl .', 'jb .', 'jmp .'];
  for (const bitness of [64, 32, 16] as const) {
    it(`${bitness}-bit: patchc refuses what GNU as refuses, and otherwise produces its bytes`, () => {
      const gnu = gnuAssemble(BRANCHES, { bitness, syntax: 'att' });
      BRANCHES.forEach((line, i) => {
        const ref = gnu[i]!;
        const r = assembleBlock(line, { bitness, syntax: 'att' });
        if (ref.error) expect(r.errors.length, `${line}: GNU says ${ref.error}`).toBeGreaterThan(0);
        else if (r.errors.length === 0) expect(Buffer.from(r.bytes).toString('hex'), line).toBe(ref.bytes);
      });
      expect(gnu.filter((g) => g.error).length).toBeGreaterThan(8);
    });
  }
});
