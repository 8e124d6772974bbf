// Reading kallsyms from a kernel image. The truth is Debian's real kernels in ../shared/linux/ (present
// in CI, skipped with a note on a fresh clone): decoded from the vmlinuz alone, kallsyms must be exactly
// the real System.map less what scripts/kallsyms.c leaves out (kallsymsRule.ts). Synthetic tables in
// each version's layout and encoding check the decoder on its own and give small tables to damage.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/diag/diagnostic.js';
import { parseElf } from '../../src/binary/elf/read.js';
import { findSection } from '../../src/binary/elf/layout.js';
import type { ElfFile } from '../../src/binary/elf/types.js';
import { readKallsyms, type Kallsyms } from '../../src/binary/kallsyms/read.js';
import { loadSymbols, loadSystemMap } from '../../src/binary/systemMap.js';
import type { SymbolEntry } from '../../src/binary/symbols.js';
import { loadKernelOrElf } from '../../src/binary/vmlinuz.js';
import { buildFixtures, readBytes, repoRoot } from './fixtures.js';
import { buildKallsymsElf, encodeKallsyms, RODATA_LEAD, synthSymbols, type SynthEncoding, type SynthLayout, type SynthSymbol, type SynthTables } from './kallsymsSynth.js';
import { expectedKallsyms, type KallsymsOptions } from './kallsymsRule.js';

interface Synth {
  symbols: SynthSymbol[];
  tables: SynthTables;
  elf: ElfFile;
  /** File offset of the blob. */
  base: number;
}

function synth(layout: SynthLayout, encoding: SynthEncoding, ptrSize: 4 | 8, count = 700): Synth {
  const symbols = synthSymbols(count, ptrSize, encoding === 'base-relative, absolute percpu');
  const tables = encodeKallsyms(symbols, layout, encoding, ptrSize);
  const data = buildKallsymsElf(tables.blob, ptrSize);
  const elf = parseElf(data, `synthetic-${layout}-${ptrSize * 8}`);
  return { symbols, tables, elf, base: findSection(elf, '.rodata')!.offset + RODATA_LEAD };
}

const plain = (s: SynthSymbol | SymbolEntry) => ({ name: s.name, kind: s.kind, address: s.address });

const variants: [SynthLayout, SynthEncoding, 4 | 8][] = [
  ['6.1', 'base-relative, absolute percpu', 8],
  ['6.12', 'base-relative, absolute percpu', 8],
  ['6.1', 'base-relative', 4],
  ['6.12', 'base-relative', 8],
  ['6.1-noseqs', 'base-relative', 8],
  ['6.1-noseqs', 'absolute', 4],
  ['6.1', 'absolute', 8],
];

describe('kallsyms: synthetic tables, every layout and address encoding', () => {
  for (const [layout, encoding, ptr] of variants) {
    it(`${layout}, ${encoding}, ${ptr * 8}-bit: every symbol, type and address, and where each table is`, () => {
      const s = synth(layout, encoding, ptr);
      const k = readKallsyms(s.elf)!;
      expect(k).toBeDefined();
      expect(k.encoding).toBe(encoding);
      expect(k.symbols.map(plain)).toEqual(s.symbols.map(plain));
      const at = s.tables.at;
      expect(k.tables).toEqual({
        tokenTable: s.base + at.tokenTable,
        tokenIndex: s.base + at.tokenIndex,
        numSyms: s.base + at.numSyms,
        names: s.base + at.names,
        markers: s.base + at.markers,
        addresses: s.base + at.addresses,
        ...(at.relativeBase !== undefined ? { relativeBase: s.base + at.relativeBase } : {}),
        ...(at.seqsOfNames !== undefined ? { seqsOfNames: s.base + at.seqsOfNames } : {}),
      });
      // Two-byte lengths are exercised (names 300 and 301 are 420 characters).
      expect(s.tables.blob[s.tables.entries[300]!]! & 0x80).toBe(0x80);
    });
  }

  it('an image without kallsyms has none (undefined, not an error)', () => {
    const fx = buildFixtures();
    try {
      for (const f of [fx.elf64exec, fx.elf32exec, fx.so64]) expect(readKallsyms(parseElf(readBytes(f), f))).toBeUndefined();
    } finally {
      fx.cleanup();
    }
  });

  it('loadSymbols: kallsyms when there is no .symtab and no System.map; a System.map given still wins', async () => {
    const s = synth('6.12', 'base-relative, absolute percpu', 8);
    const t = await loadSymbols(s.elf);
    expect(t?.source).toBe('kallsyms');
    expect(t?.size).toBe(s.symbols.length);
    const fx = buildFixtures();
    try {
      const mapPath = path.join(fx.scratch, 'System.map');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(mapPath, 'ffffffff81000000 T _text\n');
      expect((await loadSymbols(s.elf, { systemMap: mapPath }))?.source).toBe('system.map');
    } finally {
      fx.cleanup();
    }
  });
});

