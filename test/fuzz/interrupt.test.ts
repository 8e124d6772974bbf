// Atomic writes when interrupted: `patchc apply` on a large synthetic ELF (bench/apply/make-elf.ts) gets
// SIGINT or SIGTERM at several moments (while loading, while patching, while its temporary file exists,
// just after). Afterwards the output path holds the previous complete file or the whole new one, never a
// mix; no temporary file is left; the input is unchanged. Spawned on the sources (patchc-src.ts via tsx),
// so no build of dist/ is needed.
import { spawn } from 'node:child_process';
import { type FSWatcher, mkdirSync, mkdtempSync, readdirSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSitesElf, RULES } from '../../bench/apply/make-elf.js';
import { repoRoot, sha256 } from './harness.js';

const SITES = 150_000;
const LAUNCHER = join(repoRoot, 'test/fuzz/patchc-src.ts');

let root: string;
let input: string;
let rules: string;
let inputSha: string;
let newSha: string;
let baselineMs: number;

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  /** Whether the temporary file was seen before the signal was sent. */
  sawTemp: boolean;
  sent: boolean;
  stderr: string;
}

type Moment = { kind: 'at'; ms: number } | { kind: 'temp'; afterMs: number } | { kind: 'never' };

/** Runs apply into dir/out.elf, sending `signal` at `moment`. */
function run(dir: string, signal: NodeJS.Signals, moment: Moment): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', LAUNCHER, 'apply', '--rules', rules, input, '-o', join(dir, 'out.elf')], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    let sawTemp = false;
    let sent = false;
    let done = false;
    const send = (): void => {
      if (!done && !sent) sent = child.kill(signal);
    };
    if (moment.kind === 'at') setTimeout(send, moment.ms);
    let watcher: FSWatcher | undefined;
    if (moment.kind === 'temp') {
      // inotify, not polling: a polling loop would take the CPU the child needs on a 2-core machine.
      watcher = watch(dir, (_event, name) => {
        if (done || sent || sawTemp || !name?.endsWith('.tmp')) return;
        sawTemp = true;
        if (moment.afterMs === 0) send();
        else setTimeout(send, moment.afterMs);
      });
    }
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      done = true;
      watcher?.close();
      resolve({ code, signal: sig, ms: performance.now() - t0, sawTemp, sent, stderr });
    });
  });
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'patchc-fuzz-intr-'));
  mkdirSync(join(root, 'build'));
  input = makeSitesElf(join(root, 'build'), SITES);
  rules = join(root, 'build', 'sites.rules');
  writeFileSync(rules, RULES);
  inputSha = sha256(input);
}, 120_000);
afterAll(() => root && rmSync(root, { recursive: true, force: true }));

function caseDir(name: string): { dir: string; prevSha: string } {
  const dir = join(root, name);
  mkdirSync(dir);
  // A previous complete output: an interrupted run must leave it intact (or replace it entirely).
  writeFileSync(join(dir, 'out.elf'), Buffer.concat([Buffer.from('PREVIOUS OUTPUT\n'), Buffer.alloc(4096, 0x5a)]));
  return { dir, prevSha: sha256(join(dir, 'out.elf')) };
}

describe('apply interrupted by SIGINT / SIGTERM', () => {
  it('uninterrupted: the baseline output', async () => {
    const { dir } = caseDir('baseline');
    const r = await run(dir, 'SIGINT', { kind: 'never' });
    expect(r.code, r.stderr).toBe(0);
    newSha = sha256(join(dir, 'out.elf'));
    baselineMs = r.ms;
    expect(readdirSync(dir)).toEqual(['out.elf']);
  }, 60_000);

  const scenarios: [string, NodeJS.Signals, () => Moment][] = [
    ['SIGINT while starting up', 'SIGINT', () => ({ kind: 'at', ms: 150 })],
    ['SIGTERM while patching', 'SIGTERM', () => ({ kind: 'at', ms: Math.round(baselineMs * 0.6) })],
    ['SIGINT as the temporary file appears', 'SIGINT', () => ({ kind: 'temp', afterMs: 0 })],
    ['SIGTERM as the temporary file appears', 'SIGTERM', () => ({ kind: 'temp', afterMs: 0 })],
    ['SIGINT 10 ms into the write', 'SIGINT', () => ({ kind: 'temp', afterMs: 10 })],
  ];
  const results: Outcome[] = [];

  it.each(scenarios)('%s: previous file intact or fully replaced, no temp file left', async (name, signal, moment) => {
    expect(newSha, 'baseline ran').toBeDefined();
    const { dir, prevSha } = caseDir(name.replace(/\W+/g, '-'));
    const r = await run(dir, signal, moment());
    results.push(r);
    const outSha = sha256(join(dir, 'out.elf'));
    expect([prevSha, newSha], `output is neither the previous nor the new file (exit ${r.code}, ${r.signal})`).toContain(outSha);
    expect(readdirSync(dir).filter((n) => n !== 'out.elf'), 'files left beside the output').toEqual([]);
    expect(sha256(input)).toBe(inputSha);
    const expectedCode = signal === 'SIGINT' ? 130 : 143;
    if (r.code === 0) expect(outSha).toBe(newSha);
    else if (r.code !== null) expect(r.code, r.stderr).toBe(expectedCode);
    else expect(r.signal).toBe(signal); // no temporary file existed at that moment: Node's default action
    if (r.code === expectedCode) expect(outSha, 'exited by the cleanup handler, so before the rename').toBe(prevSha);
  }, 60_000);

  it('at least one signal landed while the temporary file existed (the cleanup path ran)', () => {
    const inWrite = results.filter((r) => r.sawTemp && r.sent && (r.code === 130 || r.code === 143));
    expect(inWrite.length, JSON.stringify(results.map(({ stderr: _s, ...r }) => r))).toBeGreaterThan(0);
  });
});
