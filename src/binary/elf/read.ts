// ELF parsing. Struct layouts (offsets in bytes) are those of the System V gABI, "ELF Header",
// "Sections", "Symbol Table" and "Program Header" (Elf32_* and Elf64_* structures).
//
// Every count, offset and size is checked against the buffer before it is used, so a truncated or
// lying file ends in an InputError whose `at.offset` is the file offset of the field that lies (the
// header field holding the bad value), and whose message says what it claims and what the file holds.

import { ByteReader, hex, toFileNumber } from '../bytes.js';
import {
  EM_386,
  EM_X86_64,
  PN_XNUM,
  PT_NULL,
  SHN_XINDEX,
  SHT_DYNSYM,
  SHT_NOBITS,
  SHT_NULL,
  SHT_SYMTAB,
  SHT_SYMTAB_SHNDX,
  type ElfArch,
  type ElfClass,
  type ElfFile,
  type ElfHeader,
  type ElfSymbol,
  type ProgramHeader,
  type SectionHeader,
  type SymbolTableKind,
} from './types.js';

const EI_NIDENT = 16;
const ELFMAG = [0x7f, 0x45, 0x4c, 0x46];

/** Sizes of the fixed structures, per class: [ELFCLASS32, ELFCLASS64]. */
const EHDR_SIZE = { 32: 52, 64: 64 } as const;
const PHDR_SIZE = { 32: 32, 64: 56 } as const;
const SHDR_SIZE = { 32: 40, 64: 64 } as const;
const SYM_SIZE = { 32: 16, 64: 24 } as const;

/** Field offsets inside Elf32_Ehdr / Elf64_Ehdr. */
const EHDR = {
  32: { type: 16, machine: 18, version: 20, entry: 24, phoff: 28, shoff: 32, flags: 36, ehsize: 40, phentsize: 42, phnum: 44, shentsize: 46, shnum: 48, shstrndx: 50 },
  64: { type: 16, machine: 18, version: 20, entry: 24, phoff: 32, shoff: 40, flags: 48, ehsize: 52, phentsize: 54, phnum: 56, shentsize: 58, shnum: 60, shstrndx: 62 },
} as const;

/** Field offsets inside Elf32_Shdr / Elf64_Shdr. */
const SHDR = {
  32: { name: 0, type: 4, flags: 8, addr: 12, offset: 16, size: 20, link: 24, info: 28, addralign: 32, entsize: 36 },
  64: { name: 0, type: 4, flags: 8, addr: 16, offset: 24, size: 32, link: 40, info: 44, addralign: 48, entsize: 56 },
} as const;

/** Field offsets inside Elf32_Phdr / Elf64_Phdr (note p_flags moves to second place in ELF64). */
const PHDR = {
  32: { type: 0, offset: 4, vaddr: 8, paddr: 12, filesz: 16, memsz: 20, flags: 24, align: 28 },
  64: { type: 0, flags: 4, offset: 8, vaddr: 16, paddr: 24, filesz: 32, memsz: 40, align: 48 },
} as const;

/** Field offsets inside Elf32_Sym / Elf64_Sym (ELF64 reorders them for alignment). */
const SYM = {
  32: { name: 0, value: 4, size: 8, info: 12, other: 13, shndx: 14 },
  64: { name: 0, info: 4, other: 5, shndx: 6, value: 8, size: 16 },
} as const;

/** Quick check, without parsing, whether a buffer starts like an ELF file. */
export function isElf(data: Uint8Array): boolean {
  return data.length >= 4 && ELFMAG.every((b, i) => data[i] === b);
}

/**
 * Parses an ELF file held in `data` (not copied: the result refers to it). `fileName` is only used in
 * messages. Throws InputError for anything malformed or unsupported.
 */
