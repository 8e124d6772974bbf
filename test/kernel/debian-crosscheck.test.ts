// The rule set for Linux 6.1 against the Debian 6.1.0-56 build's own ALTERNATIVEs (../shared, present in CI).
// The expected counts come from the kernel, not from patchc: scripts/kernel/booted-sites-6.1.0-56.md records
// that the booted kernel wrote an ALTERNATIVE's replacement at 2261 of its 3679 .parainstructions sites.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyTable } from '../../src/apply/apply.js';
import { loadKernelOrElf, loadSymbols, type ElfFile, type SymbolTable } from '../../src/binary/index.js';
import { crosscheckKernel, type CrosscheckReport } from '../../src/kernel/index.js';
import { loadRuleSet, readTextFile } from '../../src/model/load.js';
import { compileTables } from '../../src/table/compile.js';
import type { PatchTable } from '../../src/table/types.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const kernelDir = path.resolve(repo, '../shared/linux/6.1.0-56-cloud-amd64');
const VMLINUZ = path.join(kernelDir, 'vmlinuz-6.1.0-56-cloud-amd64');
const SYSTEM_MAP = path.join(kernelDir, 'System.map-6.1.0-56-cloud-amd64.xz');
const RULES = path.join(repo, 'rules/linux/linux-6.1-x86_64.rules');
const have = existsSync(VMLINUZ) && existsSync(SYSTEM_MAP);
const skipNote = have ? '' : ` [SKIPPED: ${kernelDir} is absent]`;
// The default reporter only counts skipped tests; say why where everyone sees it.
if (!have) console.warn(`test/kernel/debian-crosscheck.test.ts: skipping the real-kernel cross-check: ${kernelDir} is absent`);

/** Compiles the 6.1 rule set, with `edit` applied to its text (the file on disk is not touched). */
function compile(edit: (text: string) => string = (t) => t): PatchTable {
  const loaded = loadRuleSet(RULES, (p) => {
    const r = readTextFile(p);
    return p === RULES && 'text' in r ? { text: edit(r.text) } : r;
  });
  const compiled = compileTables(loaded.ruleset, ['x86_64'], loaded.sources);
  expect([...loaded.diagnostics, ...compiled.diagnostics].filter((d) => d.severity === 'error')).toEqual([]);
  return compiled.tables[0]!;
}

/** Replaces one rule line `OP -> ...` (it must exist exactly once). */
function withRule(op: string, replacement: string | undefined): (text: string) => string {
  return (text) => {
    const re = new RegExp(`^  ${op.replace(/\./g, '\\.')}\\s+->.*$`, 'm');
    expect(text.match(new RegExp(re.source, 'gm'))?.length).toBe(1);
    return text.replace(re, replacement === undefined ? '' : `  ${op} -> ${replacement}`);
  };
}

describe.skipIf(!have)(`rules/linux/linux-6.1-x86_64.rules vs Debian 6.1.0-56's ALTERNATIVEs${skipNote}`, () => {
  let elf: ElfFile;
  let symbols: SymbolTable | undefined;
  let report: CrosscheckReport;

  beforeAll(async () => {
    elf = (await loadKernelOrElf(VMLINUZ)).elf;
    symbols = await loadSymbols(elf, { systemMap: SYSTEM_MAP });
    report = crosscheckKernel(elf, compile(), symbols);
  });

  it('agrees at every site the kernel covers with an ALTERNATIVE', () => {
    expect(report.sites).toBe(3679);
    expect(report.withAlternative).toBe(2261);
    expect(report.compared).toBe(2261);
    expect(report.agreeing).toBe(2261);
    expect(report.disagreements).toEqual([]);
    // Every ALTERNATIVE over a site is one this profile can read (ALT_NOT XENPV/PVUNLOCK/VCPUPREEMPT),
    // starts at the site, covers it, and is alone there; no replacement has relative operands.
    expect([report.uninterpretable, report.notApplied, report.partial, report.multiple, report.relocations].map((l) => l.length)).toEqual([0, 0, 0, 0, 0]);
    // The kernel's padding came from its own x86_nops (8 entries in 6.1), not from the rule set.
    expect(report.nopsSource).toMatch(/^x86_nops in .*1\.\.8 bytes/);
    // No rule inlines where the kernel does not.
    expect(report.byOp.filter((r) => r.inlineWithoutAlternative > 0)).toEqual([]);
  });

  it('catches a wrong rule: exactly that op’s sites disagree', () => {
    const table = compile(withRule('irq.irq_disable', 'sti'));
    const opSites = applyTable(elf, table, symbols).results.filter((r) => r.site.op === 'irq.irq_disable').map((r) => r.site.address);
    const wrong = crosscheckKernel(elf, table, symbols);
    expect(opSites.length).toBe(401); // booted-sites-6.1.0-56.md: 401 sites, all with an ALTERNATIVE (cli)
    expect(wrong.disagreements.map((d) => d.address).sort()).toEqual([...opSites].sort());
    expect(new Set(wrong.disagreements.map((d) => `${d.op}:${d.kind}`))).toEqual(new Set(['irq.irq_disable:replacement']));
    expect(wrong.agreeing).toBe(2261 - 401);
    expect(wrong.disagreements[0]!.kernel.replacement).toEqual(Uint8Array.of(0xfa));
    expect(wrong.disagreements[0]!.patchc.replacement).toEqual(Uint8Array.of(0xfb));
  });

  it('catches a missing inline rule: the kernel inlines, the default rule calls', () => {
    const wrong = crosscheckKernel(elf, compile(withRule('mmu.read_cr3', undefined)), symbols);
    expect(new Set(wrong.disagreements.map((d) => `${d.op}:${d.kind}`))).toEqual(new Set(['mmu.read_cr3:not-inline']));
    expect(wrong.byOp.find((r) => r.op === 'mmu.read_cr3')!.callWhereKernelInlines).toBe(wrong.disagreements.length);
  });

  it('catches an inline rule where the kernel has no ALTERNATIVE', () => {
    const wrong = crosscheckKernel(elf, compile((t) => t.replace(/^(  cpu\.wbinvd .*)$/m, '$1\n  mmu.write_cr2 -> mov %rdi, %cr2')), symbols);
    expect(wrong.disagreements).toEqual([]);
    expect(wrong.byOp.filter((r) => r.inlineWithoutAlternative > 0).map((r) => [r.op, r.inlineWithoutAlternative, r.sites])).toEqual([['mmu.write_cr2', 3, 3]]);
  });
});
