// Reading a kernel's ALTERNATIVE table (.altinstructions) and the replacement bytes each entry points at.
// The entry layout is data (src/kernel/layout.ts); every entry is bounds-checked before it is used.
import { InputError } from '../diag/diagnostic.js';
import { findSection, lookupVaddr, sectionAtVaddr, sectionData, type ElfFile } from '../binary/index.js';
import type { AltInstrLayout, Width } from './layout.js';

export interface AltInstr {
  /** Position in the table (0-based): the kernel applies entries in this order, later ones win. */
  index: number;
  /** File offset of the entry itself, for messages. */
  fileOffset: number;
  /** The patched code ("instr") and its replacement, as absolute addresses. */
  instrAddr: bigint;
  replAddr: bigint;
  /** The raw feature word ("cpuid" in 6.1), for printing what could not be interpreted. */
  word: number;
  feature: number;
  /** Apply when the feature is NOT set (ALT_NOT). */
  notSet: boolean;
  /** Bits of the word that are neither feature nor the not-set flag (0 in a well-formed 6.1 table). */
  otherFlags: number;
  instrlen: number;
  replacementlen: number;
  /** Copy of the replacement bytes as linked (before any re-basing). */
  replacement: Uint8Array;
  /** Section the replacement lies in (normally .altinstr_replacement). */
  replacementSection: string | undefined;
}

/** Guard against a "table" that is megabytes of garbage. */
export const MAX_ALTERNATIVES = 10_000_000;

function readUnsigned(dv: DataView, at: number, width: Width): number {
  return width === 1 ? dv.getUint8(at) : width === 2 ? dv.getUint16(at, true) : dv.getUint32(at, true);
}

function checkLayout(layout: AltInstrLayout): void {
  const fields: [string, number, number][] = [
    ['instr', layout.instr.offset, 4],
    ['repl', layout.repl.offset, 4],
    ['word', layout.word.offset, layout.word.width],
    ['instrlen', layout.instrlen.offset, layout.instrlen.width],
    ['replacementlen', layout.replacementlen.offset, layout.replacementlen.width],
  ];
  for (const [name, offset, width] of fields) {
    if (offset < 0 || offset + width > layout.stride) throw new InputError(`alternative layout ${layout.name}: field ${name} (${width} bytes at ${offset}) is outside the ${layout.stride}-byte entry`);
  }
}

/**
 * Every entry of the layout's table. A missing section, a table that ends inside an entry, or an entry
 * whose code or replacement lies outside the file is an InputError naming the entry's file offset.
 */
export function readAltInstructions(elf: ElfFile, layout: AltInstrLayout): AltInstr[] {
  checkLayout(layout);
  const sec = findSection(elf, layout.section);
  if (!sec) throw new InputError(`${elf.fileName}: no section '${layout.section}' (the kernel's ALTERNATIVE table)`);
  const data = sectionData(elf, sec);
  if (data.length !== Number(sec.size)) throw new InputError(`${layout.section}: the section has no contents in the file`, { file: elf.fileName, offset: sec.offset });
  const count = Math.floor(data.length / layout.stride);
  const rest = data.length - count * layout.stride;
  if (rest !== 0) {
    throw new InputError(`${layout.section}: ${data.length} bytes is not a whole number of ${layout.stride}-byte entries (${layout.source}); the last ${rest} bytes are a truncated entry`, {
      file: elf.fileName,
      offset: sec.offset + count * layout.stride,
    });
  }
  if (count > MAX_ALTERNATIVES) throw new InputError(`${layout.section}: ${count} entries exceed the limit of ${MAX_ALTERNATIVES}`, { file: elf.fileName, offset: sec.offset });
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const addrBits = elf.header.class === 64 ? 64 : 32;
  const relative = (base: number, fieldOffset: number): bigint => {
    const at = base + fieldOffset;
    return BigInt.asUintN(addrBits, sec.addr + BigInt(at) + BigInt(dv.getInt32(at, true)));
  };
  const out: AltInstr[] = [];
  for (let i = 0; i < count; i++) {
    const base = i * layout.stride;
    const where = { file: elf.fileName, offset: sec.offset + base };
    const what = `${layout.section} entry ${i}`;
    const instrAddr = relative(base, layout.instr.offset);
    const replAddr = relative(base, layout.repl.offset);
    const word = readUnsigned(dv, base + layout.word.offset, layout.word.width);
    const instrlen = readUnsigned(dv, base + layout.instrlen.offset, layout.instrlen.width);
    const replacementlen = readUnsigned(dv, base + layout.replacementlen.offset, layout.replacementlen.width);
    const code = lookupVaddr(elf, instrAddr, Math.max(instrlen, 1));
    if (!code.ok) throw new InputError(`${what}: the code it patches (0x${instrAddr.toString(16)}, ${instrlen} bytes) is outside the file: ${code.reason}`, where);
    let replacement = new Uint8Array(0);
    if (replacementlen > 0) {
      const r = lookupVaddr(elf, replAddr, replacementlen);
      if (!r.ok) throw new InputError(`${what}: its replacement (0x${replAddr.toString(16)}, ${replacementlen} bytes) is outside the file: ${r.reason}`, where);
      replacement = elf.data.slice(r.offset, r.offset + replacementlen);
    }
    out.push({
      index: i,
      fileOffset: where.offset,
      instrAddr,
      replAddr,
      word,
      feature: word & layout.featureMask,
      notSet: (word & layout.notSetMask) !== 0,
      otherFlags: word & ~(layout.featureMask | layout.notSetMask),
      instrlen,
      replacementlen,
      replacement,
      replacementSection: sectionAtVaddr(elf, replAddr)?.name,
    });
  }
  return out;
}

/** Alternatives sorted by the address they patch, with a query for those overlapping a range. */
export class AltIndex {
  private readonly sorted: AltInstr[];
  private readonly maxLen: bigint;

  constructor(alts: readonly AltInstr[]) {
    this.sorted = [...alts].sort((a, b) => (a.instrAddr < b.instrAddr ? -1 : a.instrAddr > b.instrAddr ? 1 : a.index - b.index));
    let max = 0;
    for (const a of alts) max = Math.max(max, a.instrlen);
    this.maxLen = BigInt(max);
  }

  /** Entries whose patched range [instrAddr, instrAddr + instrlen) meets [address, address + len), in table order. */
  overlapping(address: bigint, len: number): AltInstr[] {
    const end = address + BigInt(len);
    const from = address - this.maxLen;
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]!.instrAddr < from) lo = mid + 1;
      else hi = mid;
    }
    const out: AltInstr[] = [];
    for (let i = lo; i < this.sorted.length && this.sorted[i]!.instrAddr < end; i++) {
      const a = this.sorted[i]!;
      // A zero-length entry at the site's start still "starts at" the site; count it so it is reported.
      if (a.instrAddr + BigInt(a.instrlen) > address || a.instrAddr === address) out.push(a);
    }
    return out.sort((a, b) => a.index - b.index);
  }
}
