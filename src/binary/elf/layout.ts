// Virtual address <-> file offset mapping.
//
// Decision: when the file has PT_LOAD segments (executables, shared objects, vmlinux), addresses map
// through them, as the loader maps the file: vaddr = p_vaddr + (offset - p_offset) for the first p_filesz
// bytes of each segment (the memsz - filesz tail is zero-filled memory with no file bytes). Files without
// PT_LOAD (relocatable objects) map through their SHF_ALLOC sections with file contents instead, using
// sh_addr. In a relocatable object every section starts at address 0, so an address covered by two
// regions that disagree on the file offset is *ambiguous* and does not map at all: callers of such files
// should work with section-relative offsets (section.offset + n) instead.

import { InputError } from '../../diag/diagnostic.js';
import { hex } from '../bytes.js';
import { PF_X, PT_LOAD, SHF_ALLOC, SHF_EXECINSTR, type ElfFile, type SectionHeader } from './types.js';

/** A file-backed stretch of the address space: `size` bytes at `offset` appear at `vaddr`. */
export interface AddressRegion {
  via: 'segment' | 'section';
  /** Program header index or section index. */
  index: number;
  vaddr: bigint;
  offset: number;
  size: number;
}

const regionCache = new WeakMap<ElfFile, readonly AddressRegion[]>();

/** The regions vaddr <-> offset mapping uses (see the decision above). */
export function addressRegions(elf: ElfFile): readonly AddressRegion[] {
  let regions = regionCache.get(elf);
  if (regions) return regions;
  const loads = elf.programHeaders.filter((p) => p.type === PT_LOAD);
  if (loads.length > 0) {
    // A p_filesz larger than p_memsz is malformed; only bytes that are both in the file and in memory map.
    regions = loads
      .map((p) => ({ via: 'segment' as const, index: p.index, vaddr: p.vaddr, offset: p.offset, size: p.memsz < BigInt(p.filesz) ? Number(p.memsz) : p.filesz }))
      .filter((r) => r.size > 0);
  } else {
    regions = elf.sections
      .filter((s) => (s.flags & SHF_ALLOC) !== 0n && s.fileSize > 0)
      .map((s) => ({ via: 'section' as const, index: s.index, vaddr: s.addr, offset: s.offset, size: s.fileSize }));
  }
  regionCache.set(elf, regions);
  return regions;
}

export type VaddrLookup = { ok: true; offset: number; region: AddressRegion } | { ok: false; reason: string };

/** Per file: each region's end, and whether no other region overlaps it (a hit there is unambiguous). */
const quickCache = new WeakMap<ElfFile, { region: AddressRegion; end: bigint; alone: boolean }[]>();

function quickRegions(elf: ElfFile): { region: AddressRegion; end: bigint; alone: boolean }[] {
  let q = quickCache.get(elf);
  if (q) return q;
  const regions = addressRegions(elf);
  q = regions.map((r) => {
    const end = r.vaddr + BigInt(r.size);
    return { region: r, end, alone: !regions.some((o) => o !== r && o.vaddr < end && r.vaddr < o.vaddr + BigInt(o.size)) };
  });
  quickCache.set(elf, q);
  return q;
}

/** Maps [vaddr, vaddr + length) to file offsets; it must lie inside one region and be unambiguous. */
export function lookupVaddr(elf: ElfFile, vaddr: bigint, length = 1): VaddrLookup {
  const len = BigInt(length);
  // Patch passes look up hundreds of thousands of sites: a hit in a region nothing else overlaps is the answer.
  const last = vaddr + len;
  for (const q of quickRegions(elf)) {
    if (q.alone && vaddr >= q.region.vaddr && last <= q.end) return { ok: true, offset: q.region.offset + Number(vaddr - q.region.vaddr), region: q.region };
  }
  let found: { offset: number; region: AddressRegion } | undefined;
  for (const r of addressRegions(elf)) {
    if (vaddr < r.vaddr || vaddr + len > r.vaddr + BigInt(r.size)) continue;
    const offset = r.offset + Number(vaddr - r.vaddr);
    if (!found) found = { offset, region: r };
    else if (found.offset !== offset) {
      return { ok: false, reason: `address ${hex(vaddr)} is ambiguous: ${describe(elf, found.region)} and ${describe(elf, r)} both cover it` };
    }
  }
  if (found) return { ok: true, ...found };
  return { ok: false, reason: `address range ${hex(vaddr)}+${length} is not inside the file-backed part of any ${elf.programHeaders.some((p) => p.type === PT_LOAD) ? 'PT_LOAD segment' : 'SHF_ALLOC section'}` };
}

