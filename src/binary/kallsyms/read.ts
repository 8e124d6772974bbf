// Reading a kernel's own symbol table, kallsyms, from its image: no System.map, no ELF symbol table.
// The tables' layout and encodings are those of scripts/kallsyms.c in Linux 6.1 and 6.12 (see tokens.ts,
// names.ts, addresses.ts, seqs.ts); they carry no symbols of their own in a stripped vmlinux, so they are
// located by their shape, anchored on the token table, and every candidate is checked end to end.

import { SHF_ALLOC, SHF_EXECINSTR, SHT_NOBITS, SHT_PROGBITS, type ElfFile } from '../elf/types.js';
import { SymbolTable, type SymbolEntry } from '../symbols.js';
import { hex } from '../bytes.js';
import { findSection } from '../elf/layout.js';
import { addressPlaces, readAddresses, type AddressEncoding, type AddressSpan, type AddressTable } from './addresses.js';
import { KallsymsImage, Progress } from './image.js';
import { findNames } from './names.js';
import { checkSeqs } from './seqs.js';
import { readTokenTable, tokenIndexCandidates, type TokenTable } from './tokens.js';

export interface Kallsyms {
  symbols: SymbolEntry[];
  encoding: AddressEncoding;
  /** File offsets of the tables found. */
  tables: {
    tokenTable: number;
    tokenIndex: number;
    numSyms: number;
    names: number;
    markers: number;
    addresses: number;
    relativeBase?: number;
    seqsOfNames?: number;
  };
}

/**
 * The kallsyms tables of `elf`, decoded; undefined when it has none (a kernel built without
 * CONFIG_KALLSYMS, or not a kernel). Tables that are there but do not decode consistently are an
 * InputError naming the file offset where they stop making sense: never a partial list.
 */
export function readKallsyms(elf: ElfFile): Kallsyms | undefined {
  const ptrSize = elf.header.class === 64 ? 8 : 4;
  const span = allocSpan(elf);
  let best: Progress | undefined;
  let bestImg: KallsymsImage | undefined;
  const note = (img: KallsymsImage, p: Progress) => {
    if (best === undefined || p.progress > best.progress) {
      best = p;
      bestImg = img;
    }
  };
  for (const [start, end] of searchRegions(elf)) {
    const img = new KallsymsImage(elf.data, elf.fileName, start, end, ptrSize, findSection(elf, '.text')?.addr);
    for (const index of tokenIndexCandidates(img)) {
      const tok = readTokenTable(img, index);
      if (tok === undefined) continue;
      if (tok instanceof Progress) {
        note(img, tok);
        continue;
      }
      const r = decodeFrom(img, tok, span);
      if (r instanceof Progress) note(img, r);
      else if (r) return r;
    }
  }
  if (best && bestImg) throw best.toError(bestImg);
  return undefined;
}

function decodeFrom(img: KallsymsImage, tok: TokenTable, span: AddressSpan): Kallsyms | Progress | undefined {
  const names = findNames(img, tok);
  if (names === undefined) return new Progress(0, tok.tableOffset, 'a kallsyms_token_table, but no kallsyms_markers and kallsyms_names before it');
  if (names instanceof Progress) return names;
  const n = names.count;
  let best: Progress | undefined;
  for (const place of addressPlaces(img, n, names.numSymsOffset, tok.indexOffset + 512)) {
    const a = readAddresses(img, n, place, span, n + 1);
    if (a instanceof Progress) {
      best = Progress.better(best, a);
      continue;
    }
    // 6.1 has seqs_of_names between the markers and the token table; 6.12 after relative_base.
    const seqs = names.seqsOffset ?? (place.offset > tok.indexOffset && a.relativeBaseOffset !== undefined ? a.relativeBaseOffset + img.ptrSize : undefined);
    if (seqs !== undefined) {
      const bad = checkSeqs(img, seqs, names.names, a.addresses, 2 * n + 2);
      if (bad) {
        best = Progress.better(best, bad);
        continue;
      }
    }
    const anchor = checkAnchor(img, names.names, a);
    if (anchor) {
      best = Progress.better(best, anchor);
      continue;
    }
    const symbols: SymbolEntry[] = new Array(n);
    for (let i = 0; i < n; i++) symbols[i] = { name: names.names[i]!, address: a.addresses[i]!, kind: names.kinds[i]! };
    return {
      symbols,
      encoding: a.encoding,
      tables: {
        tokenTable: tok.tableOffset,
        tokenIndex: tok.indexOffset,
        numSyms: names.numSymsOffset,
        names: names.namesOffset,
        markers: names.markersOffset,
        addresses: a.offset,
        ...(a.relativeBaseOffset !== undefined ? { relativeBase: a.relativeBaseOffset } : {}),
        ...(seqs !== undefined ? { seqsOfNames: seqs } : {}),
      },
    };
  }
  return best ?? new Progress(n + 1, names.numSymsOffset, `no kallsyms_offsets or kallsyms_addresses for ${n} symbols next to the other tables`);
}

