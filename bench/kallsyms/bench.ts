// Figures for reading a kernel's symbols from its image alone: for every kernel in ../shared/linux/, the
// wall time to extract the vmlinux from the vmlinuz and to decode its kallsyms tables, with the counts
// (symbols read beside the real System.map's entries; test/binary/kallsyms.test.ts checks they agree).
// Then, where a shipped rule set fits the kernel, `patchc apply` end to end with kallsyms as its symbols.
// Run: npx tsx bench/kallsyms/bench.ts
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadKernelOrElf, loadSystemMap, readKallsyms } from '../../src/binary/index.js';

const root = new URL('../../', import.meta.url).pathname;
const shared = join(root, '../shared/linux');
if (!existsSync(shared)) {
  console.log(`no kernels: ${shared} is absent`);
  process.exit(0);
}
const kernels = readdirSync(shared).filter((d) => existsSync(join(shared, d, `vmlinuz-${d}`))).sort();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const runs = 5;
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}, load ${loadavg()[0]!.toFixed(2)}; median of ${runs} runs`);
console.log('kernel                         compression  extract ms  kallsyms ms  total ms  symbols  System.map  encoding');
for (const k of kernels) {
  const vmlinuz = join(shared, k, `vmlinuz-${k}`);
  const extract: number[] = [];
  const decode: number[] = [];
  let count = 0;
  let encoding = '';
  let compression = '';
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    const bin = await loadKernelOrElf(vmlinuz);
    extract.push(performance.now() - t);
    t = performance.now();
    const ks = readKallsyms(bin.elf);
    decode.push(performance.now() - t);
    count = ks?.symbols.length ?? 0;
    encoding = ks?.encoding ?? 'none';
    compression = bin.kernel?.compression ?? 'elf';
  }
  const mapFile = join(shared, k, `System.map-${k}.xz`);
  const mapCount = existsSync(mapFile) ? (await loadSystemMap(mapFile)).size : NaN;
  const e = median(extract);
  const d = median(decode);
  console.log(
    `${k.padEnd(30)} ${compression.padEnd(12)} ${e.toFixed(0).padStart(10)} ${d.toFixed(0).padStart(12)} ${(e + d).toFixed(0).padStart(9)} ${String(count).padStart(8)} ${String(mapCount).padStart(11)}  ${encoding}`,
  );
}

// End to end, as a user runs it: no --symbols, the kernel's own kallsyms (+ __ksymtab on the 686 kernel).
const ruleFor = (k: string) => {
  if (!k.startsWith('6.1.')) return undefined;
  if (k.endsWith('-amd64')) return join(root, 'rules/linux/linux-6.1-x86_64.rules');
  return k.endsWith('-686') ? join(root, 'rules/linux/linux-6.1-i386.rules') : undefined;
};
const withRules = kernels.filter((k) => ruleFor(k));
if (withRules.length) {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  const out = mkdtempSync(join(tmpdir(), 'patchc-kallsyms-bench-'));
  for (const k of withRules) {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const r = spawnSync('node', [join(root, 'bin/patchc.js'), 'apply', '--rules', ruleFor(k)!, join(shared, k, `vmlinuz-${k}`), '-o', join(out, 'vmlinux')], { encoding: 'utf8' });
      times.push(performance.now() - t);
      if (r.status !== 0) throw new Error(`patchc apply failed on ${k}: ${r.stderr}`);
    }
    console.log(`patchc apply ${k} (vmlinuz, symbols from the image, start-up included): median ${median(times).toFixed(0)} ms of ${times.length}`);
  }
}