export function parseElf(data: Uint8Array, fileName: string): ElfFile {
  // Annotated so that TypeScript treats r.fail() (which returns never) as ending control flow.
  const r: ByteReader = new ByteReader(data, fileName);
  r.need(0, EI_NIDENT, 'ELF identification (e_ident)');
  if (!isElf(data)) r.fail(0, `not an ELF file (no \\x7fELF magic)`);
  const eiClass = data[4]!;
  if (eiClass !== 1 && eiClass !== 2) r.fail(4, `invalid ELF class ${eiClass} in e_ident[EI_CLASS] (1 = 32-bit, 2 = 64-bit)`);
  const cls: ElfClass = eiClass === 2 ? 64 : 32;
  const eiData = data[5]!;
  if (eiData === 2) r.fail(5, 'big-endian ELF files are not supported (x86 is little-endian)');
  if (eiData !== 1) r.fail(5, `invalid data encoding ${eiData} in e_ident[EI_DATA]`);
  const is64 = cls === 64;
  r.need(0, EHDR_SIZE[cls], `ELF${cls} header`);

  const E = EHDR[cls];
  const machine = r.u16(E.machine, 'e_machine');
  let arch: ElfArch;
  if (machine === EM_386) arch = 'i386';
  else if (machine === EM_X86_64) arch = 'x86_64';
  else r.fail(E.machine, `unsupported machine ${machine} in e_machine (only EM_386 = 3 and EM_X86_64 = 62)`);

  const phoff = toFileNumber(r, r.word(E.phoff, is64, 'e_phoff'), E.phoff, 'e_phoff');
  const shoff = toFileNumber(r, r.word(E.shoff, is64, 'e_shoff'), E.shoff, 'e_shoff');
  const phentsize = r.u16(E.phentsize, 'e_phentsize');
  const shentsize = r.u16(E.shentsize, 'e_shentsize');
  let phnum = r.u16(E.phnum, 'e_phnum');
  let shnum = r.u16(E.shnum, 'e_shnum');
  let shstrndx = r.u16(E.shstrndx, 'e_shstrndx');
  const S = SHDR[cls];

  // Section header table. Extended numbering (gABI): when the real count does not fit in e_shnum it is 0
  // and section 0's sh_size holds it; likewise SHN_XINDEX in e_shstrndx defers to section 0's sh_link,
  // and PN_XNUM in e_phnum to section 0's sh_info.
  const needsSection0 = shnum === 0 || shstrndx === SHN_XINDEX || phnum === PN_XNUM;
  if (shoff === 0) {
    if (shnum !== 0) r.fail(E.shnum, `e_shnum is ${shnum} but e_shoff is 0 (no section header table)`);
    if (shstrndx === SHN_XINDEX || phnum === PN_XNUM) r.fail(E.shoff, 'extended numbering is used but there is no section header table');
    shstrndx = 0;
  } else {
    if (shentsize < SHDR_SIZE[cls]) r.fail(E.shentsize, `e_shentsize is ${shentsize}, smaller than an Elf${cls}_Shdr (${SHDR_SIZE[cls]} bytes)`);
    if (needsSection0) {
      if (shoff + shentsize > data.length) {
        r.fail(E.shoff, `section header 0 (${shentsize} bytes at e_shoff ${hex(shoff)}) extends past the end of the file (${hex(data.length)} bytes)`);
      }
      if (shnum === 0) shnum = toFileNumber(r, r.word(shoff + S.size, is64, 'sh_size'), shoff + S.size, 'extended section count (section 0 sh_size)');
      if (shstrndx === SHN_XINDEX) shstrndx = r.u32(shoff + S.link, 'sh_link');
      if (phnum === PN_XNUM) phnum = r.u32(shoff + S.info, 'sh_info');
    }
    if (shoff + shnum * shentsize > data.length) {
      r.fail(E.shoff, `section header table (${shnum} entries of ${shentsize} bytes at e_shoff ${hex(shoff)}) extends past the end of the file (${hex(data.length)} bytes)`);
    }
  }
  if (shstrndx !== 0 && shstrndx >= shnum) r.fail(E.shstrndx, `e_shstrndx ${shstrndx} is out of range (${shnum} sections)`);

  if (phnum > 0) {
    if (phoff === 0) r.fail(E.phoff, `e_phnum is ${phnum} but e_phoff is 0`);
    if (phentsize < PHDR_SIZE[cls]) r.fail(E.phentsize, `e_phentsize is ${phentsize}, smaller than an Elf${cls}_Phdr (${PHDR_SIZE[cls]} bytes)`);
    if (phoff + phnum * phentsize > data.length) {
      r.fail(E.phoff, `program header table (${phnum} entries of ${phentsize} bytes at e_phoff ${hex(phoff)}) extends past the end of the file (${hex(data.length)} bytes)`);
    }
  }

  const header: ElfHeader = {
    class: cls,
    osabi: data[7]!,
    type: r.u16(E.type, 'e_type'),
    machine,
    version: r.u32(E.version, 'e_version'),
    entry: r.word(E.entry, is64, 'e_entry'),
    phoff,
    shoff,
    flags: r.u32(E.flags, 'e_flags'),
    ehsize: r.u16(E.ehsize, 'e_ehsize'),
    phentsize,
    phnum,
    shentsize,
    shnum,
    shstrndx,
  };

  const sections = readSections(r, cls, header);
  const programHeaders = readProgramHeaders(r, cls, header);
  nameSections(r, cls, header, sections);
  const symtab = readSymbolTable(r, cls, sections, SHT_SYMTAB, 'symtab');
  const dynsym = readSymbolTable(r, cls, sections, SHT_DYNSYM, 'dynsym');

  let extent: number = EHDR_SIZE[cls];
  extent = Math.max(extent, phoff + phnum * phentsize, shoff + shnum * shentsize);
  for (const s of sections) if (s.fileSize > 0) extent = Math.max(extent, s.offset + s.fileSize);
  for (const p of programHeaders) if (p.filesz > 0) extent = Math.max(extent, p.offset + p.filesz);

  return { fileName, data, header, arch, programHeaders, sections, symtab, dynsym, extent };
}

