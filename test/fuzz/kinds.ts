// Every fuzzed input kind, for scripts/fuzz/run.ts: a generator and a runner that checks the properties.
import type fc from 'fast-check';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { arbAsmCase, recordDisagreements, runAsmBatch, runAsmLines, type AsmCase, type AsmResult } from './asmFuzz.js';
import { arbTableCase, tableLine, type TableCase } from './asmTableFuzz.js';
import { arbElfCase, checkElfCase, type ElfCase } from './elfFuzz.js';
import { repoRoot, type Scratch } from './harness.js';
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

const elfKind: FuzzKind<ElfCase> = {
  arb: arbElfCase,
  async run(cases, scratch) {
    const out: CaseResult[] = [];
    for (const c of cases) {
      const dir = scratch.caseDir();
      const r = await checkElfCase(c, dir);
      scratch.done(dir);
      const what = JSON.stringify(c, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v));
      out.push({ what, ms: r.ms, ...(r.failure ? { failure: r.failure } : {}) });
      elfExits.set(r.exit === 2 ? (r.namesOffset ? 'exit 2, names an offset' : `exit 2, no offset`) : `exit ${r.exit}`, (elfExits.get(r.exit === 2 ? (r.namesOffset ? 'exit 2, names an offset' : 'exit 2, no offset') : `exit ${r.exit}`) ?? 0) + 1);
      if (r.exit === 2 && !r.namesOffset && r.message) elfNoOffset.add(r.message.replace(/\/tmp\/\S+/g, 'FILE').replace(/\d+/g, 'N'));
    }
    return out;
  },
};
/** Exit codes of the ELF cases, and the messages that named no offset (for the report). */
export const elfExits = new Map<string, number>();
export const elfNoOffset = new Set<string>();

/** The asm kind writes its disagreements here (not failures unless bytes differ). */
export const ASM_FILE = process.env['FUZZ_ASM_FILE'] ?? join(repoRoot, 'out/fuzz/asm-disagreements.run.txt');
export const asmVerdicts = new Map<string, number>();
function asmResults(results: AsmResult[]): CaseResult[] {
  mkdirSync(dirname(ASM_FILE), { recursive: true });
  recordDisagreements(ASM_FILE, results);
  return results.map((r) => {
    asmVerdicts.set(r.verdict, (asmVerdicts.get(r.verdict) ?? 0) + 1);
    return { what: `${r.c.syntax}/${r.c.bitness} ${r.line}`, ms: r.ms, ...(r.verdict === 'different' ? { failure: `DIFFERENT bytes: patchc ${r.patchc}, gnu ${r.gnu}` } : {}) };
  });
}

const asmKind: FuzzKind<AsmCase> = {
  arb: arbAsmCase,
  batch: 400,
  async run(cases) {
    return asmResults(runAsmBatch(cases));
  },
};

// iced's whole code table, printed by iced's GNU-style formatters (asmTableFuzz.ts); undecodable bytes are no case.
const asmTableKind: FuzzKind<TableCase> = {
  arb: arbTableCase,
  batch: 1000,
  async run(cases) {
    const lines = cases.flatMap((c) => {
      const line = tableLine(c);
      return line === undefined ? [] : [{ syntax: c.syntax, bitness: c.bitness, line }];
    });
    return asmResults(runAsmLines(lines));
  },
};
FUZZ_KINDS['elf'] = elfKind;
FUZZ_KINDS['asm'] = asmKind;
FUZZ_KINDS['asm-table'] = asmTableKind;
