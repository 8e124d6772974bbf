// The kernel's export tables: one `struct kernel_symbol` per EXPORT_SYMBOL() / EXPORT_SYMBOL_GPL(), in
// sections __ksymtab and __ksymtab_gpl, names in __ksymtab_strings. They matter where kallsyms is short:
// without CONFIG_KALLSYMS_ALL (Debian's 686 kernel) kallsyms holds text symbols only, so exported data
// such as pv_ops is found here or nowhere in the image.
//
// Layout, include/linux/export.h (v6.1; 6.12's export-internal.h emits the same entries):
//   CONFIG_HAVE_ARCH_PREL32_RELOCATIONS (x86, arm64, ...): struct kernel_symbol { int value_offset;
//     int name_offset; int namespace_offset; } - 12 bytes, each field relative to its own address;
//   otherwise: struct kernel_symbol { unsigned long value; const char *name; const char *namespace; }.
// Which one a file uses is decided by its first entry: the layout whose name lands in __ksymtab_strings.

import { hex } from './bytes.js';
import { findSection, sectionsAtVaddr } from './elf/layout.js';
import { SHF_EXECINSTR, SHF_WRITE, SHT_NOBITS, type ElfFile, type SectionHeader } from './elf/types.js';
import { InputError } from '../diag/diagnostic.js';
import { SymbolTable, type SymbolEntry } from './symbols.js';

export type KsymtabLayout = 'prel32' | 'absolute';

export interface Ksymtab {
  layout: KsymtabLayout;
  /** Exported symbols, __ksymtab's then __ksymtab_gpl's, in table order. */
  symbols: SymbolEntry[];
}

const ENTRY_SECTIONS = ['__ksymtab', '__ksymtab_gpl'];

/** nm's letter for a section's symbols (as nm derives it for ELF symbols); `A` for no section. */
function kindOf(sec: SectionHeader | undefined): string {
  if (!sec) return 'A';
  if ((sec.flags & SHF_EXECINSTR) !== 0n) return 'T';
  if (sec.type === SHT_NOBITS) return 'B';
  return (sec.flags & SHF_WRITE) !== 0n ? 'D' : 'R';
}

const UTF8 = new TextDecoder();

class EntryReader {
  private readonly view: DataView;
  readonly stride: number;
  /** The last section an export pointed into: exports cluster, so most look-ups stop here. */
  private lastSection: SectionHeader | undefined;

  constructor(
    private readonly elf: ElfFile,
    readonly layout: KsymtabLayout,
    private readonly strings: SectionHeader,
  ) {
    this.view = new DataView(elf.data.buffer, elf.data.byteOffset, elf.data.byteLength);
    this.stride = layout === 'prel32' ? 12 : 3 * (elf.header.class === 64 ? 8 : 4);
  }

  private field(sec: SectionHeader, at: number, index: number): bigint {
    const off = at + index * (this.stride / 3);
    if (this.layout === 'prel32') return (sec.addr + BigInt(off - sec.offset) + BigInt(this.view.getInt32(off, true))) & this.addressMask();
    return this.stride === 24 ? this.view.getBigUint64(off, true) : BigInt(this.view.getUint32(off, true));
  }

  private addressMask(): bigint {
    return this.elf.header.class === 64 ? 0xffff_ffff_ffff_ffffn : 0xffff_ffffn;
  }

  /** The name at `address` if it is a NUL-terminated string inside __ksymtab_strings. */
  nameAt(address: bigint): string | undefined {
    const s = this.strings;
    if (address < s.addr || address >= s.addr + s.size) return undefined;
    const start = s.offset + Number(address - s.addr);
    const end = this.elf.data.indexOf(0, start);
    if (end < 0 || end >= s.offset + s.fileSize || end === start) return undefined;
    return UTF8.decode(this.elf.data.subarray(start, end));
  }

  /** Entry at file offset `at` of `sec`, or why it is not one. */
  entry(sec: SectionHeader, at: number): SymbolEntry | string {
    const name = this.nameAt(this.field(sec, at, 1));
    if (name === undefined) return `its name pointer ${hex(this.field(sec, at, 1))} is not a string in __ksymtab_strings`;
    const address = this.field(sec, at, 0);
    const last = this.lastSection;
    const home = last && address >= last.addr && address < last.addr + last.size ? last : (this.lastSection = sectionsAtVaddr(this.elf, address)[0]);
    return { name, address, kind: kindOf(home) };
  }
}

/**
 * The export tables of `elf`, decoded; undefined when it has none (no __ksymtab or no __ksymtab_strings:
 * a kernel without modules, or not a kernel). Tables that are there but do not decode are an InputError
 * at the file offset of the first bad entry: never a partial list.
 */
export function readKsymtab(elf: ElfFile): Ksymtab | undefined {
  const strings = findSection(elf, '__ksymtab_strings');
  const tables = ENTRY_SECTIONS.map((n) => findSection(elf, n)).filter((s): s is SectionHeader => s !== undefined && s.fileSize > 0);
  if (!strings || strings.fileSize === 0 || tables.length === 0) return undefined;
  const first = tables[0]!;
  const reader = (['prel32', 'absolute'] as const)
    .map((l) => new EntryReader(elf, l, strings))
    .find((r) => first.fileSize >= r.stride && typeof r.entry(first, first.offset) !== 'string');
  if (!reader) {
    throw new InputError(`${elf.fileName}: ${first.name}: the first entry is neither layout of struct kernel_symbol (no name in __ksymtab_strings)`, { file: elf.fileName, offset: first.offset });
  }
  const symbols: SymbolEntry[] = [];
  for (const sec of tables) {
    if (sec.fileSize % reader.stride !== 0) {
      throw new InputError(`${elf.fileName}: ${sec.name} is ${sec.fileSize} bytes, not a whole number of ${reader.stride}-byte entries (${reader.layout})`, { file: elf.fileName, offset: sec.offset });
    }
    for (let at = sec.offset; at < sec.offset + sec.fileSize; at += reader.stride) {
      const e = reader.entry(sec, at);
      if (typeof e === 'string') throw new InputError(`${elf.fileName}: ${sec.name} entry ${(at - sec.offset) / reader.stride}: ${e}`, { file: elf.fileName, offset: at });
      symbols.push(e);
    }
  }
  return { layout: reader.layout, symbols };
}

/**
 * `table` (the kernel's kallsyms) with the exported symbols it lacks added, when there are any: the source
 * then says so. Names kallsyms has are kept as kallsyms gives them (an export is the same symbol).
 */
export function withExports(elf: ElfFile, table: SymbolTable): SymbolTable {
  const exports = readKsymtab(elf);
  const missing = exports?.symbols.filter((s) => table.addressOf(s.name) === undefined) ?? [];
  return missing.length === 0 ? table : new SymbolTable('kallsyms+ksymtab', [...table.symbols, ...missing]);
}

/** The export tables alone, for an image without kallsyms; undefined when it has none. */
export function ksymtabSymbolTable(elf: ElfFile): SymbolTable | undefined {
  const k = readKsymtab(elf);
  return k && k.symbols.length > 0 ? new SymbolTable('ksymtab', k.symbols) : undefined;
}
