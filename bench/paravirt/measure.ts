// Measurements of an example binary's benchmark modes (`--fault N`, `--bench N`): the program's own loop time; CPU time and cycles
// from `perf stat` (where perf runs; cycles only where the machine exposes a PMU); executed instructions
// from callgrind.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Measured = { ok: true; value: number } | { ok: false; why: string };

/** One `FLAG N` run: the stdout line (checksum), the loop's wall time, and perf's counters if asked. */
export interface BenchRun {
  stdout: string;
  /** The time the program prints on stderr ("bench: 0.5 s"): CLOCK_MONOTONIC around the loops only. */
  seconds: number;
  /** perf's task-clock: CPU time of the whole process, so time spent waiting for a CPU is not in it. */
  cpuSeconds: Measured;
  cycles: Measured;
}

const notAsked: Measured = { ok: false, why: 'not measured' };

/** A counter from perf's CSV output ("123,,cycles,..." or "<not supported>,,cycles,..." in a VM). */
function perfValue(csv: string, event: string): Measured {
  const line = csv.split('\n').find((l) => l.split(',')[2]?.startsWith(event));
  const value = line?.split(',')[0] ?? '';
  if (!/^[0-9.]+$/.test(value)) return { ok: false, why: `perf: ${event} ${value || 'missing'}${event === 'cycles' ? ' (no hardware counters here; a VM?)' : ''}` };
  return { ok: true, value: Number(value) };
}

/**
 * Runs FILE FLAG N (FLAG: the workload's option, e.g. --fault), under `perf stat -e task-clock,cycles -x,`
 * when withPerf (perf writes its CSV to a file of its own, so that it does not mix with the program's stderr).
 */
export function benchRun(file: string, flag: string, rounds: number, withPerf = false): BenchRun {
  const dir = withPerf ? mkdtempSync(join(tmpdir(), 'patchc-bench-perf-')) : undefined;
  try {
    const csv = dir ? join(dir, 'perf.csv') : '';
    const r = dir
      ? spawnSync('perf', ['stat', '-e', 'task-clock,cycles', '-x,', '-o', csv, '--', file, flag, String(rounds)], { encoding: 'utf8' })
      : spawnSync(file, [flag, String(rounds)], { encoding: 'utf8' });
    if (r.error) throw r.error;
    const m = /bench: ([0-9.]+) s/.exec(r.stderr);
    if (r.status !== 0 || !m) throw new Error(`${file} ${flag} ${rounds} failed (status ${r.status}): ${r.stderr}`);
    const text = dir ? readFileSync(csv, 'utf8') : '';
    const clock = dir ? perfValue(text, 'task-clock') : notAsked; // msec
    return {
      stdout: r.stdout,
      seconds: Number(m[1]),
      cpuSeconds: clock.ok ? { ok: true, value: clock.value / 1e3 } : clock,
      cycles: dir ? perfValue(text, 'cycles') : notAsked,
    };
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether `perf stat` runs here at all (it may be missing, or forbidden by perf_event_paranoid). */
export function perfWorks(file: string): Measured {
  if (spawnSync('perf', ['--version']).error) return { ok: false, why: 'perf not found (Debian: apt-get install linux-perf)' };
  try {
    return benchRun(file, '--bench', 0, true).cpuSeconds;
  } catch (e) {
    return { ok: false, why: `perf stat failed: ${(e as Error).message.split('\n')[0]}` };
  }
}

/** Executed instructions (callgrind's Ir) of FILE FLAG N: deterministic; every executed NOP counts as one. */
export function callgrindInstructions(file: string, flag: string, rounds: number): Measured {
  const r = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', file, flag, String(rounds)], { encoding: 'utf8' });
  if (r.error) return { ok: false, why: 'valgrind not found (Debian: apt-get install valgrind)' };
  const m = /Collected : (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) return { ok: false, why: `valgrind failed: ${r.stderr.trim().split('\n').slice(-1)[0]}` };
  return { ok: true, value: Number(m[1]) };
}
