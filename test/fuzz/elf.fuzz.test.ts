// Hostile and truncated ELF inputs to `patchc apply` (see elfFuzz.ts). Fixed seed, bounded counts;
// scripts/fuzz/run.ts --kinds elf runs longer.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Scratch } from './harness.js';
import { arbElfCase, base, checkElfCase, type ElfCase } from './elfFuzz.js';

const SEED = 20261128;
const scratch = new Scratch('patchc-fuzz-elf-');
afterAll(() => scratch.cleanup());

async function holds(c: ElfCase): Promise<void> {
  const dir = scratch.caseDir();
  const r = await checkElfCase(c, dir);
  scratch.done(dir);
  if (r.failure) throw new Error(`${r.failure}\n  input: ${JSON.stringify(c, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))}`);
}

describe('apply on malformed ELF: exit 0 with refusals or exit 2 with a message; input unchanged; no output on failure', () => {
  it('the unmodified demo binaries patch cleanly (the baseline the mutations start from)', async () => {
    for (const arch of ['x86_64', 'i386'] as const) {
      const dir = scratch.caseDir();
      const r = await checkElfCase({ arch, muts: [] }, dir);
      scratch.done(dir);
      expect(r.failure).toBeUndefined();
      expect(r.exit).toBe(0);
    }
  });

  it('truncated at header, table and section boundaries (a sample of every boundary)', async () => {
    const n = base('x86_64').boundaries.length + base('i386').boundaries.length;
    expect(n).toBeGreaterThan(200);
    await fc.assert(
      fc.asyncProperty(fc.record({ arch: fc.constantFrom('x86_64' as const, 'i386' as const), muts: fc.tuple(fc.record({ kind: fc.constant('truncate' as const), boundary: fc.nat() })) }), holds),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('random lies, garbage and truncations', async () => {
    await fc.assert(fc.asyncProperty(arbElfCase, holds), { seed: SEED, numRuns: 300 });
  });
});
