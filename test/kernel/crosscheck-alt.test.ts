// `patchc crosscheck --cpu` on Debian's 6.12 kernel: its paravirt sites are ALTERNATIVEs (ALT_FLAG_DIRECT_CALL
// over `call *pv_ops+8n(%rip)`), so the rules' answer per site is compared with what the kernel's own
// .altinstructions entries make of it for one CPU. The reference is the kernel build's data; the pass that
// applies it is the one the boot tests check against the booted kernel.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadKernelOrElf, loadSymbols, type ElfFile, type SymbolTable } from '../../src/binary/index.js';
import { cpuSourceOf, loadCpuFor } from '../../src/kernel/alternatives.js';
import { crosscheckAlternatives } from '../../src/kernel/crosscheckAlt.js';
import { buildTables } from '../../src/pipeline/build.js';
import { checkFeatureNames } from '../../src/kernel/ruleFeatures.js';
import { cli } from '../helpers/cli.js';
import { writeRules } from '../helpers/rules.js';
import { gnuAssemble } from '../asm/unit/gnuAs.js';

const repo = path.resolve(import.meta.dirname, '../..');
const kernelDir = path.resolve(repo, '../shared/linux/6.12.117+deb12-cloud-amd64');
const vmlinuz = path.join(kernelDir, 'vmlinuz-6.12.117+deb12-cloud-amd64');
const RULES = path.join(repo, 'rules/linux/linux-6.12-x86_64.rules');
const have = existsSync(vmlinuz);

/** The shipped rule set with its text changed, written next to a copy of the alternatives it imports. */
function variant(edit: (text: string) => string) {
  const text = readFileSync(RULES, 'utf8');
  const changed = edit(text);
  expect(changed).not.toBe(text);
  const dir = writeRules({ 'linux-6.12-x86_64.rules': changed, 'alternatives-6.12.rules': readFileSync(path.join(repo, 'rules/linux/alternatives-6.12.rules'), 'utf8') });
  return path.join(dir, 'linux-6.12-x86_64.rules');
}

function table(file: string) {
  const built = buildTables(file, () => ['x86_64'], undefined, [checkFeatureNames]);
  expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return built.tables[0]!;
}

