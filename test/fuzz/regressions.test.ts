// One test per crash, hang or broken promise the fuzzers (test/fuzz/*.fuzz.test.ts, scripts/fuzz/run.ts)
// found, named after what it found, on the input that found it (minimized where that kept the point).
import { afterAll, describe, expect, it } from 'vitest';
import { cli, describeThrown, repoRoot, Scratch } from './harness.js';
import { checkRuleCase, mutate, type RuleMutation } from './rulesFuzz.js';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';

const scratch = new Scratch('patchc-fuzz-regr-');
afterAll(() => scratch.cleanup());

/** Runs `check` on the text; the run must return (no exception) in bounded time. */
async function checkText(text: string | Uint8Array) {
  const dir = scratch.caseDir();
  const file = join(dir, 'main.rules');
  writeFileSync(file, text);
  const r = await cli(['check', file]);
  if (r.thrown !== undefined) throw new Error(`check threw: ${describeThrown(r.thrown)}`);
  return r;
}

/** The whole rule-file property (check + compile -o, located errors, nothing written, no temp files). */
async function property(text: string | Uint8Array): Promise<void> {
  const dir = scratch.caseDir();
  const r = await checkRuleCase({ main: 'main.rules', files: { 'main.rules': typeof text === 'string' ? new TextEncoder().encode(text) : text }, what: 'regression' }, dir);
  expect(r.failure).toBeUndefined();
}

describe('fuzz regressions', () => {
  it('stack overflow: 20,000 nested blocks in a table (RangeError in the recursive descent)', async () => {
    const r = await checkText(`sitetable deep {\n${'x {\n'.repeat(20_000)}${'}\n'.repeat(20_000)}}\n`);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error: (braces nest deeper|more than 100000 tokens)/);
    await property(`sitetable deep {\n${'x {\n'.repeat(1_000)}${'}\n'.repeat(1_000)}}\n`);
  });

  it("stack overflow: 10,000 lines of garbage (Chevrotain's in-repetition recovery recursed once per bad line)", async () => {
    const r = await checkText('x\n'.repeat(10_000));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/main\.rules:1:1: error: /);
    await property('x\n'.repeat(10_000));
  });

  it('stack overflow: 200,000 rules, then 200,000 diagnostics spread into push() (load.ts); and 40 s of parsing', async () => {
    const r = await checkText(`op a()\narch x86_64 {\n${' a -> nop\n'.repeat(200_000)}}\n`);
    expect(r.code).toBe(1);
    // ~8 s since SYNTAX_LIMITS.maxTokens became 1.5 million (it was refused at once under 100,000).
    expect(r.ms).toBeLessThan(25_000);
  });

  it('hang: one rule of 200,000 instructions took 19 s to compile', async () => {
    const r = await checkText(`op a()\narch x86_64 {\n a -> ${'nop; '.repeat(200_000)}\n}\n`);
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('hang: a 1 MB line of `nop; nop; ...` misplaced in the Linux 6.1 rules took 40 s (one syntax-error recovery per `;`)', async () => {
    // The input as the fuzzer built it (scripts/fuzz/run.ts --seed 777).
    const muts: RuleMutation[] = [
      { op: 'longLine', i: 803588015, bytes: 1048576, fill: 'instruction' },
      { op: 'delTok', i: 739074960 },
      { op: 'delLine', i: 2123425693 },
      { op: 'rawBytes', at: 2118586545, bytes: [127] },
    ];
    const text = mutate(new Uint8Array(readFileSync(join(repoRoot, 'rules/linux/linux-6.1-x86_64.rules'))), muts, {}, 'main.rules');
    const r = await checkText(text);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error: more than 200 syntax errors \(MAX_SYNTAX_ERRORS\); the file is not parsed further \[syntax-error-count\]/);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('unbounded output: 1.5 million unexpected characters on one 3 MB line made 300 MB of diagnostics (every code frame printed the whole line)', async () => {
    const r = await checkText('! '.repeat(1_500_000));
    expect(r.code).toBe(1);
    expect(r.err.length).toBeLessThan(100_000);
  });

  it("unlocated error: a rule set without arch blocks ('has no arch x86_64 block' had no file:line:col)", async () => {
    const r = await checkText('op b(u64) -> u64 : nop\n');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/main\.rules:1:1: error: rule set 'main' has no 'arch x86_64' block \[no-rules-for-arch\]/);
    await property('');
  });

  it('garbled diagnostic: a U+2028 or an escape byte was printed raw in the message (now as code points)', async () => {
    const r = await checkText(new Uint8Array([...Buffer.from('op a(\u2028) \x1b[2J\n')]));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/main\.rules:1:6: error: unexpected character U\+2028 \[lex-unexpected-char\]/);
    expect(r.err).toMatch(/main\.rules:1:9: error: unexpected character U\+001B \[lex-unexpected-char\]/);
  });
});
