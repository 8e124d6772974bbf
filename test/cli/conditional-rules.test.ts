// Rules that test CPU features by name (`op if FEATURE -> ...`, `op unless FEATURE -> ...`): checked against
// the kernel version's own feature table by `patchc check`, chosen by `patchc apply --cpu` per site, and
// only unconditional rules without a CPU. The synthetic kernel ELF is built with GNU as at test time; the
// bytes a rule must produce come from GNU as, the feature names from Linux's cpufeatures.h tables.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { writeRules } from '../helpers/rules.js';
import { gnuAssemble } from '../asm/unit/gnuAs.js';
import { buildElf, SITES, SLOTS, SYNTHETIC_RULES, syntheticAsm } from '../kernel/synthetic.js';

const SHIPPED = resolve(import.meta.dirname, '../../rules/linux/alternatives-6.1.rules');
const KERNEL_612 = resolve(import.meta.dirname, '../../../shared/linux/6.12.117+deb12-cloud-amd64/vmlinuz-6.12.117+deb12-cloud-amd64');
const RULES_612 = resolve(import.meta.dirname, '../../rules/linux/linux-6.12-x86_64.rules');

// cpu.io_delay (slot 2) has no rule of its own in SYNTHETIC_RULES: `default -> call target` serves it.
const CONDITIONAL = `
  cpu.io_delay if X86_FEATURE_ERMS -> {}
  cpu.io_delay unless X86_FEATURE_K8 -> ud2
`;
const withConditions = (rules: string) => rules.replace('syntax att\n', `syntax att\nimport "${SHIPPED}"\n`).replace('arch x86_64 {\n', `arch x86_64 {\n${CONDITIONAL}`);

interface SiteReport { address: string; op: string | null; rule: string | null; outcome: string; patched: string }

describe('conditional rules: `if` / `unless` FEATURE', () => {
  let built: ReturnType<typeof buildElf>;
  let dir: string;
  const ioDelaySite = (report: string): SiteReport => {
    const doc = JSON.parse(readFileSync(report, 'utf8')) as { sites: SiteReport[] };
    const s = doc.sites.filter((x) => x.op === SLOTS[SITES.plainCall.slot]);
    expect(s).toHaveLength(1);
    return s[0]!;
  };
  const apply = async (cpuText: string | undefined, tag: string) => {
    const report = join(dir, `r-${tag}.json`);
    const args = ['apply', '--rules', join(dir, 'k.rules'), built.file, '--dry-run', '--report', report];
    if (cpuText !== undefined) {
      writeFileSync(join(dir, `cpu-${tag}.txt`), cpuText);
      args.push('--cpu', join(dir, `cpu-${tag}.txt`));
    }
    const r = await cli(...args);
    return { ...r, site: r.code === 0 ? ioDelaySite(report) : undefined };
  };

  beforeAll(() => {
    built = buildElf(syntheticAsm());
    dir = writeRules({ 'k.rules': withConditions(SYNTHETIC_RULES) });
  });
  afterAll(() => built?.cleanup());

  it('the CPU decides: `if` when the feature is set, `unless` when it is clear, else the unconditional rule', async () => {
    // The synthetic kernel's 6-byte NOP (Linux's BYTES_NOP6), spelled for GNU as.
    const [nop6] = gnuAssemble(['{disp8} nopw 0(%rax,%rax,1)'], { bitness: 64, syntax: 'att' });
    const [ud2] = gnuAssemble(['ud2'], { bitness: 64, syntax: 'att' });

    const erms = await apply('X86_FEATURE_ALWAYS\nerms\nX86_FEATURE_K8\n', 'erms');
    expect(erms.code).toBe(0);
    expect(erms.site).toMatchObject({ rule: 'op:cpu.io_delay if X86_FEATURE_ERMS', outcome: 'patched' });
    expect(erms.site!.patched.replaceAll(' ', '')).toBe(nop6!.bytes);

    // Both conditions could hold (ERMS set, K8 clear): the first in file order serves.
    const both = await apply('X86_FEATURE_ALWAYS\nerms\n', 'both');
    expect(both.site).toMatchObject({ rule: 'op:cpu.io_delay if X86_FEATURE_ERMS' });

    const noK8 = await apply('X86_FEATURE_ALWAYS\n', 'nok8');
    expect(noK8.site).toMatchObject({ rule: 'op:cpu.io_delay unless X86_FEATURE_K8', outcome: 'patched' });
    expect(noK8.site!.patched.replaceAll(' ', '').startsWith(ud2!.bytes!)).toBe(true);

    const neither = await apply('X86_FEATURE_ALWAYS\nX86_FEATURE_K8\n', 'neither');
    expect(neither.site).toMatchObject({ rule: 'default', outcome: 'patched' });
    expect(neither.site!.patched.startsWith('e8')).toBe(true);
  });

  it('without --cpu only unconditional rules serve, and apply says which rules it left out', async () => {
    const r = await apply(undefined, 'none');
    expect(r.code).toBe(0);
    expect(r.site).toMatchObject({ rule: 'default' });
    expect(r.err).toMatch(/note: no --cpu: 2 conditional rule\(s\) not considered \(op:cpu\.io_delay if X86_FEATURE_ERMS at .*k\.rules:\d+/);
  });

  it('a feature the CPU input cannot show (cpuinfo hides X86_FEATURE_K8): that site is refused with the reason', async () => {
    const r = await apply('flags\t\t: fpu\nbugs\t\t:\n', 'cpuinfo');
    expect(r.code).toBe(0);
    expect(r.site).toMatchObject({ outcome: 'refused' });
    const doc = JSON.parse(readFileSync(join(dir, 'r-cpuinfo.json'), 'utf8')) as { sites: (SiteReport & { reason: string })[] };
    expect(doc.sites.find((s) => s.op === 'cpu.io_delay')!.reason).toMatch(/unless X86_FEATURE_K8 .* the CPU input does not say it/);
  });

  it('a compiled table keeps the conditions (JSON round trip through apply)', async () => {
    const json = join(dir, 'k.json');
    const c = await cli('compile', join(dir, 'k.rules'), '--arch', 'x86_64', '--format', 'json', '-o', json);
    expect(c.code, c.err).toBe(0);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    const tables = Array.isArray(doc) ? doc : doc.tables ?? [doc];
    const entries = tables[0].entries as { rule: string; when?: string }[];
    expect(entries.filter((e) => e.when).map((e) => `${e.rule} ${e.when}`)).toEqual(['op:cpu.io_delay if X86_FEATURE_ERMS', 'op:cpu.io_delay unless X86_FEATURE_K8']);
    writeFileSync(join(dir, 'cpu-j.txt'), 'X86_FEATURE_ALWAYS\nerms\n');
    const report = join(dir, 'r-json.json');
    const r = await cli('apply', '--rules', json, built.file, '--dry-run', '--cpu', join(dir, 'cpu-j.txt'), '--report', report);
    expect(r.code, r.err).toBe(0);
    expect(ioDelaySite(report).rule).toBe('op:cpu.io_delay if X86_FEATURE_ERMS');
  });

  it('a CPU with X86_FEATURE_XENPV set is warned about: patchc writes the bare-metal pv_ops targets', async () => {
    const r = await apply('X86_FEATURE_ALWAYS\nX86_FEATURE_XENPV\n', 'xen');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/warning: cpu-xen\.txt has X86_FEATURE_XENPV set: a Xen PV guest \[cpu-xenpv\]|cpu-xen\.txt.*warning: .*X86_FEATURE_XENPV set/);
  });
});

