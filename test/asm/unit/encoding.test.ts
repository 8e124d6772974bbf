// Every line either assembles to exactly GNU as's bytes or is refused; GNU's bytes come from running `as` now.
import { describe, expect, it } from 'vitest';
import { assembleBlock } from '../../../src/asm/index.js';
import { CORPUS, MUST_ASSEMBLE_ATT64 } from './corpus.js';
import { gnuAssemble } from './gnuAs.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('encodings agree with GNU as 2.40', () => {
  for (const c of CORPUS) {
    it(`${c.name}: ${c.lines.length} lines, no differing bytes`, () => {
      const gnu = gnuAssemble(c.lines, { bitness: c.bitness, syntax: c.syntax, ...(c.noprefix ? { noprefix: true } : {}) });
      const mismatches: string[] = [];
      const acceptedByUsOnly: string[] = [];
      let same = 0;
      c.lines.forEach((line, i) => {
        const r = assembleBlock(line, { bitness: c.bitness, syntax: c.syntax });
        const g = gnu[i]!;
        if (r.errors.length > 0) return;
        if (g.error !== undefined) {
          acceptedByUsOnly.push(`${line}  -> ours ${hex(r.bytes)}, GNU: ${g.error}`);
          return;
        }
        if (hex(r.bytes) === g.bytes) same++;
        else mismatches.push(`${line}  -> ours ${hex(r.bytes)}, GNU ${g.bytes}`);
      });
      expect(mismatches).toEqual([]);
      expect(acceptedByUsOnly).toEqual([]);
      // Most of the corpus must actually assemble, not be refused.
      expect(same).toBeGreaterThan(c.lines.length * 0.8);
    });
  }

  it('assembles the core paravirt instructions (no refusals)', () => {
    const gnu = gnuAssemble(MUST_ASSEMBLE_ATT64, { bitness: 64, syntax: 'att' });
    const problems: string[] = [];
    MUST_ASSEMBLE_ATT64.forEach((line, i) => {
      const r = assembleBlock(line, { bitness: 64, syntax: 'att' });
      if (r.errors.length > 0) problems.push(`${line}: ${r.errors[0]!.message}`);
      else if (hex(r.bytes) !== gnu[i]!.bytes) problems.push(`${line}: ours ${hex(r.bytes)} GNU ${gnu[i]!.bytes}`);
    });
    expect(problems).toEqual([]);
  });
});
