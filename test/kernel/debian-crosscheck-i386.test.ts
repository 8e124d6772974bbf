// The i386 rule set for Linux 6.1 against the Debian 6.1.0-57-686 build's own ALTERNATIVEs (../shared, present
// in CI). The counts come from the kernel: its .parainstructions has 264 sites and its .altinstructions covers
// 53 of them (the lock ops); the booted kernel (test/kernel-boot/patched-vs-booted-i386.test.ts) wrote those
// replacements there.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadKernelOrElf, loadSymbols } from '../../src/binary/index.js';
import { crosscheckKernel, LINUX_6_1_I386_BARE_METAL } from '../../src/kernel/index.js';
import { loadRuleSet } from '../../src/model/load.js';
import { compileTables } from '../../src/table/compile.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const kernelDir = path.resolve(repo, '../shared/linux/6.1.0-57-686');
const VMLINUZ = path.join(kernelDir, 'vmlinuz-6.1.0-57-686');
const SYSTEM_MAP = path.join(kernelDir, 'System.map-6.1.0-57-686.xz');
const have = existsSync(VMLINUZ) && existsSync(SYSTEM_MAP);
if (!have) console.warn(`test/kernel/debian-crosscheck-i386.test.ts: skipping the real-kernel cross-check: ${kernelDir} is absent`);

describe.skipIf(!have)(`rules/linux/linux-6.1-i386.rules vs Debian 6.1.0-57-686's ALTERNATIVEs${have ? '' : ` [SKIPPED: ${kernelDir} is absent]`}`, () => {
  it('agrees at every site the kernel covers with an ALTERNATIVE', async () => {
    const loaded = loadRuleSet(path.join(repo, 'rules/linux/linux-6.1-i386.rules'));
    const compiled = compileTables(loaded.ruleset, ['i386'], loaded.sources);
    expect([...loaded.diagnostics, ...compiled.diagnostics].filter((d) => d.severity === 'error')).toEqual([]);
    const elf = (await loadKernelOrElf(VMLINUZ)).elf;
    // x86_nops is .rodata, in neither kallsyms (text only here) nor __ksymtab: the System.map lets the
    // kernel's own NOP table be read, so the padding compared is the kernel's, not the rule set's.
    const symbols = await loadSymbols(elf, { systemMap: SYSTEM_MAP });
    const report = crosscheckKernel(elf, compiled.tables[0]!, symbols, LINUX_6_1_I386_BARE_METAL);
    expect([report.sites, report.withAlternative, report.compared, report.agreeing]).toEqual([264, 53, 53, 53]);
    expect(report.disagreements).toEqual([]);
    expect([report.uninterpretable, report.notApplied, report.partial, report.multiple, report.relocations].map((l) => l.length)).toEqual([0, 0, 0, 0, 0]);
    expect(report.nopsSource).toMatch(/^x86_nops in .*1\.\.8 bytes/);
    expect(report.byOp.filter((r) => r.inlineWithoutAlternative > 0)).toEqual([]);
  });
});