describe('patchc check: CPU feature names in a rule set', () => {
  const check = async (files: Record<string, string>) => {
    const dir = writeRules(files);
    return cli('check', join(dir, 'r.rules'));
  };
  const head = 'ruleset t\nsyntax att\nop memcpy(ptr, ptr, ulong) -> ptr : opaque\n';

  it('an unknown feature in a condition: file:line:col and the nearest names', async () => {
    const r = await check({ 'r.rules': `${head}features linux-6.12\narch x86_64 {\n  memcpy if X86_FEATURE_ERMSS -> rep movsb\n  default -> call target\n}\n` });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/r\.rules:6:13: error: rule condition: 'X86_FEATURE_ERMSS' is not a feature name Linux 6\.12\.\d+ knows \[unknown-feature\]/);
    expect(r.err).toMatch(/nearest: X86_FEATURE_ERMS/);
  });

  it('cpuinfo names resolve per version: `erms` is fine; `monitor` (flags and bugs line) is ambiguous', async () => {
    const ok = await check({ 'r.rules': `${head}features linux-6.1\narch x86_64 {\n  memcpy if erms -> rep movsb\n  default -> call target\n}\n` });
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    const amb = await check({ 'r.rules': `${head}features linux-6.1\narch x86_64 {\n  memcpy if monitor -> rep movsb\n  default -> call target\n}\n` });
    expect(amb.code).toBe(1);
    expect(amb.err).toMatch(/6:13: error: .*'monitor' is a cpuinfo name both on the flags line .* \[ambiguous-feature\]/);
  });

  it('a condition without a feature table, an unknown table, the same condition twice', async () => {
    const none = await check({ 'r.rules': `${head}arch x86_64 {\n  memcpy if erms -> rep movsb\n}\n` });
    expect(none.err).toMatch(/5:13: error: rule for op 'memcpy' tests erms, but the rule set names no CPU feature table \[no-feature-table\]/);
    const unknown = await check({ 'r.rules': `${head}features linux-6.2\narch x86_64 {\n  default -> call target\n}\n` });
    expect(unknown.err).toMatch(/4:10: error: features: no CPU feature table 'linux-6.2' \[unknown-feature-table\]/);
    const twice = await check({ 'r.rules': `${head}features linux-6.1\narch x86_64 {\n  memcpy if erms -> rep movsb\n  memcpy if erms -> {}\n}\n` });
    expect(twice.err).toMatch(/7:3: error: a second rule for op 'memcpy' if erms on x86_64 \[duplicate-rule\]/);
  });

  it("an alttable's unknown `assume` feature and `pass` are errors at check time, not only at apply --cpu", async () => {
    const shipped = readFileSync(SHIPPED, 'utf8');
    const bad = shipped.replace('assume X86_FEATURE_ALWAYS set', 'assume X86_FEATURE_ALWAYZ set').replace(/pass linux-6\.1\b/, 'pass linux-6.3');
    expect(bad).not.toBe(shipped);
    const r = await check({ 'alt.rules': bad, 'r.rules': `${head}import "alt.rules"\narch x86_64 {\n  default -> call target\n}\n` });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/alt\.rules:\d+:\d+: error: alttable altinstructions: assume: 'X86_FEATURE_ALWAYZ' is not a feature name .* \[unknown-feature\]/);
    expect(r.err).toMatch(/nearest: X86_FEATURE_ALWAYS/);
    expect(r.err).toMatch(/alt\.rules:\d+:\d+: error: alttable altinstructions: no alternatives pass 'linux-6\.3' \[unknown-pass\]/);
  });
});

describe.skipIf(!existsSync(KERNEL_612))('Linux 6.12 without --cpu', () => {
  it('apply refuses to write an unchanged kernel and says why (exit 2)', async () => {
    const out = join(writeRules({}), 'out');
    const r = await cli('apply', '--rules', RULES_612, KERNEL_612, '-o', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nothing to patch: .* give --cpu FILE/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
