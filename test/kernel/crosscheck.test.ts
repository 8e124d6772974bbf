// The cross-check on a synthetic kernel-shaped ELF (test/kernel/synthetic.ts): every case it reports, the
// kernel's NOP table read from the binary, and the CLI command's output, JSON and exit codes.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKernelOrElf, loadSymbols, type ElfFile } from '../../src/binary/index.js';
import { crosscheckCommand } from '../../src/cli/commands/crosscheck.js';
import type { Io } from '../../src/cli/io.js';
import { main, registerCommand } from '../../src/cli/main.js';
import { InputError } from '../../src/diag/diagnostic.js';
import { crosscheckKernel, type CrosscheckReport } from '../../src/kernel/index.js';
import { loadRuleSet } from '../../src/model/load.js';
import { compileTables } from '../../src/table/compile.js';
import { toHex } from '../../src/table/hex.js';
import type { PatchTable } from '../../src/table/types.js';
import { buildElf, SITES, SYNTHETIC_RULES, syntheticAsm, type SiteKey } from './synthetic.js';

function compile(rulesPath: string): PatchTable {
  const loaded = loadRuleSet(rulesPath);
  const compiled = compileTables(loaded.ruleset, ['x86_64'], loaded.sources);
  const errors = [...loaded.diagnostics, ...compiled.diagnostics].filter((d) => d.severity === 'error');
  expect(errors).toEqual([]);
  return compiled.tables[0]!;
}

function siteAddress(elf: ElfFile, key: SiteKey): bigint {
  const i = (Object.keys(SITES) as SiteKey[]).indexOf(key);
  return elf.symtab.find((s) => s.name === `site_${i}`)!.value;
}

function capture(): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => void (out += t), err: (t) => void (err += t), stdout: () => out, stderr: () => err };
}

describe('crosscheck on a synthetic kernel', () => {
  let built: ReturnType<typeof buildElf>;
  let rulesPath: string;
  let elf: ElfFile;
  let report: CrosscheckReport;

  beforeAll(async () => {
    built = buildElf(syntheticAsm());
    rulesPath = path.join(path.dirname(built.file), 'synthetic.rules');
    writeFileSync(rulesPath, SYNTHETIC_RULES);
    elf = (await loadKernelOrElf(built.file)).elf;
    report = crosscheckKernel(elf, compile(rulesPath), await loadSymbols(elf));
  });
  afterAll(() => built?.cleanup());

  const at = (key: SiteKey) => siteAddress(elf, key);

  it('counts sites with an ALTERNATIVE starting at and covering them, and what was compared', () => {
    expect(report).toMatchObject({ alternatives: 9, sites: 10, withAlternative: 7, compared: 5, agreeing: 3 });
  });

  it('lists exactly the deliberate disagreements, with both byte strings', () => {
    const d = report.disagreements.map((x) => ({ address: x.address, op: x.op, kind: x.kind, kernel: toHex(x.kernel.padded), patchc: toHex(x.patchc.padded) }));
    expect(d).toEqual([
      { address: at('wrongReplacement'), op: 'irq.irq_enable', kind: 'replacement', kernel: 'fb 0f 1f 44 00 00', patchc: 'fa 0f 1f 44 00 00' },
      { address: at('ruleCalls'), op: 'irq.save_fl', kind: 'not-inline', kernel: '9c 58 0f 1f 40 00', patchc: expect.stringMatching(/^e8 .. .. .. .. 90$/) },
    ]);
  });

  it('re-bases a replacement call to the site before comparing (the site agrees)', () => {
    expect(report.relocations.map((r) => r.address)).toEqual([at('relocatedCall')]);
    expect(report.relocations[0]!.note).toMatch(/^call at \+0: target 0x/);
    expect(report.disagreements.some((d) => d.address === at('relocatedCall'))).toBe(false);
  });

  it('reports what it cannot or need not compare', () => {
    expect(report.uninterpretable.map((n) => [n.address, n.alternatives.map((a) => a.word)])).toEqual([[at('unknownFeature'), [0x75]]]);
    expect(report.notApplied.map((n) => n.address)).toEqual([at('notApplied')]);
    expect(report.partial.map((n) => n.address)).toEqual([at('partial')]);
    expect(report.multiple.map((n) => [n.address, n.alternatives.length])).toEqual([[at('twoAlts'), 2]]);
  });

  it('names ops that inline without an applied ALTERNATIVE, and ops that call where the kernel inlines', () => {
    const rows = new Map(report.byOp.map((r) => [r.op, r]));
    expect(report.byOp.filter((r) => r.inlineWithoutAlternative > 0).map((r) => r.op)).toEqual(['cpu.xen_only', 'mmu.read_cr2']);
    expect(report.byOp.filter((r) => r.callWhereKernelInlines > 0).map((r) => r.op)).toEqual(['irq.save_fl']);
    expect(rows.get('cpu.multi')).toMatchObject({ withAlternative: 1, agreeing: 1 }); // the later entry (sti) wins
  });

  it("pads the kernel's side with the kernel's own NOPs (x86_nops in the binary)", async () => {
    expect(report.nopsSource).toMatch(/^x86_nops in /);
    const odd = buildElf(syntheticAsm({ odd5: true }), 'odd5');
    try {
      const oddElf = (await loadKernelOrElf(odd.file)).elf;
      const r = crosscheckKernel(oddElf, compile(rulesPath), await loadSymbols(oddElf));
      const padding = r.disagreements.filter((d) => d.kind === 'padding');
      // Every 1-byte replacement in a 6-byte site now pads with the odd 5-byte NOP; the rules pad with 0f 1f 44 00 00.
      expect(padding.map((d) => d.address)).toEqual([siteAddress(oddElf, 'agree'), siteAddress(oddElf, 'twoAlts')]);
      expect(toHex(padding[0]!.kernel.padded)).toBe('fa 66 66 66 66 90');
    } finally {
      odd.cleanup();
    }
  });
});

