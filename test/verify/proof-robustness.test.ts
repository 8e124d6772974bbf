// Two ways the equivalence proofs once failed on real input: a table read back from JSON (no instructions: a
// `call target` rule was not recognized as the slot's own function, and replacements were shown as `{}`), and
// a replacement whose values share subterms (`imul %rax,%rcx; imul %rcx,%rax` repeated grows every term like Fibonacci):
// the engine ran out of memory. Both must end in a verdict: the same as from the rule file, or not decided.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyTable } from '../../src/apply/apply.js';
import { loadKernelOrElf, loadSymbols } from '../../src/binary/index.js';
import { ARCHES } from '../../src/model/arch.js';
import { buildTables } from '../../src/pipeline/build.js';
import { tableFromDocument } from '../../src/table/document.js';
import { writeTables } from '../../src/table/writers.js';
import { provePair } from '../../src/verify/function/equivalence.js';
import { proveRun } from '../../src/verify/function/runProofs.js';
import { verifyReplacement } from '../../src/verify/replacement.js';
import { gnuAssemble } from '../asm/unit/gnuAs.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('proofs from a compiled table', () => {
  it('give the same pairs and verdicts as the rule file, with the replacement disassembled', async () => {
    const elf = (await loadKernelOrElf(path.join(repo, 'examples/paravirt/bin/demo-x86_64'))).elf;
    const symbols = await loadSymbols(elf, {});
    const built = buildTables(path.join(repo, 'examples/paravirt/paravirt-demo.rules'), () => ['x86_64']);
    const source = built.tables[0]!;
    const fromJson = tableFromDocument(parse(writeTables([source], 'json')), 'demo.json');
    expect(fromJson.entries.every((e) => e.instructions.length === 0)).toBe(true);
    const summary = (t: typeof source) => proveRun(applyTable(elf, t, symbols), elf, symbols).pairs.map((p) => `${p.ops.join(',')}: ${p.replacement} ${p.proof.verdict} ${p.proof.function}`);
    const expected = summary(source);
    expect(expected.length).toBeGreaterThan(0);
    expect(summary(fromJson)).toEqual(expected);
  });
});

describe('a replacement whose terms double at every instruction', () => {
  const lines = Array.from({ length: 40 }, () => ['imul %rax, %rcx', 'imul %rcx, %rax']).flat();
  const [asm] = gnuAssemble([lines.join('; ')], { bitness: 64, syntax: 'att' });
  const bytes = Uint8Array.from(Buffer.from(asm!.bytes!, 'hex'));
  const arch = ARCHES.get('x86_64')!;

  it('is not verified by check, quickly, with the reason', () => {
    const t0 = performance.now();
    const r = verifyReplacement({ bytes, relocations: [], arch, op: { name: 'ident', params: [{ width: 64 }], returns: 64, contracts: [{ kind: 'identity', arg: 0 }], calleeSave: false, span: undefined as never } });
    expect(r.verdict).toBe('not-verified');
    expect(r.details.join('\n')).toMatch(/grew past \d+ characters/);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });

  it('is not decided against a function, with the reason', () => {
    // The function: `mov %rdi,%rax; ret`, as GNU as assembles it.
    const [fn] = gnuAssemble(['mov %rdi, %rax; ret'], { bitness: 64, syntax: 'att' });
    const code = Uint8Array.from(Buffer.from(fn!.bytes!, 'hex'));
    const base = 0x1000n;
    const v = provePair({
      arch,
      op: { name: 'ident', calleeSave: false, returns: 64 },
      replacement: { bytes },
      fn: { address: base, name: 'ident_fn' },
      code: {
        bitness: 64,
        codeAt: (a: bigint, n: number) => (a >= base && a < base + BigInt(code.length) ? code.subarray(Number(a - base), Number(a - base) + n) : undefined),
        describe: (a: bigint) => `0x${a.toString(16)}`,
        isReturnThunk: () => false,
      },
    });
    expect(v.verdict).toBe('not-decided');
    expect((v as { why: string }).why).toMatch(/grew past \d+ characters/);
  });
});

describe('apply --strict and the proofs', () => {
  const demo = path.join(repo, 'examples/paravirt/bin/demo-x86_64');
  const rules = path.join(repo, 'examples/paravirt/paravirt-demo.rules');
  it('exits 0 on the demo with its shipped rules, 1 when one replacement differs from its slot function', async () => {
    const { cli } = await import('../helpers/cli.js');
    const ok = await cli('apply', '--strict', '--dry-run', '--rules', rules, demo);
    expect(ok.code, ok.err).toBe(0);
    const { writeRules } = await import('../helpers/rules.js');
    const text = (await import('node:fs')).readFileSync(rules, 'utf8');
    // An opaque op's store with its operands swapped: the contract checker allows stores in opaque ops, the
    // proof against native set_pte's code does not.
    const wrong = text.replace(/^ {2}# set_pte +-> mov %rsi, \(%rdi\).*$/m, '  set_pte -> mov %rdi, (%rsi)');
    expect(wrong).not.toBe(text);
    const dir = writeRules({ 'demo.rules': wrong });
    const bad = await cli('apply', '--strict', '--dry-run', '--rules', path.join(dir, 'demo.rules'), demo);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/set_pte.*differs/);
    expect(bad.err).toMatch(/--strict: 1 inline replacement\(s\) differ from the function in their slot/);
  });
});