function readSections(r: ByteReader, cls: ElfClass, h: ElfHeader): SectionHeader[] {
  const is64 = cls === 64;
  const S = SHDR[cls];
  const out: SectionHeader[] = [];
  for (let index = 0; index < h.shnum; index++) {
    const at = h.shoff + index * h.shentsize;
    const type = r.u32(at + S.type, 'sh_type');
    const offset = toFileNumber(r, r.word(at + S.offset, is64, 'sh_offset'), at + S.offset, `section ${index} sh_offset`);
    const size = r.word(at + S.size, is64, 'sh_size');
    // Section 0 is reserved (its fields carry extended numbering), and SHT_NULL/SHT_NOBITS occupy no
    // file bytes: only the others must lie inside the file.
    const fileBacked = index !== 0 && type !== SHT_NULL && type !== SHT_NOBITS;
    let fileSize = 0;
    if (fileBacked) {
      if (size > BigInt(r.length) || offset + Number(size) > r.length) {
        r.fail(at + S.offset, `section ${index} contents (${hex(size)} bytes at ${hex(offset)}) extend past the end of the file (${hex(r.length)} bytes)`);
      }
      fileSize = Number(size);
    }
    out.push({
      index,
      name: '',
      nameOffset: r.u32(at + S.name, 'sh_name'),
      type,
      flags: r.word(at + S.flags, is64, 'sh_flags'),
      addr: r.word(at + S.addr, is64, 'sh_addr'),
      offset,
      size,
      fileSize,
      link: r.u32(at + S.link, 'sh_link'),
      info: r.u32(at + S.info, 'sh_info'),
      addralign: r.word(at + S.addralign, is64, 'sh_addralign'),
      entsize: r.word(at + S.entsize, is64, 'sh_entsize'),
      headerOffset: at,
    });
  }
  return out;
}

function readProgramHeaders(r: ByteReader, cls: ElfClass, h: ElfHeader): ProgramHeader[] {
  const is64 = cls === 64;
  const P = PHDR[cls];
  const out: ProgramHeader[] = [];
  for (let index = 0; index < h.phnum; index++) {
    const at = h.phoff + index * h.phentsize;
    const type = r.u32(at + P.type, 'p_type');
    const offset = toFileNumber(r, r.word(at + P.offset, is64, 'p_offset'), at + P.offset, `segment ${index} p_offset`);
    const fileszBig = r.word(at + P.filesz, is64, 'p_filesz');
    if (type !== PT_NULL && fileszBig > 0n && (fileszBig > BigInt(r.length) || offset + Number(fileszBig) > r.length)) {
      r.fail(at + P.offset, `segment ${index} contents (${hex(fileszBig)} bytes at ${hex(offset)}) extend past the end of the file (${hex(r.length)} bytes)`);
    }
    out.push({
      index,
      type,
      flags: r.u32(at + P.flags, 'p_flags'),
      offset,
      vaddr: r.word(at + P.vaddr, is64, 'p_vaddr'),
      paddr: r.word(at + P.paddr, is64, 'p_paddr'),
      filesz: type === PT_NULL ? 0 : Number(fileszBig),
      memsz: r.word(at + P.memsz, is64, 'p_memsz'),
      align: r.word(at + P.align, is64, 'p_align'),
      headerOffset: at,
    });
  }
  return out;
}

