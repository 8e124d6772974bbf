// Paravirt benchmark: what patching the call sites of examples/paravirt buys, per architecture.
//
//   npx tsx bench/paravirt/bench.ts [--runs 9] [--seconds 0.5] [--arch x86_64,i386] [--no-callgrind] [--novec]
//
// The workload is the example's `--bench N` mode (populate and tear down 2^19 ptes per round through the
// page-table ops). Builds: native (gcc inlines the ops), indirect (call *pv_ops+slot at each site), patched
// (the indirect build after `patchc apply` with paravirt-demo.rules) and patched+store (with
// paravirt-inline-store.rules, which also inlines set_pte); with --novec (needs gcc) also the native build
// compiled without vectorisation, to tell apart what vectorisation and what the sites' code cost. Measured:
//   - wall time of the loops (the program's own clock), median of --runs interleaved runs; each build
//     gets its own N so that one run takes about --seconds;
//   - CPU time (perf's task-clock) of the same runs, which leaves out time spent waiting for a CPU on a
//     loaded machine, and cycles where the machine exposes a PMU (not in most VMs);
//   - executed instructions from callgrind, Ir(--bench 1) - Ir(--bench 0): exact and repeatable, but
//     every NOP of a patched site counts as an instruction.
// Everything is reported per pte per round. See bench/paravirt/RESULTS.md for what the numbers mean.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ARCHES, makeBuilds, type Arch, type Build } from './builds.js';
import { machine, markdownTable, textTable, type ArchResult, type BuildResult } from './format.js';
import { benchRun, callgrindInstructions, perfWorks, type BenchRun, type Measured } from './measure.js';
import { median } from './stats.js';

const PTES = 1 << 19; // BENCH_PTES in examples/paravirt/src/main.c
const EXPECTED_CHECKSUM_ROUNDS = 1;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '9' },
    seconds: { type: 'string', default: '0.5' },
    arch: { type: 'string', default: ARCHES.join(',') },
    'no-callgrind': { type: 'boolean', default: false },
    novec: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const targetSeconds = Number(values.seconds);
const arches = values.arch.split(',') as Arch[];
if (!Number.isInteger(runs) || runs < 1 || !(targetSeconds > 0) || arches.some((a) => !ARCHES.includes(a))) {
  console.error('usage: bench.ts [--runs N>=1] [--seconds S>0] [--arch x86_64,i386] [--no-callgrind] [--novec]');
  process.exit(2);
}
process.chdir(fileURLToPath(new URL('../..', import.meta.url)));

const log = (line: string) => console.log(line);

/** Rounds that make one run of BUILD take about targetSeconds (from a short warm-up run). */
function calibrate(build: Build): number {
  benchRun(build.file, 2); // first run: page faults on the 4 MiB table, cold caches
  const probe = 8;
  const perRound = benchRun(build.file, probe).seconds / probe;
  return Math.max(1, Math.round(targetSeconds / perRound));
}

/** All builds print the same checksum (examples/paravirt/expected/bench-1.out); a wrong patch shows here. */
function checkSameOutput(builds: Build[]): void {
  const outputs = builds.map((b) => benchRun(b.file, EXPECTED_CHECKSUM_ROUNDS).stdout);
  const bad = builds.filter((_, i) => outputs[i] !== outputs[0]);
  if (bad.length) throw new Error(`these builds print another checksum than ${builds[0]!.name}: ${bad.map((b) => b.name).join(', ')}`);
}

function measureArch(arch: Arch, builds: Build[]): ArchResult {
  checkSameOutput(builds);
  const rounds = builds.map(calibrate);
  const perf = perfWorks(builds[0]!.file);
  if (!perf.ok) log(`  CPU time and cycles: ${perf.why}`);
  const samples = builds.map(() => [] as BenchRun[]);
  // Interleaved, and each pass starts at another build, so that drift in the machine's load is shared.
  for (let run = 0; run < runs; run++) {
    for (let k = 0; k < builds.length; k++) {
      const i = (run + k) % builds.length;
      samples[i]!.push(benchRun(builds[i]!.file, rounds[i]!, perf.ok));
    }
  }
  const cyclesWhy = samples[0]!.map((s) => s.cycles).find((c) => !c.ok);
  if (perf.ok && cyclesWhy && !cyclesWhy.ok) log(`  cycles: ${cyclesWhy.why}`);

  const instructions: Measured[] = builds.map((b) => {
    if (values['no-callgrind']) return { ok: false, why: '--no-callgrind' };
    const one = callgrindInstructions(b.file, 1);
    const zero = callgrindInstructions(b.file, 0);
    if (!one.ok) return one;
    if (!zero.ok) return zero;
    return { ok: true, value: (one.value - zero.value) / PTES };
  });
  const failed = instructions.find((m) => !m.ok);
  if (failed && !failed.ok && !values['no-callgrind']) log(`  instructions: ${failed.why}`);

  const results: BuildResult[] = builds.map((build, i) => {
    const perPteNs = (seconds: number) => (seconds / (rounds[i]! * PTES)) * 1e9;
    const medianOf = (pick: (r: BenchRun) => Measured, scale: (x: number) => number): Measured => {
      const got = samples[i]!.map(pick);
      const bad = got.find((m) => !m.ok);
      return bad ?? { ok: true, value: scale(median(got.map((m) => (m.ok ? m.value : NaN)))) };
    };
    const wall = samples[i]!.map((s) => s.seconds);
    return {
      build,
      rounds: rounds[i]!,
      nsMedian: perPteNs(median(wall)),
      nsMin: perPteNs(Math.min(...wall)),
      cpuNs: medianOf((s) => s.cpuSeconds, perPteNs),
      cycles: medianOf((s) => s.cycles, (c) => c / (rounds[i]! * PTES)),
      instructions: instructions[i]!,
    };
  });
  return { arch, runs, builds: results };
}

const command = `npx tsx bench/paravirt/bench.ts ${process.argv.slice(2).join(' ')}`.trim();
log(`paravirt benchmark: ${command}`);
const host = machine();
log(`machine: ${host}`);
const results: ArchResult[] = [];
for (const arch of arches) {
  log(`\n== ${arch}`);
  const builds = await makeBuilds(arch, (l) => log(`  ${l}`), values.novec);
  const r = measureArch(arch, builds);
  results.push(r);
  log(`  ${runs} interleaved runs per build, N rounds each (chosen for ~${targetSeconds} s per run); per pte per round:`);
  log(textTable(r).replace(/^/gm, '  '));
}
log('\nMarkdown (README):\n');
log(markdownTable(results, runs));
log(`\nMachine: ${host}. Command: \`${command}\`.`);
