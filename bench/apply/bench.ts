// Figures for the apply engine: a synthetic ELF64 with 1,000,000 sites; sites/second in the patch loop
// with all checks on, end-to-end wall time of `patchc apply` beside `cp` of the same file, peak RSS
// against the process's baseline.
// Run: npx tsx bench/apply/bench.ts [SITES]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { applyTable } from '../../src/apply/apply.js';
import { loadKernelOrElf, loadSymbols } from '../../src/binary/index.js';
import { loadRuleSet } from '../../src/model/load.js';
import { compileTables } from '../../src/table/compile.js';
import { makeSitesElf, RULES } from './make-elf.js';

const n = Number(process.argv[2] ?? 1_000_000);
const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'patchc-apply-bench-'));
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}`);
let t = performance.now();
const elfPath = makeSitesElf(dir, n);
const size = statSync(elfPath).size;
console.log(`built ${elfPath}: ${n} sites, ${(size / 1e6).toFixed(1)} MB, in ${((performance.now() - t) / 1000).toFixed(1)} s (GNU as + ld)`);
writeFileSync(join(dir, 'bench.rules'), RULES);

// In-process: the patch loop alone (sites read, all checks, writes into the output copy).
const loaded = loadRuleSet(join(dir, 'bench.rules'));
const table = compileTables(loaded.ruleset, ['x86_64'], loaded.sources).tables[0]!;
const bin = await loadKernelOrElf(elfPath);
const symbols = await loadSymbols(bin.elf);
const rates: number[] = [];
for (let i = 0; i < 5; i++) {
  t = performance.now();
  const run = applyTable(bin.elf, table, symbols);
  const ms = performance.now() - t;
  rates.push(run.stats.sites / (ms / 1000));
  console.log(`patch loop (read table + check + patch + verify ${run.stats.sites} sites): ${ms.toFixed(0)} ms = ${Math.round(rates[i]!).toLocaleString('en')} sites/s; patched ${run.stats.byOutcome.patched}, refused ${run.stats.byOutcome.refused}`);
}
console.log(`patch loop, median of ${rates.length}: ${Math.round([...rates].sort((a, b) => a - b)[rates.length >> 1]!).toLocaleString('en')} sites/s (load ${loadavg()[0]!.toFixed(2)})`);

// End to end, as a user runs it, beside cp; peak RSS from GNU time. The process's own cost (node, the
// modules, iced's WebAssembly, compiling the rules) is the baseline: the peak RSS of the same command on
// an ELF with a handful of sites, built the same way. The aim reads: peak - baseline <= 2 x file.
execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
const wall = (cmd: string, args: string[]) => {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return { ms: performance.now() - t0, rssKb: Number(r.stderr.trim().split('\n').pop()) };
};
const tinyDir = mkdtempSync(join(tmpdir(), 'patchc-apply-bench-tiny-'));
const tinyPath = makeSitesElf(tinyDir, 8);
const apply = (elf: string, out: string) => wall('node', [join(root, 'bin/patchc.js'), 'apply', '--rules', join(dir, 'bench.rules'), elf, '-o', out]);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const runs = 3;
const base = Array.from({ length: runs }, () => apply(tinyPath, join(tinyDir, 'out.elf')));
const cps = Array.from({ length: runs }, () => wall('cp', [elfPath, join(dir, 'copy.elf')]));
const aps = Array.from({ length: runs }, () => apply(elfPath, join(dir, 'out.elf')));
const mib = (kb: number) => kb / 1024;
const fileMib = size / 2 ** 20;
const baseKb = median(base.map((r) => r.rssKb));
const peakKb = median(aps.map((r) => r.rssKb));
const apMs = median(aps.map((r) => r.ms));
const cpMs = median(cps.map((r) => r.ms));
console.log(`end to end (median of ${runs}): patchc apply ${apMs.toFixed(0)} ms, cp ${cpMs.toFixed(0)} ms (ratio ${(apMs / cpMs).toFixed(0)}x); apply on ${8} sites: ${median(base.map((r) => r.ms)).toFixed(0)} ms`);
console.log(`peak RSS (median of ${runs}): baseline ${mib(baseKb).toFixed(0)} MiB (apply on an ${8}-site ELF), peak ${mib(peakKb).toFixed(0)} MiB, file ${fileMib.toFixed(1)} MiB`);
console.log(`(peak - baseline) / file = ${((mib(peakKb) - mib(baseKb)) / fileMib).toFixed(2)} (aim: <= 2)`);
console.log(`load: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
