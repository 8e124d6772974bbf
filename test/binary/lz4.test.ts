// Our LZ4 legacy-frame decoder against the reference implementation: data compressed by the lz4 CLI
// (`lz4 -l`, the format Linux uses for kernel payloads) must decode to the original bytes.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/diag/diagnostic.js';
import { LZ4_LEGACY_MAGIC, decompressLz4Legacy } from '../../src/binary/lz4.js';
import { run } from './fixtures.js';

function lz4Legacy(data: Uint8Array, level = '-1'): Uint8Array {
  return new Uint8Array(run('lz4', ['-l', level, '-c'], data));
}

/** Compressible data: runs, repeats at various distances, and random bytes. */
const compressible = fc
  .array(
    fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 40 }),
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 300 })).map(([b, n]) => new Uint8Array(n).fill(b)),
      fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 80 })).map(([p, n]) => {
        const out = new Uint8Array(p.length * n);
        for (let i = 0; i < n; i++) out.set(p, i * p.length);
        return out;
      }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => Buffer.concat(parts));

describe('LZ4 legacy frame decoder', () => {
  it('decodes what `lz4 -l` compressed (property, levels 1 and 9)', () => {
    fc.assert(
      fc.property(compressible, fc.constantFrom('-1', '-9'), (data, level) => {
        const r = decompressLz4Legacy(lz4Legacy(data, level));
        expect(Buffer.from(r.data).equals(Buffer.from(data))).toBe(true);
      }),
      { numRuns: 30, seed: 42 },
    );
  });

  it('decodes a multi-block frame (> 8 MiB) and stops before trailing data', () => {
    // 9 MiB + a bit: two blocks. A cheap PRNG keeps it partly incompressible.
    const n = 9 * 1024 * 1024 + 12345;
    const data = new Uint8Array(n);
    let x = 12345;
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      data[i] = i % 1024 < 512 ? x >>> 24 : i & 0xff;
    }
    const packed = lz4Legacy(data);
    // As in a kernel payload: the decompressed size, then unrelated bytes.
    const tail = new Uint8Array([...new Uint8Array(new Uint32Array([n]).buffer), 0xde, 0xad, 0xbe, 0xef, 1, 2, 3]);
    const withTail = new Uint8Array(packed.length + tail.length + 7);
    withTail.set(packed, 7);
    withTail.set(tail, 7 + packed.length);
    const r = decompressLz4Legacy(withTail, 7);
    expect(r.blocks).toBe(2);
    expect(r.consumed).toBe(packed.length);
    expect(Buffer.from(r.data).equals(Buffer.from(data))).toBe(true);
  });

  it('rejects corrupt blocks with an InputError at an offset, and never throws anything else', () => {
    const good = lz4Legacy(new TextEncoder().encode('abcabcabcabcabcabc hello hello hello hello '.repeat(50)));
    fc.assert(
      fc.property(fc.integer({ min: 8, max: good.length - 1 }), fc.integer({ min: 0, max: 255 }), (pos, byte) => {
        const d = good.slice();
        d[pos] = byte;
        try {
          decompressLz4Legacy(d, 0, { fileName: 'c.lz4' });
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          expect(e.at?.offset).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 200, seed: 7 },
    );
    // A match reaching before the start of the block.
    const bad = new Uint8Array([0x02, 0x21, 0x4c, 0x18, 4, 0, 0, 0, 0x10, 0x41, 0x05, 0x00]);
    expect(() => decompressLz4Legacy(bad)).toThrow(/before the start/);
  });

  it('requires the magic, and honours the output limit', () => {
    expect(() => decompressLz4Legacy(new Uint8Array([1, 2, 3, 4, 5]))).toThrow(InputError);
    const zeros = lz4Legacy(new Uint8Array(1 << 20));
    expect(() => decompressLz4Legacy(zeros, 0, { maxOutput: 1000 })).toThrow(/output limit/);
    expect(new DataView(zeros.buffer).getUint32(0, true)).toBe(LZ4_LEGACY_MAGIC);
  });
});
