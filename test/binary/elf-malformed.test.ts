// Malformed ELF files: every failure is an InputError naming a file offset, never another exception,
// never a hang. Field offsets below are the gABI's Elf32_/Elf64_ struct layouts.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/diag/diagnostic.js';
import { isExecutable, offsetToVaddr, sectionAtVaddr, vaddrToOffset } from '../../src/binary/elf/layout.js';
import { parseElf } from '../../src/binary/elf/read.js';
import { buildFixtures, readBytes, type Fixtures } from './fixtures.js';

const EHDR = {
  32: { phoff: 28, shoff: 32, phentsize: 42, phnum: 44, shentsize: 46, shnum: 48, shstrndx: 50 },
  64: { phoff: 32, shoff: 40, phentsize: 54, phnum: 56, shentsize: 58, shnum: 60, shstrndx: 62 },
} as const;
const SHDR = {
  32: { size: 40, name: 0, offset: 16, sizeField: 20, link: 24, entsize: 36 },
  64: { size: 64, name: 0, offset: 24, sizeField: 32, link: 40, entsize: 56 },
} as const;

let fx: Fixtures;
beforeAll(() => {
  fx = buildFixtures();
});
afterAll(() => fx?.cleanup());

/** Runs f and returns the InputError it throws; fails the test if it throws anything else or nothing. */
function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw new Error(`expected InputError, got ${String(e)}`);
  }
  throw new Error('expected InputError, got no error');
}

function put(data: Uint8Array, offset: number, size: 1 | 2 | 4 | 8, value: bigint | number): void {
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (size === 1) v.setUint8(offset, Number(value));
  else if (size === 2) v.setUint16(offset, Number(value), true);
  else if (size === 4) v.setUint32(offset, Number(value), true);
  else v.setBigUint64(offset, BigInt(value), true);
}

