// Figures for issue 14: per kernel and CPU model, from the booted kernels' dumps (test/kernel-boot/truth.ts cache):
// bytes the boot changed, bytes predicted exactly, runtime-dependent sites and bytes (and how many of those booted
// in another legal form), bytes wrong; predict time in-process and `patchc predict` / `verify-text` wall time
// with start-up (needs `npm run build`; skipped otherwise).
//   npm run bench:predict
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadKernelOrElf, loadSymbols, lookupVaddr } from '../../src/binary/index.js';
import { altTableOf, loadCpuFor } from '../../src/kernel/alternatives.js';
import { predictText } from '../../src/kernel/predict.js';
import { checkText, dumpReader, emptyStats, SiteIndex } from '../../src/kernel/textCheck.js';
import { buildTables } from '../../src/pipeline/build.js';
import { DEBIAN_6_1_I386, DEBIAN_6_1_X86_64, DEBIAN_6_12_X86_64, KernelBoot, REPO_DIR } from '../../test/kernel-boot/truth.js';

const KERNELS = [
  { name: '6.1.0-56-cloud-amd64', boot: new KernelBoot(DEBIAN_6_1_X86_64), rules: 'kernel-6.1-x86_64.rules', arch: 'x86_64', map: false, cpus: ['qemu64', 'max'] },
  { name: '6.12.117+deb12-cloud-amd64', boot: new KernelBoot(DEBIAN_6_12_X86_64), rules: 'kernel-6.12-x86_64.rules', arch: 'x86_64', map: false, cpus: ['qemu64', 'max'] },
  { name: '6.1.0-57-686', boot: new KernelBoot(DEBIAN_6_1_I386), rules: 'kernel-6.1-i386.rules', arch: 'i386', map: false, cpus: ['qemu32', 'max'] },
];
const built = existsSync(join(REPO_DIR, 'dist/cli/main.js'));
const tmp = mkdtempSync(join(tmpdir(), 'patchc-bench-predict-'));
const wall = (args: string[]): number => {
  const t0 = performance.now();
  const p = spawnSync(process.execPath, [join(REPO_DIR, 'bin/patchc.js'), ...args], { encoding: 'utf8' });
  if (p.status !== 0 && p.status !== 1) throw new Error(`patchc ${args[0]} exited ${p.status}: ${p.stderr}`);
  return performance.now() - t0;
};

console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
try {
  for (const k of KERNELS) {
    for (const cpu of k.cpus) {
      const skip = k.boot.skipReason(cpu);
      if (skip) {
        console.log(`${k.name} -cpu ${cpu}: skipped (${skip})`);
        continue;
      }
      const booted = await k.boot.bootedText({ cpu });
      const files = k.boot.files();
      const table = buildTables(join(REPO_DIR, 'rules/linux', k.rules), () => [k.arch]).tables[0]!;
      const bin = await loadKernelOrElf(files.vmlinuz);
      const symbols = await loadSymbols(bin.elf, k.map ? { systemMap: files.systemMap } : {});
      const caps = loadCpuFor(altTableOf(table), 'caps', booted.capsAtAlternatives).set!;
      const t0 = performance.now();
      const p = predictText(bin.elf, table, symbols, caps);
      const predictMs = performance.now() - t0;
      const index = new SiteIndex(p.sites);
      const stats = emptyStats();
      let changedByBoot = 0;
      let exact = 0;
      // A byte the boot changed counts for the table that wrote it last in the kernel's order.
      const STAGE = ['before paravirt', 'paravirt', 'before alternatives', 'alternatives', 'after alternatives'];
      const rank = new Map<string, number>([['paravirt', 1], ['alternatives', 3], ...p.run.tables.map((t) => [t.def.name, STAGE.indexOf(t.def.runs)] as [string, number])]);
      const byBoot = new Map<string, number>();
      const dump = dumpReader([{ start: booted.textStart, bytes: booted.bytes }, { start: booted.initTextStart, bytes: booted.initBytes }]);
      for (const [start, bytes] of [[booted.textStart, booted.bytes], [booted.initTextStart, booted.initBytes]] as const) {
        const r = p.ranges.find((x) => x.start === start)!;
        const l = lookupVaddr(bin.elf, start, bytes.length);
        if (!l.ok) throw new Error(l.reason);
        for (let i = 0; i < bytes.length; i++) {
          if (bin.elf.data[l.offset + i] === bytes[i]) continue;
          changedByBoot++;
          if (r.bytes[i] === bytes[i]) exact++;
          const cover = index.covering(start + BigInt(i));
          const table = cover.length ? cover.reduce((a, b) => (rank.get(b.table)! >= rank.get(a.table)! ? b : a)).table : 'none';
          byBoot.set(table, (byBoot.get(table) ?? 0) + 1);
        }
        checkText(start, r.bytes, bytes, index, symbols, stats, dump);
      }
      const rd = p.tables.reduce((a, t) => ({ sites: a.sites + t.runtimeDependent.sites, bytes: a.bytes + t.runtimeDependent.bytes }), { sites: 0, bytes: 0 });
      const other = [...stats.explained.values()].reduce((a, e) => ({ sites: a.sites + e.sites, bytes: a.bytes + e.bytes }), { sites: 0, bytes: 0 });
      const wrong = [...stats.wrong.values()].reduce((a, n) => a + n, 0);
      let cli = '';
      if (built) {
        const capsFile = join(booted.dir, 'caps-alternatives.bin');
        const common = ['--rules', join(REPO_DIR, 'rules/linux', k.rules), '--cpu', capsFile, ...(k.map ? ['--symbols', files.systemMap] : [])];
        const pw = wall(['predict', ...common, files.vmlinuz, '--raw', join(tmp, 'raw')]);
        const vw = wall(['verify-text', ...common, files.vmlinuz, join(booted.dir, 'text.bin'), '--base', `0x${booted.textStart.toString(16)}`]);
        cli = `; CLI wall (start-up included): predict ${(pw / 1000).toFixed(2)} s, verify-text ${(vw / 1000).toFixed(2)} s`;
      }
      console.log(`${k.name} -cpu ${cpu}: ${changedByBoot} bytes changed by boot, ${exact} predicted exactly (${((100 * exact) / changedByBoot).toFixed(2)}%); ` +
        `${rd.sites} runtime-dependent sites (${rd.bytes} bytes), ${other.sites} of them booted in another legal form (${other.bytes} bytes); ${wrong} bytes wrong; ` +
        `predict ${predictMs.toFixed(0)} ms in-process${cli}`);
      if (byBoot.has('none')) console.log(`  ${byBoot.get('none')} bytes changed by boot outside every site`);
      for (const t of p.tables) {
        const e = stats.explained.get(t.table);
        console.log(`  ${t.table.padEnd(30)} ${String(byBoot.get(t.table) ?? 0).padStart(7)} bytes changed by boot ${String(t.sites).padStart(7)} sites ${String(t.runtimeDependent.sites).padStart(6)} runtime-dependent ${String(e?.sites ?? 0).padStart(5)} in another legal form ${String(stats.wrong.get(t.table) ?? 0).padStart(4)} wrong`);
      }
    }
  }
  if (!built) console.log('(`npm run build` for the CLI wall times)');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
