// bzImage extraction on synthetic images: a real ELF (built by ld) compressed by the reference tools
// (lz4 -l, gzip, xz, zstd), wrapped in a fake setup header, followed by other data.

import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/diag/diagnostic.js';
import { extractVmlinux, loadKernelOrElf, readBzImageHeader } from '../../src/binary/vmlinuz.js';
import { buildFixtures, readBytes, readelfSections, run, type Fixtures } from './fixtures.js';

let fx: Fixtures;
let elfBytes: Uint8Array;
beforeAll(() => {
  fx = buildFixtures();
  elfBytes = readBytes(fx.elf64exec);
});
afterAll(() => fx?.cleanup());

const COMPRESSORS = {
  'lz4-legacy': ['lz4', '-l', '-9', '-c'],
  gzip: ['gzip', '-9', '-n', '-c'],
  xz: ['xz', '--check=crc32', '-c'],
  zstd: ['zstd', '-q', '-19', '-c'],
} as const;

/**
 * A bzImage-shaped file: setup sectors with a boot protocol 2.15 header, then "decompressor code"
 * (random-ish bytes), then the payload, then the size Linux appends and more unrelated bytes.
 */
function fakeBzImage(payload: Uint8Array, withHeader: boolean, decoy?: Uint8Array): Uint8Array {
  const setupSects = 3;
  const pm = (setupSects + 1) * 512;
  const code = new Uint8Array(300).map((_, i) => (i * 37 + 11) & 0xff);
  const before = decoy ? new Uint8Array([...code, ...decoy, ...code]) : code;
  const out = new Uint8Array(pm + before.length + payload.length + 4 + 64);
  const v = new DataView(out.buffer);
  if (withHeader) {
    out[0x1f1] = setupSects;
    out.set([0x48, 0x64, 0x72, 0x53], 0x202); // "HdrS"
    v.setUint16(0x206, 0x20f, true);
    v.setUint32(0x248, before.length, true);
    v.setUint32(0x24c, payload.length + 4, true);
  }
  out.set(before, pm);
  out.set(payload, pm + before.length);
  v.setUint32(pm + before.length + payload.length, elfBytes.length, true);
  out.fill(0xa5, pm + before.length + payload.length + 4);
  return out;
}

describe.each(Object.keys(COMPRESSORS) as (keyof typeof COMPRESSORS)[])('bzImage with %s payload', (format) => {
  let payload: Uint8Array;
  beforeAll(() => {
    const [cmd, ...args] = COMPRESSORS[format];
    // Trailing data after the ELF, as the x86 relocation table follows vmlinux in the real payload.
    payload = new Uint8Array(run(cmd, args, Buffer.concat([elfBytes, Buffer.alloc(100, 0x77)])));
  });

  it('found through the setup header', async () => {
    const img = fakeBzImage(payload, true);
    expect(readBzImageHeader(img)?.payload).toEqual({ offset: 4 * 512 + 300, length: payload.length + 4 });
    const k = await extractVmlinux(img, 'bz');
    expect(k.compression).toBe(format);
    expect(k.locatedBy).toBe('setup-header');
    expect(k.payloadOffset).toBe(4 * 512 + 300);
    expect(Buffer.from(k.elf.data.subarray(0, k.elf.extent)).equals(Buffer.from(elfBytes))).toBe(true);
    expect(k.elf.data.length).toBe(elfBytes.length + 100);
    // A copy made with slice() is a copy (a Node Buffer's would be a view, and the patcher's output copy
    // would write into the input).
    const copy = k.elf.data.slice();
    copy[0] = 0;
    expect(k.elf.data[0]).toBe(0x7f);
  });

  it('found by scanning for magics when there is no setup header, past a decoy', async () => {
    const decoy = format === 'gzip' ? new Uint8Array([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff]) : new Uint8Array([0x02, 0x21, 0x4c, 0x18, 9, 0, 0, 0, 1, 2]);
    const k = await extractVmlinux(fakeBzImage(payload, false, decoy), 'bz');
    expect(k.compression).toBe(format);
    expect(k.locatedBy).toBe('magic-scan');
    expect(k.elf.sections.map((s) => s.name)).toEqual(readelfSections(fx.elf64exec).map((s) => s.name));
  });
});

describe('loadKernelOrElf', () => {
  it('reads an ELF as is and a bzImage through extraction', async () => {
    const plain = await loadKernelOrElf(fx.elf64exec);
    expect(plain.container).toBe('elf');
    const bz = path.join(fx.scratch, 'vmlinuz-fake');
    writeFileSync(bz, fakeBzImage(new Uint8Array(run('lz4', ['-l', '-c'], elfBytes)), true));
    const k = await loadKernelOrElf(bz);
    expect(k.container).toBe('bzImage');
    expect(k.kernel?.compression).toBe('lz4-legacy');
    expect(k.elf.sections.length).toBe(plain.elf.sections.length);
  });

  it('a file with no kernel in it is an InputError listing what was tried', async () => {
    const img = fakeBzImage(new Uint8Array([0x02, 0x21, 0x4c, 0x18, 5, 0, 0, 0, 0x50, 1, 2, 3, 4]), true);
    const e = await extractVmlinux(img, 'bz').then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).message).toMatch(/no compressed ELF kernel found in bz; tried: lz4-legacy at 0x92c/);
    await expect(loadKernelOrElf(path.join(fx.scratch, 'does-not-exist'))).rejects.toThrow(InputError);
  });
});

describe('corrupt bzImages', () => {
  it('random damage to an LZ4 payload ends in an InputError or a parsed ELF, never anything else', async () => {
    const payload = new Uint8Array(run('lz4', ['-l', '-c'], elfBytes));
    const img = fakeBzImage(payload, true);
    const start = 4 * 512 + 300;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(payload.length + 3), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), async (muts) => {
        const d = img.slice();
        for (const [pos, b] of muts) d[start + pos] = b;
        try {
          const k = await extractVmlinux(d, 'fuzz');
          expect(k.elf.sections.length).toBeGreaterThanOrEqual(0);
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
        }
      }),
      { numRuns: 150, seed: 3 },
    );
  });
});