describe.skipIf(!have)('crosscheck --cpu on Linux 6.12 (paravirt sites inside .altinstructions)', () => {
  let elf: ElfFile;
  let symbols: SymbolTable | undefined;
  beforeAll(async () => {
    elf = (await loadKernelOrElf(vmlinuz)).elf;
    symbols = await loadSymbols(elf, {});
  }, 60_000);
  const run = (file: string, cpuText: string) => {
    const t = table(file);
    const cpu = loadCpuFor(cpuSourceOf(t), 'cpu.txt', new TextEncoder().encode(cpuText));
    return crosscheckAlternatives(elf, t, symbols, cpu.set!);
  };
  const disagreeingOps = (r: ReturnType<typeof run>) => [...new Set(r.sites.filter((s) => !s.agree).map((s) => s.op))].sort();

  it('the shipped rules agree with the kernel at every site, on bare metal and as a Xen PV guest', () => {
    for (const cpu of ['X86_FEATURE_ALWAYS\n', 'X86_FEATURE_ALWAYS\nX86_FEATURE_XENPV\n']) {
      const r = run(RULES, cpu);
      // Every op of struct paravirt_patch_template that the kernel calls through pv_ops.
      expect(r.sites.length).toBeGreaterThan(4000);
      expect(r.skipped).toEqual([]);
      expect(r.sites.filter((s) => !s.agree).map((s) => `${s.op} 0x${s.address.toString(16)}`)).toEqual([]);
    }
  }, 60_000);

  it('inline rules without `unless X86_FEATURE_XENPV` are wrong for a Xen PV guest: exactly the 17 ALT_NOT_XEN ops disagree', () => {
    const unconditional = variant((t) => t.replaceAll(' unless X86_FEATURE_XENPV', ''));
    expect(disagreeingOps(run(unconditional, 'X86_FEATURE_ALWAYS\n'))).toEqual([]);
    const xen = disagreeingOps(run(unconditional, 'X86_FEATURE_ALWAYS\nX86_FEATURE_XENPV\n'));
    // arch/x86/include/asm/paravirt.h v6.12: the 17 PVOP_ALT_* users with ALT_NOT_XEN.
    expect(xen).toEqual(['cpu.wbinvd', 'irq.irq_disable', 'irq.irq_enable', 'irq.save_fl', 'mmu.make_p4d', 'mmu.make_pgd', 'mmu.make_pmd', 'mmu.make_pte', 'mmu.make_pud', 'mmu.p4d_val', 'mmu.pgd_val', 'mmu.pmd_val', 'mmu.pte_val', 'mmu.pud_val', 'mmu.read_cr2', 'mmu.read_cr3', 'mmu.write_cr3']);
  }, 60_000);

  // `mov %rdi,%rax` typed by hand as the load form 48 8b c7: the same instruction (the contract checker proves
  // it an identity), other bytes than the kernel's 48 89 f8: what review of hand-typed hex misses.
  const HAND_TYPED = (t: string) => t.replace(/(mmu\.pte_val unless X86_FEATURE_XENPV\s+-> )mov %rdi, %rax/, '$1bytes 48 8b c7');
  it('a hand-typed encoding (pte_val as 48 8b c7) disagrees at the pte_val sites only', () => {
    const wrong = variant(HAND_TYPED);
    const r = run(wrong, 'X86_FEATURE_ALWAYS\n');
    expect(disagreeingOps(r)).toEqual(['mmu.pte_val']);
    const s = r.sites.find((x) => !x.agree)!;
    // The kernel's replacement is paravirt.h's "mov %%rdi, %%rax", as GNU as assembles it; the rule's, its typed bytes.
    const [mov] = gnuAssemble(['mov %rdi, %rax'], { bitness: 64, syntax: 'att' });
    expect(Buffer.from(s.kernelBytes.subarray(0, 3)).toString('hex')).toBe(mov!.bytes);
    expect(Buffer.from(s.rulesBytes.subarray(0, 3)).toString('hex')).toBe('488bc7');
  }, 60_000);

  it('explain --cpu shows the alternatives sites of an op: the entries, the slot call before, the inline code after', async () => {
    const dir = writeRules({ 'cpu.txt': 'X86_FEATURE_ALWAYS\n' });
    const r = await cli('explain', '--rules', RULES, vmlinuz, '--cpu', path.join(dir, 'cpu.txt'), '--op', 'mmu.pte_val', '--max', '2');
    expect(r.code, r.err).toBe(0);
    const sites = r.out.split('\n\n');
    expect(sites).toHaveLength(2);
    const [mov] = gnuAssemble(['mov %rdi, %rax'], { bitness: 64, syntax: 'att' });
    for (const site of sites) {
      expect(site).toMatch(/^site 0x[0-9a-f]+ <.*> \(\.altinstructions\) op mmu\.pte_val, 6 bytes/);
      expect(site).toMatch(/entry #\d+ X86_FEATURE_ALWAYS direct-call: applied/);
      expect(site).toMatch(/entry #\d+ !X86_FEATURE_XENPV: applied/);
      expect(site).toMatch(/before:\n +[0-9a-f]+: ff 15 /);
      expect(site).toMatch(new RegExp(`after:\\n +[0-9a-f]+: ${mov!.bytes!.match(/../g)!.join(' ')} `));
    }
  }, 120_000);

  it('the command: exit 1 with the disagreements; without --cpu, exit 2 saying why', async () => {
    const wrong = variant(HAND_TYPED);
    const dir = writeRules({ 'cpu.txt': 'X86_FEATURE_ALWAYS\n' });
    const r = await cli('crosscheck', '--rules', wrong, vmlinuz, '--cpu', path.join(dir, 'cpu.txt'), '--json', path.join(dir, 'x.json'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/agree: \d+, disagree: [1-9]\d*/);
    expect(r.out).toMatch(/mmu\.pte_val at 0x[0-9a-f]+ \(.*\), 6 bytes: rule op:mmu\.pte_val unless X86_FEATURE_XENPV/);
    const doc = JSON.parse(readFileSync(path.join(dir, 'x.json'), 'utf8'));
    expect(doc.summary.disagreeing).toBe(doc.disagreements.length);
    expect(doc.disagreements[0].kernel.disassembly[0]).toMatch(/mov %rdi,%rax/);
    const none = await cli('crosscheck', '--rules', RULES, vmlinuz);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no sitetable: its paravirt sites are ALTERNATIVEs .* give --cpu FILE/);
  }, 120_000);
});
