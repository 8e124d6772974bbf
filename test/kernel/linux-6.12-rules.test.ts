// The 6.12 rule set against Debian's 6.12 kernel: its opstable is the kernel's struct paravirt_patch_template
// (pv_ops-slots.tsv from DWARF), and `apply --cpu` runs the whole boot-time patching as the alternatives pass
// (no .parainstructions since 6.8) with nothing refused or left undecided.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyTable } from '../../src/apply/apply.js';
import { loadKernelOrElf, loadSymbols } from '../../src/binary/index.js';
import { altTableOf, loadCpuFor, runAlternatives } from '../../src/kernel/alternatives.js';
import { buildTables } from '../../src/pipeline/build.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const kernelDir = path.resolve(repo, '../shared/linux/6.12.117+deb12-cloud-amd64');
const vmlinuz = path.join(kernelDir, 'vmlinuz-6.12.117+deb12-cloud-amd64');
const have = existsSync(vmlinuz);
if (!have) console.warn(`test/kernel/linux-6.12-rules.test.ts: skipping the real-kernel checks: ${kernelDir} is absent`);

const table = () => {
  const built = buildTables(path.join(repo, 'rules/linux/linux-6.12-x86_64.rules'), () => ['x86_64']);
  expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return built.tables[0]!;
};

describe('rules/linux/linux-6.12-x86_64.rules', () => {
  it('builds: 83 ops, the 6.12 alttable, ASM_NOP_MAX 11', () => {
    const t = table();
    expect(t.ops.length).toBe(83);
    expect(altTableOf(t)).toMatchObject({ stride: 14, pass: 'linux-6.12', features: 'linux-6.12' });
    expect(Math.max(...t.nops.byLength.keys())).toBe(11);
  });

  it.skipIf(!have)('its slots are the kernel\'s pv_ops layout (pv_ops-slots.tsv, `.func` dropped)', () => {
    const tsv = readFileSync(path.join(kernelDir, 'pv_ops-slots.tsv'), 'utf8').trim().split('\n').map((l) => l.split('\t')[2]!.replace(/\.func$/, ''));
    expect(table().opsTables[0]!.slots).toEqual(tsv);
  });

  it.skipIf(!have)('apply --cpu on the kernel: every entry decided, none unsupported (all ALWAYS set, nothing else)', async () => {
    const t = table();
    const bin = await loadKernelOrElf(vmlinuz);
    const symbols = await loadSymbols(bin.elf, {});
    const para = applyTable(bin.elf, t, symbols);
    expect(para.stats.sites).toBe(0);
    const cpu = loadCpuFor(altTableOf(t), 'names.txt', new TextEncoder().encode('X86_FEATURE_ALWAYS\n'));
    const r = runAlternatives(bin.elf, para.patcher, t, cpu.set!, symbols);
    expect(r.byOutcome.unsupported + r.byOutcome.undecided).toBe(0);
    expect(r.results.filter((x) => x.entry.flags.includes('direct-call')).length).toBeGreaterThan(1000);
  }, 60_000);
});