describe('patchc crosscheck (CLI)', () => {
  let built: ReturnType<typeof buildElf>;
  let dir: string;
  beforeAll(() => {
    built = buildElf(syntheticAsm());
    dir = path.dirname(built.file);
    writeFileSync(path.join(dir, 'wrong.rules'), SYNTHETIC_RULES);
    // The same rules with the two deliberate mistakes fixed.
    writeFileSync(
      path.join(dir, 'right.rules'),
      SYNTHETIC_RULES.replace('irq.irq_enable  -> cli ', 'irq.irq_enable  -> sti ').replace('  default ', '  irq.save_fl -> pushf; pop %rax\n  default '),
    );
    writeFileSync(path.join(dir, 'broken.rules'), SYNTHETIC_RULES.replace('irq.irq_disable -> cli', 'irq.irq_disable -> frobnicate'));
  });
  afterAll(() => built?.cleanup());

  it('prints a summary and every disagreement with disassembly, writes JSON, exits 1', async () => {
    const io = capture();
    const json = path.join(dir, 'out.json');
    const code = await crosscheckCommand(['--rules', path.join(dir, 'wrong.rules'), built.file, '--json', json], io);
    expect(code).toBe(1);
    const text = io.stdout();
    expect(text).toMatch(/compared 5: 3 agree, 2 disagree/);
    expect(text).toMatch(/irq\.irq_enable at 0x[0-9a-f]+ \(6 bytes\): different replacement/);
    expect(text).toMatch(/kernel: fb 0f 1f 44 00 00[\s\S]*sti[\s\S]*patchc: fa 0f 1f 44 00 00[\s\S]*cli/);
    expect(text).toMatch(/cpuid word 0x75/);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(doc.summary).toMatchObject({ with_alternative: 7, compared: 5, agreeing: 3, disagreeing: 2, uninterpretable: 1 });
    expect(doc.disagreements[0].kernel.disassembly.join('\n')).toMatch(/sti/);
    expect(doc.uninterpretable[0].alternatives[0].cpuid_word).toBe('0x75');
  });

  it('exits 0 when every compared site agrees', async () => {
    const io = capture();
    expect(await crosscheckCommand(['--rules', path.join(dir, 'right.rules'), built.file], io)).toBe(0);
    expect(io.stdout()).toMatch(/compared 5: 5 agree, 0 disagree/);
  });

  it('exits 1 on errors in the rules, 2 on usage errors and malformed input', async () => {
    registerCommand('crosscheck', { run: crosscheckCommand, help: 'crosscheck help', summary: 'test' });
    const plain = buildElf('.text\n.globl _start\n_start: ret\n', 'plain');
    try {
      expect(await main(['crosscheck', '--rules', path.join(dir, 'broken.rules'), built.file], capture())).toBe(1);
      expect(await main(['crosscheck', built.file], capture())).toBe(2);
      expect(await main(['crosscheck', '--rules', path.join(dir, 'right.rules'), built.file, '--profile', 'linux-9.9'], capture())).toBe(2);
      const io = capture();
      expect(await main(['crosscheck', '--rules', path.join(dir, 'right.rules'), plain.file], io)).toBe(2);
      expect(io.stderr()).toMatch(/no section '.altinstructions'/);
      await expect(crosscheckCommand(['--rules', path.join(dir, 'right.rules'), plain.file], capture())).rejects.toBeInstanceOf(InputError);
    } finally {
      plain.cleanup();
    }
  });
});