/**
 * Consistent tables can still be wrong as a whole: a damaged relative_base moves every address alike.
 * The kernel's linker script starts .text at _text: hold kallsyms to that when it has both.
 */
function checkAnchor(img: KallsymsImage, names: readonly string[], a: AddressTable): Progress | undefined {
  if (!img.textAddress) return undefined;
  const i = names.indexOf('_text');
  if (i < 0 || a.addresses[i] === img.textAddress) return undefined;
  const at = a.relativeBaseOffset ?? a.offset + img.ptrSize * i;
  return new Progress(3 * names.length + 3, at, `the tables put _text at ${hex(a.addresses[i]!)}, but section .text starts at ${hex(img.textAddress)}${a.relativeBaseOffset !== undefined ? ` (kallsyms_relative_base is ${hex(a.relativeBase!)})` : ''}`);
}

/** The kallsyms tables are in .rodata; without one, in every allocated, non-executable section with contents. */
function searchRegions(elf: ElfFile): [number, number][] {
  const rodata = elf.sections.filter((s) => s.name === '.rodata' && s.type === SHT_PROGBITS && s.fileSize > 0);
  const secs = rodata.length
    ? rodata
    : elf.sections.filter((s) => s.type === SHT_PROGBITS && (s.flags & SHF_ALLOC) !== 0n && (s.flags & SHF_EXECINSTR) === 0n && s.fileSize > 0);
  if (secs.length) return secs.map((s) => [s.offset, s.offset + s.fileSize]);
  return elf.programHeaders.filter((p) => p.filesz > 0).map((p) => [p.offset, p.offset + p.filesz]);
}

/** Lowest and highest address of the allocated sections (symbols such as _end sit at the very end). */
function allocSpan(elf: ElfFile): AddressSpan {
  let lo: bigint | undefined;
  let hi: bigint | undefined;
  for (const s of elf.sections) {
    if ((s.flags & SHF_ALLOC) === 0n || s.addr === 0n) continue;
    const e = s.addr + (s.type === SHT_NOBITS ? s.size : BigInt(s.fileSize));
    if (lo === undefined || s.addr < lo) lo = s.addr;
    if (hi === undefined || e > hi) hi = e;
  }
  if (lo === undefined || hi === undefined) {
    for (const p of elf.programHeaders) {
      const e = p.vaddr + p.memsz;
      if (lo === undefined || p.vaddr < lo) lo = p.vaddr;
      if (hi === undefined || e > hi) hi = e;
    }
  }
  return { lo: lo ?? 0n, hi: hi ?? (1n << 64n) - 1n };
}

/** readKallsyms as a SymbolTable. */
export function kallsymsSymbolTable(elf: ElfFile): SymbolTable | undefined {
  const k = readKallsyms(elf);
  return k ? new SymbolTable('kallsyms', k.symbols) : undefined;
}
