// The whole-text comparison shared by predict-vs-booted and other-builds: patchc predicts .text and .init.text
// from the image and the capability words the booted kernel tested, and the booted dump is checked against it
// (textCheck.ts): per table the bytes equal, booted in another legal form, or wrong.
import { expect } from 'vitest';
import { loadKernelOrElf, loadSymbols } from '../../src/binary/index.js';
import { altTableOf, loadCpuFor } from '../../src/kernel/alternatives.js';
import { predictText } from '../../src/kernel/predict.js';
import { checkText, dumpReader, emptyStats, SiteIndex } from '../../src/kernel/textCheck.js';
import { buildTables } from '../../src/pipeline/build.js';
import { KernelBoot, REPO_DIR } from './truth.js';

/** A kernel predicted: its boot, its whole-text rule set (rules/linux/kernel-*.rules), arch, whether it needs its System.map. */
export interface PredictKernel {
  name: string;
  boot: KernelBoot;
  rules: string;
  arch: 'x86_64' | 'i386';
  /** True for kernels whose kallsyms lack the data symbols the texttables name (no CONFIG_KALLSYMS_ALL). */
  systemMap: boolean;
}

export async function predictVsBooted(k: PredictKernel, cpu: string) {
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
  // Static call sites are checked against the booted trampolines: the dump's own text.
  const dump = dumpReader([{ start: booted.textStart, bytes: booted.bytes }, { start: booted.initTextStart, bytes: booted.initBytes }]);
  for (const [start, bytes] of [[booted.textStart, booted.bytes], [booted.initTextStart, booted.initBytes]] as const) {
    const r = p.ranges.find((x) => x.start === start);
    expect(r, `a predicted range at 0x${start.toString(16)}`).toBeDefined();
    expect(r!.bytes.length).toBe(bytes.length);
    findings.push(...checkText(start, r!.bytes, bytes, index, symbols, stats, dump));
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

