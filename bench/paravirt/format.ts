// Text and Markdown output of the paravirt benchmark, and a description of the machine it ran on.
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, release } from 'node:os';
import type { Arch, Build } from './builds.js';
import type { Measured } from './measure.js';
import type { Workload } from './workloads.js';
import { overheadRemoved, ratio } from './stats.js';

/** Everything measured for one build on one architecture; times and counts are per unit (page, pte) per round. */
export interface BuildResult {
  build: Build;
  rounds: number;
  nsMedian: number;
  nsMin: number;
  cpuNs: Measured;
  cycles: Measured;
  instructions: Measured;
}

export interface ArchResult {
  arch: Arch;
  workload: Workload;
  runs: number;
  builds: BuildResult[];
}

export function machine(): string {
  let cpu = 'unknown CPU';
  try {
    cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    // not Linux: keep "unknown"
  }
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  return `${availableParallelism()} CPUs (nproc), ${cpu}, Linux ${release()}, load average at start ${load}`;
}

const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '-');
const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : '-');
const value = (m: Measured, digits: number) => (m.ok ? fixed(m.value, digits) : '-');

function find(r: ArchResult, name: Build['name']): BuildResult | undefined {
  return r.builds.find((b) => b.build.name === name);
}

/** The overhead-removed shares of one patched build, for time, cycles and instructions. */
export function removed(r: ArchResult, name: 'patched' | 'patched+store', baseline: 'native' | 'native-novec' = 'native') {
  const native = find(r, baseline);
  const indirect = find(r, 'indirect');
  const patched = find(r, name);
  if (!native || !indirect || !patched) return { time: NaN, cpu: NaN, cycles: NaN, instructions: NaN };
  const of = (pick: (b: BuildResult) => Measured) => {
    const [n, i, p] = [pick(native), pick(indirect), pick(patched)];
    return n.ok && i.ok && p.ok ? overheadRemoved(n.value, i.value, p.value) : NaN;
  };
  return {
    time: overheadRemoved(native.nsMedian, indirect.nsMedian, patched.nsMedian),
    cpu: of((b) => b.cpuNs),
    cycles: of((b) => b.cycles),
    instructions: of((b) => b.instructions),
  };
}

const timesNative = (r: ArchResult, b: BuildResult) => {
  const native = find(r, 'native');
  return fixed(native ? ratio(b.nsMedian, native.nsMedian) : NaN, 2);
};

export function textTable(r: ArchResult): string {
  const u = r.workload.unit;
  const lines = [
    `${'build'.padEnd(14)}${'N'.padStart(5)}  ${`wall ns/${u}`.padStart(12)}${'(min)'.padStart(8)}  ${'x native'.padStart(8)}  ${`CPU ns/${u}`.padStart(11)}  ${`cycles/${u}`.padStart(11)}  ${`instr/${u}`.padStart(10)}  rules`,
  ];
  for (const b of r.builds) {
    lines.push(
      `${b.build.name.padEnd(14)}${String(b.rounds).padStart(5)}  ${fixed(b.nsMedian, 2).padStart(12)}${`(${fixed(b.nsMin, 2)})`.padStart(8)}  ` +
        `${timesNative(r, b).padStart(8)}  ${value(b.cpuNs, 2).padStart(11)}  ${value(b.cycles, 2).padStart(11)}  ${value(b.instructions, 2).padStart(10)}  ${b.build.description}`,
    );
  }
  const others = r.builds.filter((b) => b.build.name !== 'native');
  lines.push(`overhead (wall) vs native: ${others.map((b) => `${b.build.name} ${timesNative(r, b)}x`).join(', ')}`);
  for (const name of ['patched', 'patched+store'] as const) {
    const s = removed(r, name);
    lines.push(`indirect overhead removed by ${name}: wall ${pct(s.time)}, CPU ${pct(s.cpu)}, cycles ${pct(s.cycles)}, instructions ${pct(s.instructions)}`);
  }
  // Against the scalar native build: how much of the gap is vectorisation, which no patch can bring.
  if (find(r, 'native-novec')) {
    for (const name of ['patched', 'patched+store'] as const) {
      const s = removed(r, name, 'native-novec');
      lines.push(`indirect overhead removed by ${name}, against native-novec: wall ${pct(s.time)}, CPU ${pct(s.cpu)}, instructions ${pct(s.instructions)}`);
    }
  }
  return lines.join('\n');
}

/** One table per workload (its unit heads the columns). */
export function markdownTable(results: readonly ArchResult[], runs: number): string {
  const u = results[0]?.workload.unit ?? 'unit';
  const head =
    `| arch | build | wall ns/${u}, median of ${runs} (min) | × native (wall) | CPU ns/${u} | cycles/${u} | instructions/${u} (callgrind) | indirect overhead removed: wall / CPU / instructions |\n` +
    '|---|---|---:|---:|---:|---:|---:|---:|';
  const rows: string[] = [];
  for (const r of results) {
    for (const b of r.builds) {
      const name = b.build.name;
      const s = name === 'patched' || name === 'patched+store' ? removed(r, name) : undefined;
      rows.push(
        `| ${r.arch} | ${name} | ${fixed(b.nsMedian, 2)} (${fixed(b.nsMin, 2)}) | ${timesNative(r, b)} | ${value(b.cpuNs, 2)} | ${value(b.cycles, 2)} | ` +
          `${value(b.instructions, 2)} | ${s ? `${pct(s.time)} / ${pct(s.cpu)} / ${pct(s.instructions)}` : ''} |`,
      );
    }
  }
  return [head, ...rows].join('\n');
}
