// `patchc apply` end to end on the real Debian kernels in ../shared (issue 13's figure: wall time from the vmlinuz,
// symbols from the image's own kallsyms, start-up included; aim <= 1 s):
//   npx tsx bench/kernel/apply.ts [--runs 5]
// Runs the built CLI (`npm run build` first) on each kernel with its shipped rule set, median of the runs, and prints
// the site counts the report gives.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const shared = join(root, '../shared/linux');
const KERNELS = [
  { dir: '6.1.0-56-cloud-amd64', rules: 'rules/linux/linux-6.1-x86_64.rules' },
  { dir: '6.1.0-57-686', rules: 'rules/linux/linux-6.1-i386.rules' },
  // 6.12: every site is an ALTERNATIVE, so the run needs a CPU (here: feature names, ALWAYS alone).
  { dir: '6.12.117+deb12-cloud-amd64', rules: 'rules/linux/linux-6.12-x86_64.rules', cpu: 'X86_FEATURE_ALWAYS\n' },
];
const i = process.argv.indexOf('--runs');
const runs = Math.max(1, Number(i >= 0 ? process.argv[i + 1] : 5));

if (!existsSync(join(root, 'dist/cli/main.js')) && !existsSync(join(root, 'dist/index.js'))) throw new Error('run `npm run build` first');
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}; median of ${runs}`);
const tmp = mkdtempSync(join(tmpdir(), 'patchc-bench-kernel-'));
try {
  for (const k of KERNELS) {
    const dir = join(shared, k.dir);
    const vmlinuz = existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith('vmlinuz-')) : undefined;
    if (!vmlinuz) {
      console.log(`${k.dir}: not in ../shared, skipped`);
      continue;
    }
    const out = join(tmp, 'vmlinux');
    const cpuArgs: string[] = [];
    if ('cpu' in k && k.cpu) {
      writeFileSync(join(tmp, 'cpu.txt'), k.cpu);
      cpuArgs.push('--cpu', join(tmp, 'cpu.txt'));
    }
    const report = join(tmp, 'report.json');
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      const p = spawnSync(process.execPath, [join(root, 'bin/patchc.js'), 'apply', '--rules', join(root, k.rules), join(dir, vmlinuz), '-o', out, '--report', report, ...cpuArgs], { encoding: 'utf8' });
      times.push(performance.now() - t0);
      if (p.status !== 0) throw new Error(`${k.dir}: patchc apply exited ${p.status}: ${p.stderr}`);
    }
    times.sort((a, b) => a - b);
    const rep = JSON.parse(readFileSync(report, 'utf8')) as { summary?: { sites?: number; kinds?: Record<string, number> }; alternatives?: { entries?: number; sites?: number } };
    const kinds = Object.entries(rep.summary?.kinds ?? {}).map(([kk, n]) => `${n} ${kk}`).join(', ');
    const alt = rep.alternatives ? `; alternatives: ${rep.alternatives.entries} entries over ${rep.alternatives.sites} sites` : '';
    console.log(`${k.dir}: patchc apply ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms (min ${times[0]!.toFixed(0)}, max ${times.at(-1)!.toFixed(0)}); ${rep.summary?.sites ?? '?'} sites: ${kinds}${alt}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
