// One symbol lookup for both sources a kernel offers: the ELF symbol table (an unstripped vmlinux, any
// object or executable) or, for a stripped kernel such as the vmlinux inside a vmlinuz, its System.map.

import { hex } from './bytes.js';
import {
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_WRITE,
  SHN_ABS,
  SHN_COMMON,
  SHN_UNDEF,
  SHT_NOBITS,
  STB_LOCAL,
  STB_WEAK,
  STT_FILE,
  STT_OBJECT,
  STT_SECTION,
  type ElfFile,
  type ElfSymbol,
} from './elf/types.js';

export type SymbolSource = 'symtab' | 'dynsym' | 'system.map' | 'kallsyms' | 'kallsyms+ksymtab' | 'ksymtab';

export interface SymbolEntry {
  name: string;
  address: bigint;
  /** Known for ELF symbols (st_size); System.map has no sizes. */
  size?: bigint;
  /**
   * nm's one-letter type, as System.map stores it (T text, D data, B bss, R read-only, A absolute,
   * W/V weak, U undefined; lower case = local). Derived from the section for ELF symbols.
   */
  kind: string;
}

export interface NearestSymbol {
  symbol: SymbolEntry;
  /** address - symbol.address (>= 0). */
  offset: bigint;
}

/**
 * Lookup by name and by address. Address lookups skip undefined and absolute symbols (they are not
 * locations) and, for ELF, section and file symbols.
 */
export class SymbolTable {
  private readonly byName = new Map<string, SymbolEntry[]>();
  /** Locations sorted by address, best-ranked first among equal addresses. */
  private readonly sorted: SymbolEntry[];

  constructor(
    readonly source: SymbolSource,
    readonly symbols: readonly SymbolEntry[],
  ) {
    for (const s of symbols) {
      const list = this.byName.get(s.name);
      if (list) list.push(s);
      else this.byName.set(s.name, [s]);
    }
    const ranked: { s: SymbolEntry; rank: number }[] = [];
    let inOrder = true;
    for (const s of symbols) {
      const r = rank(s);
      if (r < 0) continue;
      if (inOrder && ranked.length > 0 && ranked[ranked.length - 1]!.s.address > s.address) inOrder = false;
      ranked.push({ s, rank: r });
    }
    // Array.prototype.sort is stable, so equal keys keep file order. System.map comes sorted by address
    // (nm -n): then only the runs of equal addresses need ordering by rank, which is much cheaper than a
    // full sort with BigInt comparisons.
    if (!inOrder) ranked.sort((a, b) => (a.s.address < b.s.address ? -1 : a.s.address > b.s.address ? 1 : a.rank - b.rank));
    else {
      for (let i = 0; i < ranked.length; ) {
        let j = i + 1;
        while (j < ranked.length && ranked[j]!.s.address === ranked[i]!.s.address) j++;
        if (j - i > 1) {
          const run = ranked.slice(i, j).sort((a, b) => a.rank - b.rank);
          for (let k = 0; k < run.length; k++) ranked[i + k] = run[k]!;
        }
        i = j;
      }
    }
    this.sorted = ranked.map((x) => x.s);
  }

  get size(): number {
    return this.symbols.length;
  }

  /** All symbols called `name` (a kernel has several local symbols of the same name). */
  all(name: string): readonly SymbolEntry[] {
    return this.byName.get(name) ?? [];
  }

  /** The symbol called `name`: the global definition if there is one, else the first. */
  get(name: string): SymbolEntry | undefined {
    const list = this.byName.get(name);
    if (!list) return undefined;
    return list.find((s) => isGlobalKind(s.kind) && s.kind !== 'U') ?? list.find((s) => s.kind !== 'U' && s.kind !== 'u') ?? list[0];
  }

  addressOf(name: string): bigint | undefined {
    return this.get(name)?.address;
  }

  /**
   * The symbol at or below `address` (symbol + offset, as in a backtrace). Among symbols at the same
   * address: global before weak before local, then the first listed. Sizes are not checked: with
   * System.map there are none; compare `offset` with `symbol.size` if it matters.
   */
  nearest(address: bigint): NearestSymbol | undefined {
    const a = this.sorted;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]!.address <= address) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return undefined;
    // lo - 1 is the last entry at the greatest address <= address; step back to the best-ranked one.
    let i = lo - 1;
    const at = a[i]!.address;
    while (i > 0 && a[i - 1]!.address === at) i--;
    const symbol = a[i]!;
    return { symbol, offset: address - symbol.address };
  }

  /** "name+0x12" for an address, or its hex value when no symbol is below it. */
  describe(address: bigint): string {
    const n = this.nearest(address);
    if (!n) return hex(address);
    return n.offset === 0n ? n.symbol.name : `${n.symbol.name}+${hex(n.offset)}`;
  }
}

function isGlobalKind(kind: string): boolean {
  return kind !== kind.toLowerCase();
}

/** Lower is better; -1 excludes the symbol from address lookups. */
function rank(s: SymbolEntry): number {
  const k = s.kind;
  if (k === 'U' || k === 'u' || k === 'A' || k === 'a' || k === 'N' || k === 'n' || s.name === '') return -1;
  if (k === 'W' || k === 'V' || k === 'w' || k === 'v') return 1;
  return isGlobalKind(k) ? 0 : 2;
}

/** nm's letter for an ELF symbol. */
export function nmKind(elf: ElfFile, s: ElfSymbol): string {
  if (s.shndx === SHN_UNDEF) return s.bind === STB_WEAK ? (s.type === STT_OBJECT ? 'v' : 'w') : 'U';
  if (s.bind === STB_WEAK) return s.type === STT_OBJECT ? 'V' : 'W';
  let k: string;
  if (s.shndx === SHN_ABS) k = 'A';
  else if (s.shndx === SHN_COMMON) k = 'C';
  else {
    const sec = elf.sections[s.shndx];
    if (!sec) k = '?';
    else if ((sec.flags & SHF_EXECINSTR) !== 0n) k = 'T';
    else if (sec.type === SHT_NOBITS) k = 'B';
    else if ((sec.flags & SHF_WRITE) !== 0n) k = 'D';
    else if ((sec.flags & SHF_ALLOC) !== 0n) k = 'R';
    else k = 'N';
  }
  return s.bind === STB_LOCAL ? k.toLowerCase() : k;
}

/** A SymbolTable of an ELF's .symtab (or .dynsym), without the null, section and file symbols. */
export function elfSymbolTable(elf: ElfFile, which: 'symtab' | 'dynsym' = 'symtab'): SymbolTable {
  const list = which === 'symtab' ? elf.symtab : elf.dynsym;
  const entries: SymbolEntry[] = [];
  for (const s of list) {
    if (s.index === 0 || s.type === STT_SECTION || s.type === STT_FILE || s.name === '') continue;
    entries.push({ name: s.name, address: s.value, size: s.size, kind: nmKind(elf, s) });
  }
  return new SymbolTable(which, entries);
}