describe.each([
  ['ELF32', 'elf32exec', 32],
  ['ELF64', 'elf64exec', 64],
  ['ELF64 shared object', 'so64', 64],
] as const)('%s', (_label, which, cls) => {
  let orig: Uint8Array;
  beforeAll(() => {
    orig = readBytes(fx[which]);
  });
  const word = cls === 64 ? 8 : 4;

  it('truncated at every header boundary (and every byte of the headers) is an InputError at an offset inside the file', () => {
    const elf = parseElf(orig, 'x');
    const h = elf.header;
    // The section header table is last in these files, so any truncation loses something the headers declare.
    expect(h.shoff + h.shnum * h.shentsize).toBe(orig.length);
    const cuts = new Set<number>();
    const around = (n: number): void => [n - 1, n, n + 1].forEach((c) => c >= 0 && c < orig.length && cuts.add(c));
    for (let i = 0; i <= h.ehsize; i++) cuts.add(i);
    for (let i = h.phoff; i <= h.phoff + h.phnum * h.phentsize; i++) cuts.add(i);
    for (let i = 0; i <= h.shnum; i++) for (let f = 0; f < h.shentsize; f += 4) around(h.shoff + i * h.shentsize + f);
    for (const s of elf.sections) if (s.fileSize > 0) (around(s.offset), around(s.offset + s.fileSize));
    for (const p of elf.programHeaders) (around(p.offset), around(p.offset + p.filesz));
    const bad: string[] = [];
    for (const len of cuts) {
      try {
        parseElf(orig.subarray(0, len), 'trunc');
        bad.push(`${len}: parsed`);
      } catch (e) {
        if (!(e instanceof InputError)) bad.push(`${len}: ${String(e)}`);
        else if (e.at?.file !== 'trunc' || !(e.at.offset >= 0 && e.at.offset <= len)) bad.push(`${len}: at ${JSON.stringify(e.at)}`);
      }
    }
    expect(bad).toEqual([]);
    expect(cuts.size).toBeGreaterThan(200);
  });

  it('header boundaries give specific messages', () => {
    const elf = parseElf(orig, 'x');
    const h = elf.header;
    expect(inputError(() => parseElf(orig.subarray(0, 10), 'f')).message).toMatch(/e_ident/);
    expect(inputError(() => parseElf(orig.subarray(0, 20), 'f')).message).toMatch(new RegExp(`ELF${cls} header`));
    const e = inputError(() => parseElf(orig.subarray(0, h.shoff + 1), 'f'));
    expect(e.message).toMatch(/section header table/);
    expect(e.at!.offset).toBe(EHDR[cls].shoff);
  });

  const E = EHDR[cls];
  const S = SHDR[cls];
  const corruptions: [string, (d: Uint8Array, shoff: number, shstrndx: number) => void, RegExp, (shoff: number, d: Uint8Array) => number][] = [
    ['bad class', (d) => put(d, 4, 1, 3), /ELF class/, () => 4],
    ['big-endian', (d) => put(d, 5, 1, 2), /big-endian/, () => 5],
    ['foreign machine', (d) => put(d, 18, 2, 40), /machine 40/, () => 18],
    ['e_shoff far past EOF', (d) => put(d, E.shoff, word as 4 | 8, cls === 64 ? 0xffff_ffff_ffff_0000n : 0xffff0000), /./, () => E.shoff],
    ['e_shoff near EOF', (d) => put(d, E.shoff, word as 4 | 8, d.length - 10), /section header/, () => E.shoff],
    ['e_shentsize too small', (d) => put(d, E.shentsize, 2, 10), /e_shentsize/, () => E.shentsize],
    ['e_shnum huge', (d) => put(d, E.shnum, 2, 0xfff0), /section header table/, () => E.shoff],
    ['e_phnum huge', (d) => put(d, E.phnum, 2, 0xfff0), /program header table/, () => E.phoff],
    ['e_phoff past EOF', (d) => put(d, E.phoff, word as 4 | 8, d.length), /program header table/, () => E.phoff],
    ['e_phentsize too small', (d) => put(d, E.phentsize, 2, 8), /e_phentsize/, () => E.phentsize],
    ['e_shstrndx out of range', (d) => put(d, E.shstrndx, 2, 200), /e_shstrndx 200/, () => E.shstrndx],
    [
      'extended section count (e_shnum 0, section 0 sh_size 2^40)',
      (d, shoff) => {
        put(d, E.shnum, 2, 0);
        put(d, shoff + S.sizeField, word as 4 | 8, cls === 64 ? 1n << 40n : 0xffffffff);
      },
      /section header table/,
      () => E.shoff,
    ],
    ['section 1 sh_offset past EOF', (d, shoff) => put(d, shoff + S.size + S.offset, word as 4 | 8, d.length), /section 1 contents/, (shoff) => shoff + S.size + S.offset],
    ['section 1 sh_size huge', (d, shoff) => put(d, shoff + S.size + S.sizeField, word as 4 | 8, cls === 64 ? 1n << 60n : 0xfffffff0), /section 1 contents/, (shoff) => shoff + S.size + S.offset],
    ['sh_name outside .shstrtab', (d, shoff) => put(d, shoff + S.size + S.name, 4, 0x7fffffff), /outside its string table/, (shoff) => shoff + S.size + S.name],
    [
      '.shstrtab without terminator',
      (d, shoff, shstrndx) => {
        const at = shoff + shstrndx * S.size;
        const off = Number(cls === 64 ? new DataView(d.buffer).getBigUint64(at + S.offset, true) : new DataView(d.buffer).getUint32(at + S.offset, true));
        const size = Number(cls === 64 ? new DataView(d.buffer).getBigUint64(at + S.sizeField, true) : new DataView(d.buffer).getUint32(at + S.sizeField, true));
        d.fill(0x41, off, off + size);
      },
      /NUL terminator/,
      () => -1,
    ],
  ];

  it.each(corruptions.map(([n, ...rest]) => [n, rest] as const))('corrupt: %s', (_name, [mutate, message, where]) => {
    const d = orig.slice();
    const elf = parseElf(orig, 'x');
    mutate(d, elf.header.shoff, elf.header.shstrndx);
    const e = inputError(() => parseElf(d, 'bad.elf'));
    expect(e.message).toMatch(message);
    const expected = where(elf.header.shoff, d);
    if (expected >= 0) expect(e.at?.offset).toBe(expected);
    else expect(e.at?.offset).toBeGreaterThan(0);
  });

  it('corrupt symbol tables: entsize, link, st_name, unterminated .strtab', () => {
    const elf = parseElf(orig, 'x');
    const symtab = elf.sections.find((s) => s.type === 2 || s.type === 11)!;
    const strtab = elf.sections[symtab.link]!;
    const cases: [(d: Uint8Array) => void, RegExp, number][] = [
      [(d) => put(d, symtab.headerOffset + S.entsize, word as 4 | 8, 0), /sh_entsize/, symtab.headerOffset + S.entsize],
      [(d) => put(d, symtab.headerOffset + S.link, 4, 999), /sh_link 999/, symtab.headerOffset + S.link],
      [(d) => put(d, symtab.offset + (cls === 64 ? 24 : 16), 4, 0x7ffffff0), /outside its string table/, symtab.offset + (cls === 64 ? 24 : 16)],
      [(d) => d.fill(0x42, strtab.offset, strtab.offset + strtab.fileSize), /NUL terminator/, -1],
    ];
    for (const [mutate, message, at] of cases) {
      const d = orig.slice();
      mutate(d);
      const e = inputError(() => parseElf(d, 'sym.elf'));
      expect(e.message).toMatch(message);
      if (at >= 0) expect(e.at?.offset).toBe(at);
    }
  });

  it('random corruption of headers and tables: InputError or a consistent parse, never another exception', () => {
    const elf = parseElf(orig, 'x');
    const hot = [
      [0, cls === 64 ? 64 : 52],
      [elf.header.phoff, elf.header.phnum * elf.header.phentsize],
      [elf.header.shoff, elf.header.shnum * elf.header.shentsize],
    ] as const;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(2), fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        (muts) => {
          const d = orig.slice();
          for (const [region, pos, byte] of muts) {
            const [start, len] = hot[region]!;
            if (len > 0) d[start + (pos % len)] = byte;
          }
          let parsed;
          try {
            parsed = parseElf(d, 'fuzz');
          } catch (e) {
            if (!(e instanceof InputError)) throw e;
            if (!(e.at && e.at.offset >= 0)) throw new Error(`InputError without an offset: ${e.message}`);
            return;
          }
          for (const s of parsed.sections) {
            vaddrToOffset(parsed, s.addr);
            sectionAtVaddr(parsed, s.addr);
            isExecutable(parsed, s.addr);
            offsetToVaddr(parsed, s.offset);
          }
        },
      ),
      { numRuns: 300, seed: 20261127 },
    );
  });
});