/** Resolves every sh_name through the section-name string table (e_shstrndx). */
function nameSections(r: ByteReader, cls: ElfClass, h: ElfHeader, sections: SectionHeader[]): void {
  if (h.shstrndx === 0) return;
  const strtab = sections[h.shstrndx]!;
  if (strtab.fileSize === 0 && sections.some((s) => s.nameOffset !== 0)) {
    r.fail(EHDR[cls].shstrndx, `e_shstrndx ${h.shstrndx} names a section with no file contents`);
  }
  for (const s of sections) {
    if (s.nameOffset === 0 && strtab.fileSize === 0) continue;
    s.name = stringAt(r, strtab, s.nameOffset, s.headerOffset + SHDR[cls].name, `name of section ${s.index}`);
  }
}

/** The string at `offset` in string-table section `strtab`; `fieldAt` is where that offset was read. */
function stringAt(r: ByteReader, strtab: SectionHeader, offset: number, fieldAt: number, what: string): string {
  if (offset >= strtab.fileSize) {
    r.fail(fieldAt, `${what}: offset ${hex(offset)} is outside its string table (section ${strtab.index}, ${hex(strtab.fileSize)} bytes)`);
  }
  return r.cstring(strtab.offset + offset, strtab.offset + strtab.fileSize, what);
}

function readSymbolTable(r: ByteReader, cls: ElfClass, sections: SectionHeader[], type: number, table: SymbolTableKind): ElfSymbol[] {
  // The gABI allows one SHT_SYMTAB and one SHT_DYNSYM per file; we read the first of each.
  const sec = sections.find((s) => s.type === type);
  if (!sec || sec.fileSize === 0) return [];
  const is64 = cls === 64;
  const S = SHDR[cls];
  const Y = SYM[cls];
  if (sec.entsize < BigInt(SYM_SIZE[cls]) || sec.entsize > 0xffffn) {
    r.fail(sec.headerOffset + S.entsize, `symbol table ${sec.name || `section ${sec.index}`} has sh_entsize ${sec.entsize}, expected ${SYM_SIZE[cls]}`);
  }
  const entsize = Number(sec.entsize);
  if (sec.fileSize % entsize !== 0) {
    r.fail(sec.headerOffset + S.size, `symbol table ${sec.name} size ${hex(sec.fileSize)} is not a multiple of its entry size ${entsize}`);
  }
  if (sec.link === 0 || sec.link >= sections.length || sections[sec.link]!.fileSize === 0) {
    r.fail(sec.headerOffset + S.link, `symbol table ${sec.name} has sh_link ${sec.link}, which is not a string table with contents`);
  }
  const strtab = sections[sec.link]!;
  const count = sec.fileSize / entsize;
  // Symbols in sections numbered from SHN_LORESERVE up store SHN_XINDEX; the real index is the same
  // entry of the SHT_SYMTAB_SHNDX section that links to this table (gABI, "Extended Section Indexes").
  const xindex = sections.find((s) => s.type === SHT_SYMTAB_SHNDX && s.link === sec.index);
  if (xindex && xindex.fileSize < count * 4) {
    r.fail(xindex.headerOffset + S.size, `${xindex.name || `section ${xindex.index}`} has ${xindex.fileSize / 4} entries for ${count} symbols`);
  }
  const out: ElfSymbol[] = new Array<ElfSymbol>(count);
  const names = new Map<number, string>();
  for (let index = 0; index < count; index++) {
    const at = sec.offset + index * entsize;
    const nameOffset = r.u32(at + Y.name, 'st_name');
    let name = names.get(nameOffset);
    if (name === undefined) {
      name = nameOffset === 0 ? '' : stringAt(r, strtab, nameOffset, at + Y.name, `name of ${table} symbol ${index}`);
      names.set(nameOffset, name);
    }
    const info = r.u8(at + Y.info, 'st_info');
    out[index] = {
      index,
      table,
      name,
      value: r.word(at + Y.value, is64, 'st_value'),
      size: r.word(at + Y.size, is64, 'st_size'),
      bind: info >> 4,
      type: info & 0xf,
      visibility: r.u8(at + Y.other, 'st_other') & 3,
      shndx: r.u16(at + Y.shndx, 'st_shndx'),
    };
    if (xindex && out[index]!.shndx === SHN_XINDEX) out[index]!.shndx = r.u32(xindex.offset + index * 4, 'extended section index');
  }
  return out;
}

