// Helpers for the tests of examples/paravirt: patchc's CLI run in-process, and the example programs run.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const EXAMPLE = join(ROOT, 'examples/paravirt');
export const ARCHES = ['x86_64', 'i386'] as const;
export type Arch = (typeof ARCHES)[number];
export const DEMO_RULES = join(EXAMPLE, 'paravirt-demo.rules');
export const INLINE_STORE_RULES = join(EXAMPLE, 'paravirt-inline-store.rules');
export const bin = (name: string) => join(EXAMPLE, 'bin', name);
export const expected = (name: 'demo.out' | 'bench-1.out' | 'fault-1.out') => readFileSync(join(EXAMPLE, 'expected', name), 'utf8');

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** `patchc ARGS`, in-process (the CLI's own entry point, not a child process: no build step, no tsx start-up). */
export async function patchc(args: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

export interface SiteReport {
  address: string;
  op: string;
  rule: string | null;
  outcome: 'patched' | 'already-applied' | 'refused';
  reason: string | null;
}
export interface Report {
  summary: { sites: number; outcomes: Record<'patched' | 'already-applied' | 'refused', number> };
  sites: SiteReport[];
}

/** Patches INPUT into OUTPUT with `patchc apply` and returns the JSON report; throws when patchc fails. */
export async function apply(rules: string, input: string, output: string): Promise<Report> {
  const reportFile = `${output}.report.json`;
  const r = await patchc(['apply', '--rules', rules, input, '-o', output, '--report', reportFile]);
  if (r.code !== 0) throw new Error(`patchc apply ${input} exited with ${r.code}:\n${r.err}`);
  return JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
}

/** The example binaries are static x86 Linux programs (i386 ones run on x86_64 kernels with IA-32 emulation). */
export const CAN_RUN = process.platform === 'linux' && process.arch === 'x64';

export interface ProgramRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
}

export function runProgram(file: string, args: string[] = []): ProgramRun {
  const r = spawnSync(file, args, { encoding: 'utf8', timeout: 20_000 });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout };
}
