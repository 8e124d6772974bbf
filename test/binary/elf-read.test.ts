// The parsed view of real ELF files (built by GNU as/ld and gcc) must agree with readelf.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseElf } from '../../src/binary/elf/read.js';
import type { ElfFile, ElfSymbol } from '../../src/binary/elf/types.js';
import { buildFixtures, buildManySections, readBytes, run, readelfHeader, readelfSections, readelfSegments, readelfSymbols, type Fixtures } from './fixtures.js';

const SECTION_TYPES: Record<string, number> = {
  NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, HASH: 5, DYNAMIC: 6, NOTE: 7, NOBITS: 8, REL: 9, DYNSYM: 11,
  INIT_ARRAY: 14, FINI_ARRAY: 15, GROUP: 17, GNU_HASH: 0x6ffffff6, VERSYM: 0x6fffffff, VERNEED: 0x6ffffffe, VERDEF: 0x6ffffffd,
  X86_64_UNWIND: 0x70000001,
};
const SEGMENT_TYPES: Record<string, number> = {
  NULL: 0, LOAD: 1, DYNAMIC: 2, INTERP: 3, NOTE: 4, PHDR: 6, TLS: 7,
  GNU_EH_FRAME: 0x6474e550, GNU_STACK: 0x6474e551, GNU_RELRO: 0x6474e552, GNU_PROPERTY: 0x6474e553,
};
const SYM_TYPES = ['NOTYPE', 'OBJECT', 'FUNC', 'SECTION', 'FILE', 'COMMON', 'TLS'];
const SYM_BINDS = ['LOCAL', 'GLOBAL', 'WEAK'];
const SYM_VIS = ['DEFAULT', 'INTERNAL', 'HIDDEN', 'PROTECTED'];
/** readelf's flag letters, in the order it prints them. */
const FLAG_LETTERS: [string, bigint][] = [
  ['W', 0x1n], ['A', 0x2n], ['X', 0x4n], ['M', 0x10n], ['S', 0x20n], ['I', 0x40n], ['L', 0x80n], ['O', 0x100n],
  ['G', 0x200n], ['T', 0x400n], ['C', 0x800n], ['E', 0x80000000n],
];

function flagLetters(flags: bigint): string {
  return FLAG_LETTERS.filter(([, bit]) => (flags & bit) !== 0n).map(([l]) => l).join('');
}

function ndx(s: ElfSymbol): string {
  if (s.shndx === 0) return 'UND';
  if (s.shndx === 0xfff1) return 'ABS';
  if (s.shndx === 0xfff2) return 'COM';
  return String(s.shndx);
}

let fx: Fixtures;
beforeAll(() => {
  fx = buildFixtures();
});
afterAll(() => fx?.cleanup());

const cases = ['elf32exec', 'elf64exec', 'elf32rel', 'elf64rel', 'so64'] as const;

describe.each(cases)('ELF reader vs readelf: %s', (which) => {
  let elf: ElfFile;
  let file: string;
  beforeAll(() => {
    file = fx[which];
    elf = parseElf(readBytes(file), file);
  });

  it('header', () => {
    const ref = readelfHeader(file);
    expect(elf.header.class).toBe(which.includes('32') ? 32 : 64);
    expect(elf.arch).toBe(which.includes('32') ? 'i386' : 'x86_64');
    expect(elf.header.entry).toBe(ref.entry);
    expect(elf.header.phoff).toBe(ref.phoff);
    expect(elf.header.shoff).toBe(ref.shoff);
    expect(elf.header.phnum).toBe(ref.phnum);
    expect(elf.header.shnum).toBe(ref.shnum);
    expect(elf.header.shstrndx).toBe(ref.shstrndx);
    expect({ EXEC: 2, REL: 1, DYN: 3 }[ref.type]).toBe(elf.header.type);
  });

  it('section headers', () => {
    const ref = readelfSections(file);
    expect(ref.length).toBeGreaterThan(3);
    expect(elf.sections.map((s) => ({
      index: s.index, name: s.name, type: s.type, addr: s.addr, offset: s.offset, size: s.size, entsize: s.entsize,
      flags: flagLetters(s.flags), link: s.link, info: s.info, align: s.addralign,
    }))).toEqual(ref.map((r) => ({ ...r, type: SECTION_TYPES[r.type] ?? `unknown ${r.type}`, flags: r.flags.replace(/[^WAXMSILOGTCE]/g, '') })));
  });

  it('program headers', () => {
    const ref = readelfSegments(file);
    expect(elf.programHeaders.map((p) => ({
      type: p.type, offset: p.offset, vaddr: p.vaddr, paddr: p.paddr, filesz: p.filesz, memsz: p.memsz,
      flags: `${p.flags & 4 ? 'R' : ''}${p.flags & 2 ? 'W' : ''}${p.flags & 1 ? 'E' : ''}`, align: p.align,
    }))).toEqual(ref.map((r) => ({ ...r, type: SEGMENT_TYPES[r.type] ?? `unknown ${r.type}` })));
  });

  it('symbol tables', () => {
    const ref = readelfSymbols(file);
    for (const [table, list] of [['.symtab', elf.symtab], ['.dynsym', elf.dynsym]] as const) {
      const r = ref.get(table) ?? [];
      expect(list.map((s) => ({
        num: s.index, value: s.value, size: s.size, type: SYM_TYPES[s.type], bind: SYM_BINDS[s.bind], vis: SYM_VIS[s.visibility], ndx: ndx(s),
        // readelf shows a section symbol's (empty) name as its section's name.
        name: s.type === 3 && s.name === '' ? elf.sections[s.shndx]!.name : s.name,
      }))).toEqual(r);
    }
    if (which !== 'so64') expect(elf.symtab.find((s) => s.name === 'helper')?.size).toBe(2n);
    else expect(elf.dynsym.some((s) => s.name === 'bump')).toBe(true);
  });

  it('declared extent covers the whole file (no trailing data here)', () => {
    expect(elf.extent).toBe(elf.data.length);
  });
});

describe('extended numbering (65,300 sections, built by as)', () => {
  it('section count, e_shstrndx and symbol section indices resolve as readelf shows them', () => {
    const file = buildManySections();
    const elf = parseElf(readBytes(file), file);
    const ref = readelfHeader(file);
    // readelf prints "0 (65308)" and "65535 (65307)": the stored value, then the resolved one.
    const h = run('readelf', ['-h', file]).toString();
    const shnum = Number(/Number of section headers:\s+0 \((\d+)\)/.exec(h)![1]);
    const shstrndx = Number(/string table index:\s+65535 \((\d+)\)/.exec(h)![1]);
    expect(elf.header.shnum).toBe(shnum);
    expect(elf.header.shstrndx).toBe(shstrndx);
    expect(elf.header.shoff).toBe(ref.shoff);
    expect(elf.sections[elf.header.shstrndx]!.name).toBe('.shstrtab');
    const refSyms = readelfSymbols(file).get('.symtab')!;
    const last = elf.symtab.find((s) => s.name === 'last')!;
    const refLast = refSyms.find((s) => s.name === 'last')!;
    expect(String(last.shndx)).toBe(refLast.ndx);
    expect(last.shndx).toBeGreaterThan(0xff00);
    expect(elf.sections[last.shndx]!.name).toBe('s65299');
  });
});
