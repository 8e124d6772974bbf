// patchc's assembler against GNU as on random operand combinations (see asmFuzz.ts). The assembler is
// still being fixed by its owner, so only 'patchc produced DIFFERENT bytes than GNU' fails this test;
// every other disagreement (accepting what GNU rejects or warns about, refusing what GNU accepts) is
// recorded in the disagreements file (FUZZ_ASM_FILE, default out/fuzz/asm-disagreements.txt).
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { arbAsmCase, formatAsmResult, recordDisagreements, runAsmBatch } from './asmFuzz.js';
import { repoRoot } from './harness.js';

const SEED = 20261128;
const COUNT = 3000;
const FILE = process.env['FUZZ_ASM_FILE'] ?? join(repoRoot, 'out/fuzz/asm-disagreements.txt');

describe('assembler vs GNU as on random operand combinations', () => {
  it(`${COUNT} lines, both syntaxes, 32- and 64-bit: never different bytes (other disagreements are recorded)`, () => {
    const cases = fc.sample(arbAsmCase, { seed: SEED, numRuns: COUNT });
    const results = runAsmBatch(cases);
    mkdirSync(dirname(FILE), { recursive: true });
    writeFileSync(FILE, `# patchc vs GNU as, seed ${SEED}, ${COUNT} lines (test/fuzz/asm.fuzz.test.ts)\n`);
    recordDisagreements(FILE, results);
    const count = (v: string) => results.filter((r) => r.verdict === v).length;
    console.log(`asm fuzz: ${results.length} lines: ${['ok', 'different', 'accepts-invalid', 'accepts-warned', 'refuses-valid'].map((v) => `${v} ${count(v)}`).join(', ')}; of the ok, ${results.filter((r) => r.verdict === 'ok' && !r.patchc.startsWith('refused')).length} with identical bytes; disagreements in ${FILE}`);
    expect(results.length).toBe(COUNT);
    expect(results.filter((r) => r.verdict === 'different').map(formatAsmResult)).toEqual([]);
  });
});