function describe(elf: ElfFile, r: AddressRegion): string {
  return r.via === 'segment' ? `segment ${r.index}` : `section ${elf.sections[r.index]?.name || r.index}`;
}

/** File offset of `vaddr` (and the `length` bytes from it), or undefined if it has none or is ambiguous. */
export function vaddrToOffset(elf: ElfFile, vaddr: bigint, length = 1): number | undefined {
  const l = lookupVaddr(elf, vaddr, length);
  return l.ok ? l.offset : undefined;
}

/** Like vaddrToOffset, but throws an InputError that says why the address does not map. */
export function requireOffset(elf: ElfFile, vaddr: bigint, length = 1): number {
  const l = lookupVaddr(elf, vaddr, length);
  if (!l.ok) throw new InputError(l.reason, { file: elf.fileName, offset: 0, vaddr });
  return l.offset;
}

/** The address file offset `offset` is loaded at, or undefined if it is not in a region or is ambiguous. */
export function offsetToVaddr(elf: ElfFile, offset: number): bigint | undefined {
  let found: bigint | undefined;
  for (const r of addressRegions(elf)) {
    if (offset < r.offset || offset >= r.offset + r.size) continue;
    const v = r.vaddr + BigInt(offset - r.offset);
    if (found === undefined) found = v;
    else if (found !== v) return undefined;
  }
  return found;
}

/** The SHF_ALLOC sections (of non-zero size, SHT_NOBITS included) whose addresses cover `vaddr`. */
export function sectionsAtVaddr(elf: ElfFile, vaddr: bigint): SectionHeader[] {
  return elf.sections.filter((s) => (s.flags & SHF_ALLOC) !== 0n && s.size > 0n && vaddr >= s.addr && vaddr < s.addr + s.size);
}

/** The section containing `vaddr`, when exactly one does (a relocatable object has several at 0). */
export function sectionAtVaddr(elf: ElfFile, vaddr: bigint): SectionHeader | undefined {
  const all = sectionsAtVaddr(elf, vaddr);
  return all.length === 1 ? all[0] : undefined;
}

/** The section whose file contents include byte `offset`. */
export function sectionAtOffset(elf: ElfFile, offset: number): SectionHeader | undefined {
  return elf.sections.find((s) => s.fileSize > 0 && offset >= s.offset && offset < s.offset + s.fileSize);
}

/**
 * Whether the code at `vaddr` is executable: by the flags of the section containing it when the file has
 * section headers (SHF_EXECINSTR, the finer-grained answer: a R+X segment also holds .rodata), otherwise
 * by the PT_LOAD segment's PF_X.
 */
export function isExecutable(elf: ElfFile, vaddr: bigint): boolean {
  const secs = sectionsAtVaddr(elf, vaddr);
  if (secs.length > 0) return secs.every((s) => (s.flags & SHF_EXECINSTR) !== 0n);
  if (elf.sections.length > 1) return false;
  return elf.programHeaders.some((p) => p.type === PT_LOAD && (p.flags & PF_X) !== 0 && vaddr >= p.vaddr && vaddr < p.vaddr + p.memsz);
}

/** The `length` bytes at `vaddr`, as a view into elf.data (not a copy). */
export function readVaddr(elf: ElfFile, vaddr: bigint, length: number): Uint8Array {
  const offset = requireOffset(elf, vaddr, length);
  return elf.data.subarray(offset, offset + length);
}

/** A section's file contents, as a view into elf.data (empty for SHT_NOBITS). */
export function sectionData(elf: ElfFile, section: SectionHeader): Uint8Array {
  return elf.data.subarray(section.offset, section.offset + section.fileSize);
}

/** The first section called `name`. */
export function findSection(elf: ElfFile, name: string): SectionHeader | undefined {
  return elf.sections.find((s) => s.name === name);
}
