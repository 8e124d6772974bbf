// writeFileAtomicStream: contents given in pieces reach the target whole and in order, or the target is
// left as it was; no temporary file survives a source that throws or a rename that fails after the last
// piece. Devices, FIFOs and /proc/self/fd links to pipes are written to, never replaced.
import { execFileSync, spawn } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomicStream } from '../../src/binary/atomicWrite.js';
import { InputError } from '../../src/diag/diagnostic.js';
import { makeTempDir, repoRoot } from './fixtures.js';

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir, cleanup } = makeTempDir('patchc-atomic-stream-'));
});
afterAll(() => cleanup?.());

const temps = (d: string): string[] => readdirSync(d).filter((n) => n.endsWith('.tmp'));

/** Pieces of text (some not ASCII) and bytes, with their concatenation as the expected file. */
function pieces(n: number): { chunks: (string | Uint8Array)[]; expected: Buffer } {
  const chunks: (string | Uint8Array)[] = [];
  for (let i = 0; i < n; i++) chunks.push(i % 3 === 2 ? new Uint8Array([i & 0xff, 0, 0xff]) : `piece ${i} é€𝄞\n`.repeat(i % 7));
  return { chunks, expected: Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c))) };
}

describe('writeFileAtomicStream', () => {
  it('writes the pieces of a sync or async source in order, as UTF-8 for strings', async () => {
    const { chunks, expected } = pieces(5000);
    const f = path.join(dir, 'sync.txt');
    await writeFileAtomicStream(f, chunks);
    expect(readFileSync(f).equals(expected)).toBe(true);
    const g = path.join(dir, 'async.txt');
    await writeFileAtomicStream(
      g,
      (async function* () {
        for (const c of chunks) yield c;
      })(),
    );
    expect(readFileSync(g).equals(expected)).toBe(true);
    expect(temps(dir)).toEqual([]);
  });

  it('a source that throws mid-way: its own error, the old file intact, no temporary file', async () => {
    const f = path.join(dir, 'keep.txt');
    writeFileSync(f, 'old contents');
    const bug = new TypeError('report bug');
    const failing = function* () {
      for (let i = 0; i < 100; i++) yield 'x'.repeat(65536);
      throw bug;
    };
    await expect(writeFileAtomicStream(f, failing())).rejects.toBe(bug);
    expect(readFileSync(f, 'utf8')).toBe('old contents');
    await expect(writeFileAtomicStream(path.join(dir, 'never.txt'), failing())).rejects.toBe(bug);
    expect(readdirSync(dir)).not.toContain('never.txt');
    expect(temps(dir)).toEqual([]);
  });

  it('rename fails after the last piece (the target became a directory): InputError, no temporary file', async () => {
    const f = path.join(dir, 'late');
    const source = function* () {
      for (let i = 0; i < 50; i++) yield 'y'.repeat(65536);
      mkdirSync(f);
      writeFileSync(path.join(f, 'inside'), 'z');
    };
    await expect(writeFileAtomicStream(f, source())).rejects.toThrow(InputError);
    expect(readdirSync(f)).toEqual(['inside']);
    expect(temps(dir)).toEqual([]);
  });

  it('a FIFO is written to, and stays a FIFO', async () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    const got: Buffer[] = [];
    reader.stdout.on('data', (d: Buffer) => got.push(d));
    const closed = new Promise((resolve) => reader.on('close', resolve));
    const { chunks, expected } = pieces(300);
    await writeFileAtomicStream(fifo, chunks);
    await closed;
    expect(Buffer.concat(got).equals(expected)).toBe(true);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(temps(dir)).toEqual([]);
  });

  // /dev/stdout is a link to /proc/self/fd/1, whose link text for a pipe ('pipe:[N]') names no file:
  // realpath fails with ENOENT though the path exists. (The path here is /proc/self/fd/1 itself: were it
  // taken for a missing file, the temporary file could not be made in /proc, where /dev would let it be
  // renamed over /dev/stdout.)
  it('/proc/self/fd/1 on a pipe is written to', async () => {
    const script = `import { writeFileAtomicStream } from ${JSON.stringify(path.join(repoRoot, 'src/binary/atomicWrite.ts'))};
await writeFileAtomicStream('/proc/self/fd/1', ['one ', new TextEncoder().encode('two '), 'three\\n']);`;
    // Through `| cat`: Node's own stdio 'pipe' is a socket, which /proc/self/fd cannot reopen (ENXIO).
    const child = spawn('sh', ['-c', '"$NODE" --import tsx --input-type=module -e "$SCRIPT" | cat'], {
      cwd: repoRoot,
      env: { ...process.env, NODE: process.execPath, SCRIPT: script },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toBe('one two three\n');
  }, 20_000);
});
