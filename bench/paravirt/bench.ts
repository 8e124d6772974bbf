// Paravirt benchmark: what patching the call sites of examples/paravirt buys, per architecture.
//
//   npx tsx bench/paravirt/bench.ts [--runs 9] [--seconds 0.5] [--arch x86_64,i386] [--workload fault,loop]
//                                   [--no-callgrind] [--novec]
//
// Workloads (workloads.ts): `fault`, the example's `--fault N` mode (mmap-perf as the kernel runs it: per page
// a page fault that walks the page table and sets the pte, then a zap of the range; 2^19 pages per round),
// and `loop`, its `--bench N` mode (tight loops that populate and tear down 2^19 ptes: nothing but the ops,
// the worst case for what patching leaves behind). Builds: native (gcc inlines the ops), indirect (call *pv_ops+slot at each site), patched
// (the indirect build after `patchc apply` with paravirt-demo.rules) and patched+store (with
// paravirt-inline-store.rules, which also inlines set_pte); with --novec (needs gcc) also the native build
// compiled without vectorisation, to tell apart what vectorisation and what the sites' code cost. Measured:
//   - wall time of the loops (the program's own clock), median of --runs interleaved runs; each build
//     gets its own N so that one run takes about --seconds;
//   - CPU time (perf's task-clock) of the same runs, which leaves out time spent waiting for a CPU on a
//     loaded machine, and cycles where the machine exposes a PMU (not in most VMs);
//   - executed instructions from callgrind, Ir(--bench 1) - Ir(--bench 0): exact and repeatable, but
//     every NOP of a patched site counts as an instruction.
// Everything is reported per page (fault) or per pte (loop) per round. See bench/paravirt/RESULTS.md for what the numbers mean.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ARCHES, makeBuilds, type Arch, type Build } from './builds.js';
import { machine, markdownTable, textTable, type ArchResult, type BuildResult } from './format.js';
import { benchRun, callgrindInstructions, perfWorks, type BenchRun, type Measured } from './measure.js';
import { median } from './stats.js';
import { WORKLOADS, type Workload } from './workloads.js';

const EXPECTED_CHECKSUM_ROUNDS = 1;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '9' },
    seconds: { type: 'string', default: '0.5' },
    arch: { type: 'string', default: ARCHES.join(',') },
    workload: { type: 'string', default: WORKLOADS.map((w) => w.name).join(',') },
    'no-callgrind': { type: 'boolean', default: false },
    novec: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const targetSeconds = Number(values.seconds);
const arches = values.arch.split(',') as Arch[];
const workloads = values.workload.split(',').map((name) => WORKLOADS.find((w) => w.name === name));
if (!Number.isInteger(runs) || runs < 1 || !(targetSeconds > 0) || arches.some((a) => !ARCHES.includes(a)) || workloads.some((w) => !w)) {
  console.error('usage: bench.ts [--runs N>=1] [--seconds S>0] [--arch x86_64,i386] [--workload fault,loop] [--no-callgrind] [--novec]');
  process.exit(2);
}
process.chdir(fileURLToPath(new URL('../..', import.meta.url)));

const log = (line: string) => console.log(line);

/** Rounds that make one run of BUILD take about targetSeconds (from a short warm-up run). */
function calibrate(build: Build, w: Workload): number {
  benchRun(build.file, w.flag, 2); // first run: page faults on the 4 MiB table, cold caches
  const probe = 8;
  const perRound = benchRun(build.file, w.flag, probe).seconds / probe;
  return Math.max(1, Math.round(targetSeconds / perRound));
}

/** All builds print the same checksum (examples/paravirt/expected/*-1.out); a wrong patch shows here. */
function checkSameOutput(builds: Build[], w: Workload): void {
  const outputs = builds.map((b) => benchRun(b.file, w.flag, EXPECTED_CHECKSUM_ROUNDS).stdout);
  const bad = builds.filter((_, i) => outputs[i] !== outputs[0]);
  if (bad.length) throw new Error(`these builds print another checksum than ${builds[0]!.name}: ${bad.map((b) => b.name).join(', ')}`);
}