describe('tiny files with huge counts', () => {
  function header64(): Uint8Array {
    const d = new Uint8Array(64);
    d.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    put(d, 16, 2, 2);
    put(d, 18, 2, 62);
    return d;
  }

  it('65535 section headers claimed in a 64-byte file', () => {
    const d = header64();
    put(d, 40, 8, 64);
    put(d, 58, 2, 64);
    put(d, 60, 2, 0xffff);
    const e = inputError(() => parseElf(d, 'tiny'));
    expect(e.message).toMatch(/65535 entries/);
    expect(e.at?.offset).toBe(40);
  });

  it('PN_XNUM program headers without a section header table', () => {
    const d = header64();
    put(d, 56, 2, 0xffff);
    expect(inputError(() => parseElf(d, 'tiny')).message).toMatch(/extended numbering/);
  });

  it('a header-only ELF64 with no tables parses', () => {
    const elf = parseElf(header64(), 'tiny');
    expect(elf.sections).toHaveLength(0);
    expect(elf.programHeaders).toHaveLength(0);
    expect(elf.extent).toBe(64);
  });

  it('not an ELF file at all', () => {
    expect(inputError(() => parseElf(new TextEncoder().encode('#!/bin/sh\necho hi\n'), 'script')).at?.offset).toBe(0);
  });
});
