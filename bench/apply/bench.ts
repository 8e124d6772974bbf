// Figures for the apply engine: a synthetic ELF64 with 1,000,000 sites; sites/second in the patch loop
// with all checks on, end-to-end wall time of `patchc apply` beside `cp` of the same file, peak RSS.
// Run: npx tsx bench/apply/bench.ts [SITES]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
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
for (let i = 0; i < 2; i++) {
  t = performance.now();
  const run = applyTable(bin.elf, table, symbols);
  const ms = performance.now() - t;
  console.log(`patch loop (read table + check + patch + verify ${run.stats.sites} sites): ${ms.toFixed(0)} ms = ${Math.round(run.stats.sites / (ms / 1000)).toLocaleString('en')} sites/s; patched ${run.stats.byOutcome.patched}, refused ${run.stats.byOutcome.refused}`);
}

// End to end, as a user runs it, beside cp; peak RSS from GNU time.
execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
const wall = (cmd: string, args: string[]) => {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return { ms: performance.now() - t0, rssKb: Number(r.stderr.trim().split('\n').pop()) };
};
const cp = wall('cp', [elfPath, join(dir, 'copy.elf')]);
const ap = wall('node', [join(root, 'bin/patchc.js'), 'apply', '--rules', join(dir, 'bench.rules'), elfPath, '-o', join(dir, 'out.elf')]);
console.log(`end to end: patchc apply ${ap.ms.toFixed(0)} ms, cp ${cp.ms.toFixed(0)} ms (ratio ${(ap.ms / cp.ms).toFixed(0)}x)`);
console.log(`peak RSS: patchc apply ${(ap.rssKb / 1024).toFixed(0)} MiB for a ${(size / 2 ** 20).toFixed(0)} MiB file (aim: <= 2 x file + constant)`);
