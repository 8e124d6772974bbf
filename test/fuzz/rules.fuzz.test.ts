// Rule files users did not write carefully: see rulesFuzz.ts for the inputs and the property. Fixed seed,
// bounded counts; scripts/fuzz/run.ts runs the same properties longer.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Scratch } from './harness.js';
import { arbMutatedRules, arbStructured, arbTokenStream, checkRuleCase, type RuleCase } from './rulesFuzz.js';

const SEED = 20261128;
const scratch = new Scratch('patchc-fuzz-rules-');
afterAll(() => scratch.cleanup());

async function holds(c: RuleCase): Promise<void> {
  const dir = scratch.caseDir();
  const r = await checkRuleCase(c, dir);
  scratch.done(dir);
  if (r.failure) throw new Error(`${r.failure}\n  input: ${c.what}`);
}

describe('rule files: check and compile never crash, locate every error, write nothing on failure', () => {
  it.each([
    ['random token streams', arbTokenStream, 200],
    ['structured statements', arbStructured, 150],
    ['mutated shipped rules', arbMutatedRules, 80],
  ] as const)('%s', async (_name, arb, numRuns) => {
    await fc.assert(fc.asyncProperty(arb as fc.Arbitrary<RuleCase>, holds), { seed: SEED, numRuns, endOnFailure: true });
    expect(true).toBe(true);
  });
});
