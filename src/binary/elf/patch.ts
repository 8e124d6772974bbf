// In-place patching. The patcher never changes a file's layout, only bytes inside section contents, so
// writing an ELF is: copy the input buffer, apply checked writes, save atomically. The input file is never
// touched; the input buffer neither, unless the caller hands it over (`inPlace`: one copy of a large file
// in memory instead of two).

import { InputError } from '../../diag/diagnostic.js';
import { writeFileAtomic, type AtomicWriteOptions } from '../atomicWrite.js';
import { hex } from '../bytes.js';
import { lookupVaddr } from './layout.js';
import { PT_LOAD, SHT_DYNSYM, SHT_SYMTAB, type ElfFile, type SectionHeader } from './types.js';

export interface ByteWrite {
  offset: number;
  vaddr?: bigint;
  before: Uint8Array;
  after: Uint8Array;
}

export class ElfPatcher {
  /** The patched copy. */
  readonly data: Uint8Array;
  /** Every write applied, in order (with the bytes it replaced). */
  readonly writes: ByteWrite[] = [];
  /** Sections the parsed view depends on (names, symbols): writing them would make it lie. */
  private readonly structural: Set<number>;

  /** Last section written to: patch sites cluster in .text, so this answers most lookups at once. */
  private lastSection: SectionHeader | undefined;
  /** lastSection may take any write inside it: not structural, clear of every header table. */
  private lastSectionFree = false;

  /**
   * `record: false` keeps no log of writes: applying a million sites then costs no memory per site (the
   * before/after of each write can be had from the input and `data`). `inPlace: true` patches
   * `elf.data` itself: the caller gives up the input buffer (and keeps what it needs of it).
   */
  constructor(
    readonly elf: ElfFile,
    private readonly options: { record?: boolean; inPlace?: boolean } = {},
  ) {
    this.data = options.inPlace ? elf.data : elf.data.slice(0, elf.data.length);
    this.structural = new Set<number>();
    if (elf.header.shstrndx) this.structural.add(elf.header.shstrndx);
    for (const s of elf.sections) {
      if (s.type === SHT_SYMTAB || s.type === SHT_DYNSYM) {
        this.structural.add(s.index);
        this.structural.add(s.link);
      }
    }
  }

  /** The bytes at [offset, offset + length) of the patched copy (a view). */
  read(offset: number, length: number): Uint8Array {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.data.length) {
      throw new InputError(`read of ${length} bytes at ${hex(offset)} is outside the file`, { file: this.elf.fileName, offset: Math.max(0, Math.min(offset, this.data.length)) });
    }
    return this.data.subarray(offset, offset + length);
  }

  readVaddr(vaddr: bigint, length: number): Uint8Array {
    return this.read(this.offsetOf(vaddr, length), length);
  }

  /** Overwrites bytes at a file offset: the range must lie inside one section's file contents. */
  write(offset: number, bytes: Uint8Array, vaddr?: bigint): void {
    const last = this.lastSection;
    // The patch loop's case: another write inside the section written last, already found writable.
    if (this.lastSectionFree && this.options.record === false && last && Number.isSafeInteger(offset) && offset >= last.offset && offset + bytes.length <= last.offset + last.fileSize && bytes.length > 0) {
      // A site is a few bytes: a loop beats the call into TypedArray.prototype.set.
      const data = this.data;
      for (let k = 0; k < bytes.length; k++) data[offset + k] = bytes[k]!;
      return;
    }
    const sec = this.containingSection(offset, bytes.length);
    const at = { file: this.elf.fileName, offset: Math.max(0, Math.min(offset, this.data.length)), ...(vaddr !== undefined ? { vaddr } : {}) };
    // An ELF without section headers (sstrip'd) is patched by segment, as its sites are found (CodeMap).
    const sectionless = this.elf.sections.length <= 1;
    if (!sec && !(sectionless && this.inLoadSegment(offset, bytes.length))) {
      throw new InputError(`write of ${bytes.length} bytes at ${hex(offset)} is not inside the file contents of one ${sectionless ? 'PT_LOAD segment' : 'section'}`, at);
    }
    if (sec && this.structural.has(sec.index)) throw new InputError(`write at ${hex(offset)} would change ${sec.name || `section ${sec.index}`}, which holds names or symbols`, at);
    if (this.overlapsHeaders(offset, bytes.length)) throw new InputError(`write at ${hex(offset)} overlaps the ELF header or a header table`, at);
    this.lastSectionFree = sec !== undefined && sec === this.lastSection && !this.overlapsHeaders(sec.offset, sec.fileSize);
    if (this.options.record === false) {
      this.data.set(bytes, offset);
      return;
    }
    const before = this.data.slice(offset, offset + bytes.length);
    this.data.set(bytes, offset);
    this.writes.push({ offset, ...(vaddr !== undefined ? { vaddr } : {}), before, after: bytes.slice() });
  }

  writeVaddr(vaddr: bigint, bytes: Uint8Array): void {
    this.write(this.offsetOf(vaddr, bytes.length), bytes, vaddr);
  }

  /** Saves the patched copy atomically (see writeFileAtomic). */
  save(path: string, options?: AtomicWriteOptions): Promise<void> {
    return writeFileAtomic(path, this.data, options);
  }

  private offsetOf(vaddr: bigint, length: number): number {
    const l = lookupVaddr(this.elf, vaddr, length);
    if (!l.ok) throw new InputError(l.reason, { file: this.elf.fileName, offset: 0, vaddr });
    return l.offset;
  }

  private containingSection(offset: number, length: number): SectionHeader | undefined {
    if (!Number.isSafeInteger(offset) || offset < 0 || length <= 0) return undefined;
    const last = this.lastSection;
    if (last && offset >= last.offset && offset + length <= last.offset + last.fileSize) return last;
    this.lastSectionFree = false;
    return (this.lastSection = this.elf.sections.find((s) => s.index !== 0 && s.fileSize > 0 && offset >= s.offset && offset + length <= s.offset + s.fileSize));
  }

  private inLoadSegment(offset: number, length: number): boolean {
    if (!Number.isSafeInteger(offset) || offset < 0 || length <= 0) return false;
    return this.elf.programHeaders.some((p) => p.type === PT_LOAD && offset >= p.offset && offset + length <= p.offset + p.filesz);
  }

  private headerRanges: [number, number][] | undefined;

  private overlapsHeaders(offset: number, length: number): boolean {
    const h = this.elf.header;
    this.headerRanges ??= [
      [0, h.ehsize || (h.class === 64 ? 64 : 52)],
      [h.phoff, h.phoff + h.phnum * h.phentsize],
      [h.shoff, h.shoff + h.shnum * h.shentsize],
    ];
    for (const [a, b] of this.headerRanges) if (b > a && offset < b && offset + length > a) return true;
    return false;
  }
}
