// src/asm/gnuFacts.ts holds what GNU as says about suffixes and mnemonics (scripts/asm-gnu-facts): derived again
// from this machine's GNU as at test time, it must say the same.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GNU_SUFFIXES, GNU_UNKNOWN_MNEMONICS } from '../../../src/asm/gnuFacts.js';
import { deriveGnuFacts } from '../../../scripts/asm-gnu-facts/facts.js';
import { REPO_ROOT } from '../diff/patchc.js';

describe('GNU facts', () => {
  it('suffixes per mnemonic and the mnemonics GNU does not know are what GNU as says', async () => {
    const facts = await deriveGnuFacts(join(REPO_ROOT, 'test/asm/diff/codetable'));
    expect(facts.unknown).toEqual([...GNU_UNKNOWN_MNEMONICS]);
    expect(facts.suffixes).toEqual(GNU_SUFFIXES);
    // The tables are not empty by accident.
    expect(Object.keys(GNU_SUFFIXES[64]).length).toBeGreaterThan(400);
    expect(GNU_UNKNOWN_MNEMONICS.has('lkgs')).toBe(true);
  }, 120_000);
});
