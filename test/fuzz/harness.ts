// Shared by the fuzz tests (test/fuzz/*.test.ts, fixed seed, bounded counts) and scripts/fuzz/run.ts
// (the same properties, longer): running the CLI in-process, per-case temporary folders, statistics.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface CliRun {
  code: number;
  out: string;
  err: string;
  ms: number;
  /** Set when main() threw: an escape is a crash, whatever it was. */
  thrown?: unknown;
}

/** Runs `main(argv)` with captured output; never throws. */
export async function cli(argv: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const t0 = performance.now();
  try {
    const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
    return { code, out, err, ms: performance.now() - t0 };
  } catch (e) {
    return { code: -1, out, err, ms: performance.now() - t0, thrown: e };
  }
}

export function describeThrown(e: unknown): string {
  return e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`).split('\n').slice(0, 6).join('\n') : String(e);
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Every file name under dir (recursively), relative. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const r = rel ? `${rel}/${n}` : n;
      if (statSync(p).isDirectory()) walk(p, r);
      else out.push(r);
    }
  };
  walk(dir, '');
  return out;
}

/** Temporary files writeFileAtomic would leave behind: `.NAME.PID.HEX.tmp`. */
export function strayTemps(dir: string): string[] {
  return existsSync(dir) ? listFiles(dir).filter((f) => /(^|\/)\..*\.tmp$/.test(f)) : [];
}

/** One scratch folder per fuzz run, one sub-folder per case (removed after the case). */
export class Scratch {
  readonly root: string;
  private n = 0;
  constructor(prefix: string) {
    this.root = mkdtempSync(join(tmpdir(), prefix));
  }
  caseDir(): string {
    const d = join(this.root, `c${this.n++}`);
    mkdirSync(d);
    return d;
  }
  done(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
  }
  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Per input kind: cases run, failures, and the slowest single input. */
export class Stats {
  readonly kinds = new Map<string, { cases: number; failures: number; maxMs: number; slowest: string; firstFailures: string[] }>();
  record(kind: string, ms: number, what: string, failure?: string): void {
    let k = this.kinds.get(kind);
    if (!k) this.kinds.set(kind, (k = { cases: 0, failures: 0, maxMs: 0, slowest: '', firstFailures: [] }));
    k.cases++;
    if (ms > k.maxMs) ((k.maxMs = ms), (k.slowest = what));
    if (failure) {
      k.failures++;
      if (k.firstFailures.length < 5) k.firstFailures.push(`${what}: ${failure}`);
    }
  }
  table(): string {
    const rows = [...this.kinds].map(([kind, k]) => `  ${kind.padEnd(22)} ${String(k.cases).padStart(7)} cases  ${String(k.failures).padStart(4)} failures  longest ${k.maxMs.toFixed(0).padStart(6)} ms  (${k.slowest.slice(0, 90)})`);
    return rows.join('\n');
  }
}

/** A description of an input short enough for a test name or a log line. */
export function short(s: string, n = 160): string {
  const flat = JSON.stringify(s);
  return flat.length > n ? `${flat.slice(0, n)}…(${s.length} chars)` : flat;
}
