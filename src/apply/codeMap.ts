// Where code may be patched: file-backed bytes of executable sections, as a sorted list of ranges so a
// million site addresses resolve by a cached lookup rather than a scan of every section and segment.
import { InputError } from '../diag/diagnostic.js';
import { elfConst, isExecutable, lookupVaddr, type ElfFile } from '../binary/index.js';

interface CodeRange {
  start: bigint;
  end: bigint;
  offset: number;
  name: string;
}

export class CodeMap {
  private readonly ranges: CodeRange[];
  private last: CodeRange | undefined;

  constructor(private readonly elf: ElfFile) {
    const ranges: CodeRange[] = [];
    const secs = elf.sections.filter((s) => s.index !== 0 && (s.flags & elfConst.SHF_EXECINSTR) !== 0n && (s.flags & elfConst.SHF_ALLOC) !== 0n && s.fileSize > 0);
    if (secs.length) {
      for (const s of secs) {
        // The same mapping lookupVaddr gives; a section whose bytes do not map unambiguously is not code we may patch.
        const l = lookupVaddr(elf, s.addr, s.fileSize);
        if (l.ok) ranges.push({ start: s.addr, end: s.addr + BigInt(s.fileSize), offset: l.offset, name: s.name });
      }
    } else if (elf.sections.length <= 1) {
      for (const p of elf.programHeaders) {
        if (p.type !== elfConst.PT_LOAD || (p.flags & elfConst.PF_X) === 0 || p.filesz === 0) continue;
        const l = lookupVaddr(elf, p.vaddr, p.filesz);
        if (l.ok) ranges.push({ start: p.vaddr, end: p.vaddr + BigInt(p.filesz), offset: l.offset, name: `segment ${p.index}` });
      }
    }
    this.ranges = ranges.sort((a, b) => (a.start < b.start ? -1 : 1));
  }

  /** The file offset of [address, address + len), which must lie whole in one executable range. */
  offsetOf(address: bigint, len: number, what: string, at?: { file: string; offset: number }): number {
    const end = address + BigInt(len);
    let r = this.last;
    if (!r || address < r.start || end > r.end) {
      r = this.find(address);
      if (!r || end > r.end) throw new InputError(`${what}: site 0x${address.toString(16)} (${len} bytes) ${this.whyNot(address, len)}`, at);
      this.last = r;
    }
    return r.offset + Number(address - r.start);
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