/** readKallsyms on a copy of `s` with `edit` applied to the blob: the InputError's offset, relative to the blob. */
function refusedAt(s: Synth, edit: (blob: Uint8Array) => void): { offset: number; message: string } {
  const data = new Uint8Array(s.elf.data);
  const blob = data.subarray(s.base, s.base + s.tables.blob.length);
  edit(blob);
  const elf = parseElf(data, s.elf.fileName);
  let err: unknown;
  let got: Kallsyms | undefined;
  try {
    got = readKallsyms(elf);
  } catch (e) {
    err = e;
  }
  expect(got, 'a damaged table must not decode').toBeUndefined();
  expect(err).toBeInstanceOf(InputError);
  const e = err as InputError;
  expect(e.at?.file).toBe(s.elf.fileName);
  expect(e.message).toContain('kallsyms tables do not decode consistently');
  return { offset: e.at!.offset - s.base, message: e.message };
}

describe('kallsyms: damaged tables are refused with the file offset where they stop making sense', () => {
  let s61: Synth;
  let s612: Synth;
  let s32: Synth;
  beforeAll(() => {
    s61 = synth('6.1', 'base-relative, absolute percpu', 8);
    s612 = synth('6.12', 'base-relative, absolute percpu', 8);
    s32 = synth('6.1', 'base-relative', 4);
  });
  const u32 = (b: Uint8Array, o: number) => new DataView(b.buffer, b.byteOffset).getUint32(o, true);
  const setU32 = (b: Uint8Array, o: number, v: number) => new DataView(b.buffer, b.byteOffset).setUint32(o, v, true);

  it('a name length byte: the group of 256 names whose marker no longer matches', () => {
    for (const s of [s61, s612, s32]) {
      const { at, entries } = s.tables;
      const e = entries[400]!; // in group 1 (names 256..511)
      const r = refusedAt(s, (b) => (b[e] = b[e]! + 1));
      const group = at.names + u32(s.tables.blob, at.markers + 4);
      // Either the walk arrives at the next marker in the wrong place (reported at the group's start),
      // or an entry in the group stops decoding (reported at that entry).
      expect(r.offset).toBeGreaterThanOrEqual(group);
      expect(r.offset).toBeLessThanOrEqual(entries[511]!);
      expect(r.message).toMatch(/kallsyms_(markers|names)/);
    }
  });

  it('a token byte turning a name into something without a type letter: that entry', () => {
    const s = s612;
    const e = s.tables.entries[123]!;
    // Point the first token at one that expands to a digit: no type letter starts with one.
    const tokenOfDigit = [...Array(256).keys()].find((i) => {
      const idx = new DataView(s.tables.blob.buffer).getUint16(s.tables.at.tokenIndex + 2 * i, true);
      const c = s.tables.blob[s.tables.at.tokenTable + idx]!;
      return c >= 0x30 && c <= 0x39;
    })!;
    const r = refusedAt(s, (b) => (b[e + 1] = tokenOfDigit));
    expect(r.offset).toBe(e);
    expect(r.message).toContain('kallsyms_names entry 123');
  });

  it('a marker: named, at the start of the names it should describe', () => {
    const s = s61;
    const { at } = s.tables;
    const r = refusedAt(s, (b) => setU32(b, at.markers + 8, u32(b, at.markers + 8) + 3));
    expect(r.message).toContain('kallsyms_markers[2]');
    expect(r.offset).toBe(at.names + u32(s.tables.blob, at.markers + 4));
  });

  it('num_syms: at num_syms, when the names and markers agree with each other', () => {
    for (const s of [s61, s612]) {
      const { at } = s.tables;
      const r = refusedAt(s, (b) => setU32(b, at.numSyms, 5000));
      expect(r.offset).toBe(at.numSyms);
      expect(r.message).toContain('kallsyms_num_syms is 5000');
    }
  });

  it('an address offset: the entry that breaks address order', () => {
    for (const s of [s61, s612, s32]) {
      const { at } = s.tables;
      const i = 200;
      const r = refusedAt(s, (b) => setU32(b, at.addresses + 4 * i, u32(b, at.addresses + 4 * i) ^ 0x00ff0000));
      expect([at.addresses + 4 * i, at.addresses + 4 * (i + 1)]).toContain(r.offset);
      expect(r.message).toContain('kallsyms_offsets');
    }
  });

  it('relative_base: every address moves with it, and _text no longer is where .text starts', () => {
    for (const s of [s61, s612, s32]) {
      const { at } = s.tables;
      const r = refusedAt(s, (b) => (b[at.relativeBase! + 1] = b[at.relativeBase! + 1]! ^ 0x10));
      expect(r.offset).toBe(at.relativeBase);
      expect(r.message).toContain('_text');
    }
  });

  it('the token index and the token table', () => {
    const s = s61;
    const { at } = s.tables;
    const idx = refusedAt(s, (b) => {
      b[at.tokenIndex + 2 * 100] = 0xff;
      b[at.tokenIndex + 2 * 100 + 1] = 0x7f;
    });
    expect([at.tokenIndex + 2 * 100, at.tokenIndex + 2 * 101]).toContain(idx.offset);
    expect(idx.message).toContain('kallsyms_token_index');
    // A NUL inside token 200 (the NUL that ends token 199 moved one byte on).
    const view = new DataView(s.tables.blob.buffer);
    const t200 = at.tokenTable + view.getUint16(at.tokenIndex + 400, true);
    const t201 = at.tokenTable + view.getUint16(at.tokenIndex + 402, true);
    expect(t201 - t200).toBeGreaterThan(2);
    const tab = refusedAt(s, (b) => (b[t200 + 1] = 0));
    expect(tab.offset).toBe(t200 + 1);
    expect(tab.message).toContain('kallsyms_token_table: token 200');
  });

  it('seqs_of_names: a swapped pair is out of name order, a repeated index is named', () => {
    for (const s of [s61, s612]) {
      const q = s.tables.at.seqsOfNames!;
      const swapped = refusedAt(s, (b) => {
        const a = b.slice(q + 30, q + 33);
        b.copyWithin(q + 30, q + 33, q + 36);
        b.set(a, q + 33);
      });
      expect([q + 30, q + 33]).toContain(swapped.offset);
      expect(swapped.message).toContain('kallsyms_seqs_of_names');
      const dup = refusedAt(s, (b) => b.copyWithin(q + 33, q + 30, q + 33));
      expect([q + 30, q + 33, q + 36]).toContain(dup.offset);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Debian's kernels.

const sharedLinux = path.resolve(repoRoot, '../shared/linux');
const kernels = existsSync(sharedLinux) ? readdirSync(sharedLinux).filter((d) => existsSync(path.join(sharedLinux, d, `vmlinuz-${d}`))).sort() : [];
if (!kernels.length) console.warn(`test/binary/kallsyms.test.ts: skipping the real-kernel tests: no kernels in ${sharedLinux}`);

/** What the kernel's config says scripts/kallsyms was run with. */
function kallsymsOptions(dir: string, release: string): KallsymsOptions {
  const config = readFileSync(path.join(dir, `config-${release}`), 'utf8');
  const set = (name: string) => new RegExp(`^${name}=y$`, 'm').test(config);
  expect(set('CONFIG_KALLSYMS')).toBe(true);
  return { version: release.startsWith('6.1.') ? '6.1' : '6.12', allSymbols: set('CONFIG_KALLSYMS_ALL'), absolutePercpu: set('CONFIG_KALLSYMS_ABSOLUTE_PERCPU') };
}

/** Each vmlinuz is extracted once for the whole file (seconds each). */
const extracted = new Map<string, Promise<ElfFile>>();
function kernelElf(release: string): Promise<ElfFile> {
  let p = extracted.get(release);
  if (!p) extracted.set(release, (p = loadKernelOrElf(path.join(sharedLinux, release, `vmlinuz-${release}`)).then((b) => b.elf)));
  return p;
}

const key = (s: SymbolEntry) => `${s.address.toString(16).padStart(16, '0')} ${s.kind} ${s.name}`;

describe(`kallsyms of Debian's kernels, against their real System.map${kernels.length ? '' : ' [SKIPPED: ../shared/linux is absent]'}`, () => {
  if (!kernels.length) it.skip(`needs the kernels in ${sharedLinux} (absent here; CI has them)`, () => {});
  for (const release of kernels) {
    it(`${release}: decoded from the vmlinuz alone, every symbol System.map has that kallsyms keeps, same type and address`, async () => {
      const dir = path.join(sharedLinux, release);
      const bin = { elf: await kernelElf(release) };
      expect(bin.elf.symtab.length).toBe(0);
      const t0 = performance.now();
      const k = readKallsyms(bin.elf)!;
      const ms = performance.now() - t0;
      expect(k).toBeDefined();
      const map = (await loadSystemMap(path.join(dir, `System.map-${release}.xz`))).symbols;
      const options = kallsymsOptions(dir, release);
      const { kept, excluded } = expectedKallsyms(map, options);
      // The x86 kernels are all base-relative; x86_64 SMP has absolute per-CPU symbols, i386 does not.
      expect(k.encoding).toBe(options.absolutePercpu ? 'base-relative, absolute percpu' : 'base-relative');
      // The same list, in kallsyms' own (address) order.
      for (let i = 1; i < k.symbols.length; i++) expect(k.symbols[i]!.address >= k.symbols[i - 1]!.address).toBe(true);
      const got = k.symbols.map(key).sort();
      const want = kept.map(key).sort();
      const gotSet = new Set(got);
      const wantSet = new Set(want);
      const missing = want.filter((x) => !gotSet.has(x));
      const extra = got.filter((x) => !wantSet.has(x));
      expect(missing.slice(0, 10), 'System.map symbols kallsyms should have').toEqual([]);
      expect(extra.slice(0, 10), 'kallsyms symbols System.map does not explain').toEqual([]);
      expect(got).toEqual(want);
      // The decoded symbols are what loadSymbols gives such a kernel (with the exported data symbols from
      // __ksymtab added where kallsyms has none: test/binary/ksymtab.test.ts).
      const table = await loadSymbols(bin.elf);
      expect(table?.source).toBe(options.allSymbols ? 'kallsyms' : 'kallsyms+ksymtab');
      expect(table?.addressOf('_text')).toBe(map.find((s) => s.name === '_text')!.address);
      const why = [...excluded].map(([w, l]) => `${w} ${l.length}`).join(', ');
      console.info(`${release}: kallsyms ${k.symbols.length} symbols (${k.encoding}) in ${ms.toFixed(0)} ms, all equal to System.map (${map.length} entries; not in kallsyms: ${why})`);
    });
  }
});

describe(`damaged kallsyms in Debian's kernels${kernels.length ? '' : ' [SKIPPED: ../shared/linux is absent]'}`, () => {
  if (!kernels.length) it.skip(`needs the kernels in ${sharedLinux} (absent here; CI has them)`, () => {});
  for (const release of kernels) {
    it(`${release}: a names byte, an offset, a seqs entry, each refused at its place`, async () => {
      const elf = await kernelElf(release);
      const k = readKallsyms(elf)!;
      const view = new DataView(elf.data.buffer, elf.data.byteOffset);
      const damaged = (edit: (d: Uint8Array) => void) => {
        const copy = new Uint8Array(elf.data);
        edit(copy);
        try {
          readKallsyms(parseElf(copy, elf.fileName));
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          return (e as InputError).at!.offset;
        }
        throw new Error('a damaged table decoded');
      };
      // A length byte in names group 100 (entries 25600..25855): refused in that group.
      const g = k.tables.names + view.getUint32(k.tables.markers + 400, true);
      const gEnd = k.tables.names + view.getUint32(k.tables.markers + 404, true);
      const at = damaged((d) => (d[g] = d[g]! + 1));
      expect(at).toBeGreaterThanOrEqual(g);
      expect(at).toBeLessThan(gEnd);
      // Offset 20000 made far larger: order breaks at it or at the next.
      const o = k.tables.addresses + 4 * 20000;
      expect([o, o + 4]).toContain(damaged((d) => (d[o + 2] = d[o + 2]! ^ 0x40)));
      // Two seqs_of_names entries swapped.
      const q = k.tables.seqsOfNames! + 3 * 5000;
      expect([q, q + 3]).toContain(
        damaged((d) => {
          const a = d.slice(q, q + 3);
          d.copyWithin(q, q + 3, q + 6);
          d.set(a, q + 3);
        }),
      );
    });
  }
});
