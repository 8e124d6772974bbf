// Figures for the equivalence proofs (issue 16): on the example programs and Debian's kernels (../shared),
// each distinct (slot function, inline replacement) pair: equivalent / differs / not decided, per op; and
// the time the proofs add to `apply` (the apply itself timed beside them, same process).
// Run: npm run bench:proofs     (kernels are skipped when ../shared is absent)
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { applyTable } from '../../src/apply/apply.js';
import { ElfPatcher, loadKernelOrElf, loadSymbols } from '../../src/binary/index.js';
import { altTableOf, loadCpuFor, runAlternatives } from '../../src/kernel/alternatives.js';
import { buildTables } from '../../src/pipeline/build.js';
import { proofCounts, verdictLine } from '../../src/verify/function/report.js';
import { proveAlternatives, proveRun, type RunProofs } from '../../src/verify/function/runProofs.js';

const root = new URL('../../', import.meta.url).pathname;
const shared = join(root, '../shared/linux');

interface Target {
  name: string;
  binary: string;
  rules: string;
  /** CPU capability words for the alternatives pass (6.8+: where every site is). */
  cpu?: string;
}

const TARGETS: Target[] = [
  { name: 'example demo-x86_64', binary: join(root, 'examples/paravirt/bin/demo-x86_64'), rules: join(root, 'examples/paravirt/paravirt-demo.rules') },
  { name: 'example demo-i386', binary: join(root, 'examples/paravirt/bin/demo-i386'), rules: join(root, 'examples/paravirt/paravirt-demo.rules') },
  { name: 'Linux 6.1 x86_64', binary: join(shared, '6.1.0-56-cloud-amd64/vmlinuz-6.1.0-56-cloud-amd64'), rules: join(root, 'rules/linux/linux-6.1-x86_64.rules') },
  { name: 'Linux 6.1 i386', binary: join(shared, '6.1.0-57-686/vmlinuz-6.1.0-57-686'), rules: join(root, 'rules/linux/linux-6.1-i386.rules') },
  {
    name: 'Linux 6.12 x86_64 (alternatives, -cpu qemu64)',
    binary: join(shared, '6.12.117+deb12-cloud-amd64/vmlinuz-6.12.117+deb12-cloud-amd64'),
    rules: join(root, 'rules/linux/linux-6.12-x86_64.rules'),
    cpu: join(root, 'test/fixtures/cpu/6.12.117+deb12-cloud-amd64-qemu64.caps.bin'),
  },
];

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}`);
for (const t of TARGETS) {
  if (!existsSync(t.binary)) {
    console.log(`\n${t.name}: skipped (${t.binary} is absent)`);
    continue;
  }
  const bin = await loadKernelOrElf(t.binary);
  const symbols = await loadSymbols(bin.elf, {});
  const built = buildTables(t.rules, () => [bin.elf.arch]);
  const table = built.tables[0]!;
  let t0 = performance.now();
  const run = applyTable(bin.elf, table, symbols, {});
  const applyMs = performance.now() - t0;
  let proofs: RunProofs = proveRun(run, bin.elf, symbols);
  let altMs = 0;
  if (t.cpu) {
    const cpu = loadCpuFor(altTableOf(table), t.cpu, new Uint8Array(readFileSync(t.cpu))).set!;
    t0 = performance.now();
    const alt = runAlternatives(bin.elf, new ElfPatcher(bin.elf, { record: false }), table, cpu, symbols);
    altMs = performance.now() - t0;
    const more = proveAlternatives(alt, table, bin.elf, symbols);
    proofs = { pairs: [...proofs.pairs, ...more.pairs], pairOfSite: proofs.pairOfSite, ms: proofs.ms + more.ms };
  }
  const { pairs, byOp } = proofCounts(proofs);
  const sites = proofs.pairs.reduce((n, p) => n + p.sites, 0);
  console.log(`\n${t.name}: ${proofs.pairs.length} pairs over ${sites} sites: ${pairs.equivalent} equivalent, ${pairs.differs} differ, ${pairs['not-decided']} not decided`);
  console.log(`  time: proofs ${proofs.ms.toFixed(1)} ms; apply (paravirt sites) ${applyMs.toFixed(0)} ms${t.cpu ? `, alternatives pass ${altMs.toFixed(0)} ms` : ''} (load and symbols not counted)`);
  const w = Math.max(2, ...[...byOp.keys()].map((k) => k.length));
  console.log(`  ${'op'.padEnd(w)}  equivalent  differs  not-decided`);
  for (const [op, c] of [...byOp].sort((a, b) => a[0].localeCompare(b[0]))) console.log(`  ${op.padEnd(w)}  ${String(c.equivalent).padStart(10)}  ${String(c.differs).padStart(7)}  ${String(c['not-decided']).padStart(11)}`);
  for (const p of proofs.pairs.filter((x) => x.proof.verdict !== 'equivalent')) console.log(`  ${p.ops.join(', ')}: \`${p.replacement}\` ${verdictLine(p.proof)}`);
}
