// The parsed, read-only view of an ELF file. Field meanings follow the System V gABI ("Object Files"
// chapter) and the ELF-64 Object File Format; only little-endian x86 (EM_386, EM_X86_64) is accepted.
//
// Conventions: file offsets and file sizes are `number` (they are checked against the length of the
// buffer, so they always fit); virtual addresses and in-memory sizes are `bigint` (64-bit, and a NOBITS
// section's size is not bounded by the file).

export type ElfClass = 32 | 64;
export type ElfArch = 'i386' | 'x86_64';

// e_type values.
export const ET_NONE = 0;
export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;

// e_machine values we accept. EM_X86_64 with ELFCLASS32 is the x32 ABI.
export const EM_386 = 3;
export const EM_X86_64 = 62;

// Special section indices.
export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const SHN_XINDEX = 0xffff;
/** e_phnum value meaning "the real count is in section header 0's sh_info". */
export const PN_XNUM = 0xffff;

// sh_type values.
export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHT_DYNSYM = 11;
export const SHT_SYMTAB_SHNDX = 18;

// sh_flags bits.
export const SHF_WRITE = 0x1n;
export const SHF_ALLOC = 0x2n;
export const SHF_EXECINSTR = 0x4n;

// p_type / p_flags values.
export const PT_NULL = 0;
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_NOTE = 4;
export const PT_PHDR = 6;
export const PF_X = 0x1;
export const PF_W = 0x2;
export const PF_R = 0x4;

// Symbol binding (st_info >> 4) and type (st_info & 0xf).
export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;
export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;

/** The ELF header (Elf32_Ehdr / Elf64_Ehdr), with extended numbering already resolved. */
export interface ElfHeader {
  class: ElfClass;
  /** EI_OSABI. */
  osabi: number;
  type: number;
  machine: number;
  version: number;
  entry: bigint;
  phoff: number;
  shoff: number;
  flags: number;
  ehsize: number;
  phentsize: number;
  /** Number of program headers (resolved through section 0's sh_info when e_phnum is PN_XNUM). */
  phnum: number;
  shentsize: number;
  /** Number of section headers (resolved through section 0's sh_size when e_shnum is 0). */
  shnum: number;
  /** Index of the section-name string table (resolved through section 0's sh_link for SHN_XINDEX); 0 if none. */
  shstrndx: number;
}

/** A program header (Elf32_Phdr / Elf64_Phdr). */
export interface ProgramHeader {
  index: number;
  type: number;
  /** PF_R | PF_W | PF_X bits. */
  flags: number;
  offset: number;
  vaddr: bigint;
  paddr: bigint;
  filesz: number;
  memsz: bigint;
  align: bigint;
  /** File offset of this header entry itself. */
  headerOffset: number;
}

/** A section header (Elf32_Shdr / Elf64_Shdr) with its name resolved. */
export interface SectionHeader {
  index: number;
  name: string;
  /** sh_name: offset of the name in the section-name string table. */
  nameOffset: number;
  type: number;
  flags: bigint;
  addr: bigint;
  /** sh_offset as declared (for SHT_NOBITS it does not describe file contents). */
  offset: number;
  /** sh_size as declared (memory size for SHT_NOBITS). */
  size: bigint;
  /** Bytes this section occupies in the file: 0 for SHT_NOBITS and SHT_NULL, else sh_size. */
  fileSize: number;
  link: number;
  info: number;
  addralign: bigint;
  entsize: bigint;
  /** File offset of this header entry itself. */
  headerOffset: number;
}

export type SymbolTableKind = 'symtab' | 'dynsym';

/** A symbol table entry (Elf32_Sym / Elf64_Sym) with its name and section resolved. */
export interface ElfSymbol {
  /** Index in its table (entry 0 is the null symbol). */
  index: number;
  table: SymbolTableKind;
  name: string;
  value: bigint;
  size: bigint;
  /** STB_* (st_info >> 4). */
  bind: number;
  /** STT_* (st_info & 0xf). */
  type: number;
  /** STV_* (st_other & 3). */
  visibility: number;
  /**
   * st_shndx: SHN_UNDEF, SHN_ABS, SHN_COMMON or a section index; SHN_XINDEX is resolved through the
   * SHT_SYMTAB_SHNDX section when there is one.
   */
  shndx: number;
}

/** A parsed ELF file. `data` is the buffer it was parsed from (not copied). */
export interface ElfFile {
  /** A name for messages (usually the path). */
  readonly fileName: string;
  readonly data: Uint8Array;
  readonly header: ElfHeader;
  readonly arch: ElfArch;
  readonly programHeaders: readonly ProgramHeader[];
  readonly sections: readonly SectionHeader[];
  /** Entries of .symtab (SHT_SYMTAB), entry 0 included; empty if the file has none. */
  readonly symtab: readonly ElfSymbol[];
  /** Entries of .dynsym (SHT_DYNSYM), entry 0 included; empty if the file has none. */
  readonly dynsym: readonly ElfSymbol[];
  /**
   * End of the last byte the headers describe: ELF header, both header tables, all file-backed
   * sections and segments. Bytes after it (e.g. relocation data appended to a kernel payload) are
   * ignored.
   */
  readonly extent: number;
}
