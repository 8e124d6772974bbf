// Where code may be patched: file-backed bytes of executable sections, as a sorted list of ranges so a
// million site addresses resolve by a cached lookup rather than a scan of every section and segment.
// A site's place is (range, offset into the range): a plain number, so the patch loop needs no BigInt.
import { InputError } from '../diag/diagnostic.js';
import { elfConst, isExecutable, lookupVaddr, type ElfFile } from '../binary/index.js';

export interface CodeRange {
  /** Position in CodeMap.ranges. */
  id: number;
  start: bigint;
  end: bigint;
  /** File offset of `start`. */
  offset: number;
  size: number;
  /** `start` as two 32-bit halves, for site tables read without BigInt. */
  startHi: number;
  startLo: number;
  name: string;
}

/** Where one site is: its code range and its address minus the range's start. */
export interface SitePlace {
  range: CodeRange;
  rel: number;
}

const TWO32 = 4294967296;

export class CodeMap {
  readonly ranges: CodeRange[];
  private last: CodeRange | undefined;

  constructor(private readonly elf: ElfFile) {
    const ranges: Omit<CodeRange, 'id'>[] = [];
    const add = (start: bigint, size: number, offset: number, name: string) =>
      ranges.push({ start, end: start + BigInt(size), offset, size, startHi: Number(start >> 32n), startLo: Number(start & 0xffffffffn), name });
    const secs = elf.sections.filter((s) => s.index !== 0 && (s.flags & elfConst.SHF_EXECINSTR) !== 0n && (s.flags & elfConst.SHF_ALLOC) !== 0n && s.fileSize > 0);
    if (secs.length) {
      for (const s of secs) {
        // The same mapping lookupVaddr gives; a section whose bytes do not map unambiguously is not code we may patch.
        const l = lookupVaddr(elf, s.addr, s.fileSize);
        if (l.ok) add(s.addr, s.fileSize, l.offset, s.name);
      }
    } else if (elf.sections.length <= 1) {
      for (const p of elf.programHeaders) {
        if (p.type !== elfConst.PT_LOAD || (p.flags & elfConst.PF_X) === 0 || p.filesz === 0) continue;
        const l = lookupVaddr(elf, p.vaddr, p.filesz);
        if (l.ok) add(p.vaddr, p.filesz, l.offset, `segment ${p.index}`);
      }
    }
    this.ranges = ranges.sort((a, b) => (a.start < b.start ? -1 : 1)).map((r, id) => ({ ...r, id }));
  }

  /** The file offset of [address, address + len), which must lie whole in one executable range. */
  offsetOf(address: bigint, len: number, what: string, at?: { file: string; offset: number }): number {
    const r = this.rangeOf(address, len);
    if (!r) throw new InputError(`${what}: site 0x${address.toString(16)} (${len} bytes) ${this.whyNot(address, len)}`, at);
    return r.offset + Number(address - r.start);
  }

  /** Fills `into` with the place of [address, address + len); false when it is not whole in one range. */
  place(address: bigint, len: number, into: SitePlace): boolean {
    const r = this.rangeOf(address, len);
    if (!r) return false;
    into.range = r;
    into.rel = Number(address - r.start);
    return true;
  }

  /**
   * The same for an address given as 32-bit halves (as a site table stores it): plain number arithmetic
   * against the last range used, which holds nearly every site; BigInt only to change ranges.
   */
  placeHalves(hi: number, lo: number, len: number, into: SitePlace): boolean {
    const r = this.last;
    if (r) {
      const dHi = hi - r.startHi;
      // Exact: |dHi| <= 1 keeps the sum far below 2^53; anything further is outside a < 4 GiB range.
      if (dHi >= -1 && dHi <= 1) {
        const rel = dHi * TWO32 + (lo - r.startLo);
        if (rel >= 0 && rel + len <= r.size) {
          into.range = r;
          into.rel = rel;
          return true;
        }
      }
    }
    return this.place(BigInt(hi) * 0x100000000n + BigInt(lo), len, into);
  }

  /** Whether file bytes [offset, offset + size) share any byte with a code range (which may be written). */
  overlapsCode(offset: number, size: number): boolean {
    return this.ranges.some((r) => offset < r.offset + r.size && offset + size > r.offset);
  }

  private rangeOf(address: bigint, len: number): CodeRange | undefined {
    const end = address + BigInt(len);
    let r = this.last;
    if (!r || address < r.start || end > r.end) {
      r = this.find(address);
      if (!r || end > r.end) return undefined;
      this.last = r;
    }
    return r;
  }

  private find(address: bigint): CodeRange | undefined {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.ranges[mid]!;
      if (address < r.start) hi = mid - 1;
      else if (address >= r.end) lo = mid + 1;
      else return r;
    }
    return undefined;
  }

  private whyNot(address: bigint, len: number): string {
    const l = lookupVaddr(this.elf, address, len);
    if (!l.ok) return `is not in the file: ${l.reason}`;
    if (!isExecutable(this.elf, address)) return 'is not in an executable section';
    return 'crosses the end of its executable section';
  }
}
