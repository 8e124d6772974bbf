// Every fuzzed input kind, for scripts/fuzz/run.ts: a generator and a runner that checks the properties.
import type fc from 'fast-check';
import type { Scratch } from './harness.js';
import { arbMutatedRules, arbStructured, arbTokenStream, checkRuleCase, type RuleCase } from './rulesFuzz.js';

export interface CaseResult {
  what: string;
  ms: number;
  failure?: string;
}

export interface FuzzKind<T = unknown> {
  arb: fc.Arbitrary<T>;
  /** Cases are handed over in batches of `batch` (default 1), e.g. to run GNU as once per batch. */
  batch?: number;
  run(cases: T[], scratch: Scratch): Promise<CaseResult[]>;
  setup?(): Promise<void> | void;
  teardown?(): Promise<void> | void;
}

function ruleKind(arb: fc.Arbitrary<RuleCase>): FuzzKind<RuleCase> {
  return {
    arb,
    async run(cases, scratch) {
      const out: CaseResult[] = [];
      for (const c of cases) {
        const dir = scratch.caseDir();
        const r = await checkRuleCase(c, dir);
        scratch.done(dir);
        out.push({ what: c.what, ms: r.ms, ...(r.failure ? { failure: r.failure } : {}) });
      }
      return out;
    },
  };
}

export const FUZZ_KINDS: Record<string, FuzzKind<any>> = {
  'rules-tokens': ruleKind(arbTokenStream),
  'rules-structured': ruleKind(arbStructured),
  'rules-mutated': ruleKind(arbMutatedRules),
};
