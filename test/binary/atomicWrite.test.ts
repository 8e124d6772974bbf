// writeFileAtomic: the target gets the whole new contents or is left alone; no temporary file survives.

import { chmodSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/diag/diagnostic.js';
import { writeFileAtomic } from '../../src/binary/atomicWrite.js';
import { makeTempDir } from './fixtures.js';

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir, cleanup } = makeTempDir('patchc-atomic-'));
});
afterAll(() => cleanup?.());

const temps = (d: string): string[] => readdirSync(d).filter((n) => n.endsWith('.tmp'));

describe('writeFileAtomic', () => {
  it('creates and replaces files, keeping the replaced file\'s mode', async () => {
    const f = path.join(dir, 'out.bin');
    await writeFileAtomic(f, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(f)]).toEqual([1, 2, 3]);
    chmodSync(f, 0o751);
    const inodeBefore = statSync(f).ino;
    await writeFileAtomic(f, new Uint8Array([4, 5]));
    expect([...readFileSync(f)]).toEqual([4, 5]);
    expect(statSync(f).mode & 0o777).toBe(0o751);
    // Replaced by rename, not rewritten in place: anyone holding the old file keeps the old bytes.
    expect(statSync(f).ino).not.toBe(inodeBefore);
    await writeFileAtomic(f, new Uint8Array([6]), { mode: 0o600 });
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(temps(dir)).toEqual([]);
  });

  it('writes through a symlink to its target', async () => {
    const real = path.join(dir, 'real');
    const link = path.join(dir, 'link');
    writeFileSync(real, 'old');
    symlinkSync(real, link);
    await writeFileAtomic(link, new TextEncoder().encode('new'));
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe('new');
  });

  it('on failure (rename onto a directory) throws InputError, leaves no temp file and the target intact', async () => {
    const sub = path.join(dir, 'victim');
    mkdirSync(sub);
    writeFileSync(path.join(sub, 'keep'), 'x');
    await expect(writeFileAtomic(sub, new Uint8Array(1000))).rejects.toThrow(InputError);
    expect(temps(dir)).toEqual([]);
    expect(readdirSync(sub)).toEqual(['keep']);
  });

  it('on failure (missing directory) throws InputError', async () => {
    await expect(writeFileAtomic(path.join(dir, 'no', 'such', 'file'), new Uint8Array(1))).rejects.toThrow(InputError);
    expect(temps(dir)).toEqual([]);
  });
});
