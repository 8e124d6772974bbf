// The whole boot-time text (issue 14): patchc predicts .text and .init.text from the image and the capability
// words the kernel tested (booted.capsAtAlternatives), every rule-set table in the kernel's order (paravirt,
// alternatives and the `texttable`s: jump labels, static calls, ftrace, retpolines, returns, trampolines,
// .smp_locks); the booted kernel's dump must equal the prediction in every byte, except at runtime-dependent
// sites (static keys and static calls boot code may switch, the UP lock fix-up), whose booted bytes must be
// one of their legal forms. Counts per table are printed; the residue (bytes no form explains) is asserted
// per table, so it cannot grow silently.
import { describe, expect, it } from 'vitest';
import { loadKernelOrElf, loadSymbols } from '../../src/binary/index.js';
import { altTableOf, loadCpuFor } from '../../src/kernel/alternatives.js';
import { predictText } from '../../src/kernel/predict.js';
import { checkText, emptyStats, SiteIndex } from '../../src/kernel/textCheck.js';
import { buildTables } from '../../src/pipeline/build.js';
import { DEBIAN_6_1_I386, DEBIAN_6_1_X86_64, DEBIAN_6_12_X86_64, KernelBoot, REPO_DIR } from './truth.js';

/** The kernels, their rule sets, and the bytes per table no legal form explains today (the target is none). */
const KERNELS = [
  { name: '6.1.0-56-cloud-amd64', boot: new KernelBoot(DEBIAN_6_1_X86_64), rules: 'kernel-6.1-x86_64.rules', arch: 'x86_64', systemMap: false, cpus: { qemu64: {}, max: {} } },
  { name: '6.12.117+deb12-cloud-amd64', boot: new KernelBoot(DEBIAN_6_12_X86_64), rules: 'kernel-6.12-x86_64.rules', arch: 'x86_64', systemMap: false, cpus: { qemu64: {}, max: {} } },
  { name: '6.1.0-57-686', boot: new KernelBoot(DEBIAN_6_1_I386), rules: 'kernel-6.1-i386.rules', arch: 'i386', systemMap: true, cpus: { qemu32: {}, max: {} } },
] as const;
type Kernel = (typeof KERNELS)[number];

export async function predictVsBooted(k: Kernel, cpu: string) {
  const booted = await k.boot.bootedText({ cpu });
  const files = k.boot.files();
  const built = buildTables(`${REPO_DIR}/rules/linux/${k.rules}`, () => [k.arch]);
  expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const table = built.tables[0]!;
  const bin = await loadKernelOrElf(files.vmlinuz);
  const symbols = await loadSymbols(bin.elf, k.systemMap ? { systemMap: files.systemMap } : {});
  const features = loadCpuFor(altTableOf(table), 'caps-alternatives.bin', booted.capsAtAlternatives);
  expect(features.diagnostics).toEqual([]);
  const p = predictText(bin.elf, table, symbols, features.set!);
  const index = new SiteIndex(p.sites);
  const stats = emptyStats();
  const findings = [];
  for (const [start, bytes] of [[booted.textStart, booted.bytes], [booted.initTextStart, booted.initBytes]] as const) {
    const r = p.ranges.find((x) => x.start === start);
    expect(r, `a predicted range at 0x${start.toString(16)}`).toBeDefined();
    expect(r!.bytes.length).toBe(bytes.length);
    findings.push(...checkText(start, r!.bytes, bytes, index, symbols, stats));
  }
  const lines = [`${k.name} -cpu ${cpu}: ${stats.bytes} bytes of .text/.init.text; ${stats.differFromPrediction} differ from the prediction`];
  for (const t of p.tables) {
    const e = stats.explained.get(t.table);
    lines.push(`  ${t.table}: ${t.sites} sites, ${t.bytesChanged} bytes changed by the passes, ${t.runtimeDependent.sites} runtime-dependent (${t.runtimeDependent.bytes} bytes)` +
      `${e ? `, ${e.sites} of them booted in another legal form (${e.bytes} bytes)` : ''}, ${stats.wrong.get(t.table) ?? 0} bytes wrong`);
  }
  lines.push(`  outside every site: ${stats.wrong.get('unexplained') ?? 0} bytes wrong`);
  for (const f of findings.slice(0, 10)) lines.push(`    0x${f.addr.toString(16)} ${symbols?.describe(f.addr)} (${f.site?.table ?? 'unexplained'}): predicted ${Buffer.from(f.expected).toString('hex')}, booted ${Buffer.from(f.found).toString('hex')}`);
  console.log(lines.join('\n'));
  return { stats, findings, wrong: Object.fromEntries(stats.wrong) };
}

describe.each(KERNELS.flatMap((k) => Object.entries(k.cpus).map(([cpu, residue]) => ({ k, name: k.name, cpu, residue, skip: k.boot.skipReason(cpu) }))))('predicted text of $name on -cpu $cpu vs the booted kernel', ({ k, cpu, residue, skip }) => {
  it.skipIf(skip !== undefined)(`every byte equals the booted text or a legal form of its runtime-dependent site${skip ? ` (skipped: ${skip})` : ''}`, async () => {
    const r = await predictVsBooted(k, cpu);
    expect(r.wrong).toEqual(residue);
  }, 600_000);
});