function measureArch(arch: Arch, builds: Build[], w: Workload): ArchResult {
  checkSameOutput(builds, w);
  const rounds = builds.map((b) => calibrate(b, w));
  const perf = perfWorks(builds[0]!.file);
  if (!perf.ok) log(`  CPU time and cycles: ${perf.why}`);
  const samples = builds.map(() => [] as BenchRun[]);
  // Interleaved, and each pass starts at another build, so that drift in the machine's load is shared.
  for (let run = 0; run < runs; run++) {
    for (let k = 0; k < builds.length; k++) {
      const i = (run + k) % builds.length;
      samples[i]!.push(benchRun(builds[i]!.file, w.flag, rounds[i]!, perf.ok));
    }
  }
  const cyclesWhy = samples[0]!.map((s) => s.cycles).find((c) => !c.ok);
  if (perf.ok && cyclesWhy && !cyclesWhy.ok) log(`  cycles: ${cyclesWhy.why}`);

  const instructions: Measured[] = builds.map((b) => {
    if (values['no-callgrind']) return { ok: false, why: '--no-callgrind' };
    const one = callgrindInstructions(b.file, w.flag, 1);
    const zero = callgrindInstructions(b.file, w.flag, 0);
    if (!one.ok) return one;
    if (!zero.ok) return zero;
    return { ok: true, value: (one.value - zero.value) / w.units };
  });
  const failed = instructions.find((m) => !m.ok);
  if (failed && !failed.ok && !values['no-callgrind']) log(`  instructions: ${failed.why}`);

  const results: BuildResult[] = builds.map((build, i) => {
    const perUnitNs = (seconds: number) => (seconds / (rounds[i]! * w.units)) * 1e9;
    const medianOf = (pick: (r: BenchRun) => Measured, scale: (x: number) => number): Measured => {
      const got = samples[i]!.map(pick);
      const bad = got.find((m) => !m.ok);
      return bad ?? { ok: true, value: scale(median(got.map((m) => (m.ok ? m.value : NaN)))) };
    };
    const wall = samples[i]!.map((s) => s.seconds);
    return {
      build,
      rounds: rounds[i]!,
      nsMedian: perUnitNs(median(wall)),
      nsMin: perUnitNs(Math.min(...wall)),
      cpuNs: medianOf((s) => s.cpuSeconds, perUnitNs),
      cycles: medianOf((s) => s.cycles, (c) => c / (rounds[i]! * w.units)),
      instructions: instructions[i]!,
    };
  });
  return { arch, workload: w, runs, builds: results };
}

const command = `npx tsx bench/paravirt/bench.ts ${process.argv.slice(2).join(' ')}`.trim();
log(`paravirt benchmark: ${command}`);
const host = machine();
log(`machine: ${host}`);
const results = new Map<Workload, ArchResult[]>(workloads.map((w) => [w!, []]));
for (const arch of arches) {
  log(`\n== ${arch}`);
  const builds = await makeBuilds(arch, (l) => log(`  ${l}`), values.novec);
  for (const w of workloads as Workload[]) {
    log(`\n-- ${arch}, workload ${w.name}: ${w.description}`);
    const r = measureArch(arch, builds, w);
    results.get(w)!.push(r);
    log(`  ${runs} interleaved runs per build, N rounds each (chosen for ~${targetSeconds} s per run); per ${w.unit} per round:`);
    log(textTable(r).replace(/^/gm, '  '));
  }
}
for (const [w, rs] of results) {
  log(`\nMarkdown (README), workload ${w.name} (\`${w.flag} N\`, per ${w.unit}):\n`);
  log(markdownTable(rs, runs));
}
log(`\nMachine: ${host}. Command: \`${command}\`.`);
