// Where the patch sites are, read from a site table in the binary whose layout the rules declare. Every
// descriptor is checked before anything is patched; a bad one stops the run with its file offset.
import { InputError } from '../diag/diagnostic.js';
import { findSection, sectionData, type ElfFile } from '../binary/index.js';
import type { FieldWidth, SiteTableDef } from '../model/ruleset.js';
import { CodeMap, type SitePlace } from './codeMap.js';
import type { OpsTableView } from './opsTable.js';
import type { Site, SiteList } from './types.js';

/** Guard against a "site table" that is really megabytes of garbage. */
export const MAX_SITES = 10_000_000;

export function siteAt(list: SiteList, i: number): Site {
  const site: Site = {
    index: i,
    origin: list.origin(i),
    address: list.address(i),
    fileOffset: list.fileOffset(i),
    op: list.opNames[list.op(i)],
    len: list.len(i),
    expect: list.expect,
  };
  if (list.slot(i) >= 0) site.slot = list.slot(i);
  if (list.clobberBits) site.clobbers = list.clobberBits.filter((_, bit) => (list.clobberMask(i) & (1 << bit)) !== 0);
  return site;
}

/** A scratch place for callers that locate one site at a time. */
export function newPlace(): SitePlace {
  return { range: undefined as unknown as SitePlace['range'], rel: 0 };
}

/**
 * The sites of a site table, read in place: each accessor decodes its field from the table's bytes, so
 * the list costs nothing per site (a million-entry table is already 16 MB of the file).
 */
class TableSites implements SiteList {
  private readonly dv: DataView;
  private readonly ptrBytes: number;
  private readonly secLo: number;
  private readonly secHi: number;
  private readonly scratch = newPlace();
  readonly clobberBits?: readonly string[];
  readonly expect: SiteList['expect'];

  constructor(
    bytes: Uint8Array,
    private readonly def: SiteTableDef,
    private readonly secAddr: bigint,
    private readonly elfClass: 32 | 64,
    private readonly code: CodeMap,
    private readonly slotToOp: Int32Array,
    readonly opNames: readonly string[],
    readonly count: number,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.ptrBytes = elfClass === 64 ? 8 : 4;
    this.secLo = Number(secAddr & 0xffffffffn);
    this.secHi = Number((secAddr >> 32n) & 0xffffffffn);
    this.expect = def.expect;
    if (def.clobbers) this.clobberBits = def.clobbers.bits;
  }

  field(at: number, width: FieldWidth): number {
    const dv = this.dv;
    switch (width) {
      case 1:
        return dv.getUint8(at);
      case 2:
        return dv.getUint16(at, true);
      case 4:
        return dv.getUint32(at, true);
      case 8: {
        const v = dv.getBigUint64(at, true);
        return v > 0xffffffffn ? Number.MAX_SAFE_INTEGER : Number(v);
      }
    }
  }

  /** The raw op index field (checked against the ops table when the list was read). */
  slot(i: number): number {
    return this.field(i * this.def.stride + this.def.op.offset, this.def.op.width);
  }

  op(i: number): number {
    const slot = this.slot(i);
    return slot < this.slotToOp.length ? this.slotToOp[slot]! : -1;
  }

  len(i: number): number {
    return this.field(i * this.def.stride + this.def.len.offset, this.def.len.width);
  }

  clobberMask(i: number): number {
    const c = this.def.clobbers;
    return c ? this.field(i * this.def.stride + c.offset, c.width) : 0;
  }

  address(i: number): bigint {
    const at = i * this.def.stride + this.def.site.offset;
    if (this.def.site.kind === 'ptr') return this.ptrBytes === 8 ? this.dv.getBigUint64(at, true) : BigInt(this.dv.getUint32(at, true));
    const mask = this.ptrBytes === 8 ? 0xffffffffffffffffn : 0xffffffffn;
    return (this.secAddr + BigInt(at + this.dv.getInt32(at, true))) & mask;
  }

  /** False when the site is not whole in one code range (the reader then reports why, with BigInts). */
  tryLocate(i: number, into: SitePlace): boolean {
    const at = i * this.def.stride + this.def.site.offset;
    const dv = this.dv;
    let hi: number;
    let lo: number;
    if (this.def.site.kind === 'ptr') {
      lo = dv.getUint32(at, true);
      hi = this.ptrBytes === 8 ? dv.getUint32(at + 4, true) : 0;
    } else {
      // Section address + place of the field + its value, mod the address width, in 32-bit halves.
      const sum = this.secLo + at + dv.getInt32(at, true);
      const carry = Math.floor(sum / 4294967296);
      lo = sum - carry * 4294967296;
      hi = this.ptrBytes === 8 ? (this.secHi + carry) >>> 0 : 0;
    }
    return this.code.placeHalves(hi, lo, this.len(i), into);
  }

  locate(i: number, into: SitePlace): void {
    if (!this.tryLocate(i, into)) throw new Error(`internal: site ${i} was checked to be in code`);
  }

  fileOffset(i: number): number {
    this.locate(i, this.scratch);
    return this.scratch.range.offset + this.scratch.rel;
  }

  origin(i: number): string {
    return `${this.def.section}+0x${(i * this.def.stride).toString(16)}`;
  }
}

export function readSiteTable(elf: ElfFile, def: SiteTableDef, ops: OpsTableView, code = new CodeMap(elf)): SiteList {
  const sec = findSection(elf, def.section);
  if (!sec) {
    // Where one looks for it: the section header table.
    throw new InputError(`no section '${def.section}' for sitetable ${def.name} among the ${elf.sections.length} section headers`, { file: elf.fileName, offset: elf.header.shoff });
  }
  const data = sectionData(elf, sec);
  const ptrBytes = elf.header.class === 64 ? 8 : 4;
  const need = Math.max(def.site.offset + (def.site.kind === 'ptr' ? ptrBytes : 4), def.op.offset + def.op.width, def.len.offset + def.len.width, def.clobbers ? def.clobbers.offset + def.clobbers.width : 0);
  if (need > def.stride) throw new InputError(`sitetable ${def.name}: fields end at byte ${need}, past the entry size ${def.stride} (on this ${elf.header.class}-bit ELF)`);
  // The last entry may lack its trailing alignment padding (the kernel's macros emit it so); it must
  // still hold every field.
  const full = Math.floor(data.length / def.stride);
  const rest = data.length - full * def.stride;
  if (rest !== 0 && rest < need) {
    throw new InputError(`${def.section}: the table ends in the middle of an entry (${rest} of ${need} bytes of its fields)`, { file: elf.fileName, offset: sec.offset + full * def.stride });
  }
  const count = full + (rest ? 1 : 0);
  if (count > MAX_SITES) throw new InputError(`${def.section}: ${count} entries exceed the limit of ${MAX_SITES} sites (MAX_SITES)`, { file: elf.fileName, offset: sec.offset });

  const opIndex = new Map<string, number>();
  const opNames: string[] = [];
  const slotToOp = Int32Array.from(ops.def.slots, (name) => {
    if (name === undefined) return -1;
    let k = opIndex.get(name);
    if (k === undefined) opIndex.set(name, (k = opNames.push(name) - 1));
    return k;
  });
  // Read in place, unless patching could write into the table itself (a table inside code): then a copy,
  // so that what the sites are never changes while they are patched.
  const bytes = code.overlapsCode(sec.offset, data.length) ? data.slice() : data;
  const list = new TableSites(bytes, def, sec.addr, elf.header.class, code, slotToOp, opNames, count);
  const place = newPlace();
  for (let i = 0; i < count; i++) {
    const slot = list.slot(i);
    const len = list.len(i);
    // (No closure per entry for the error position: a million entries would pay for it.)
    if (list.op(i) < 0) throw new InputError(`${def.section} entry ${i}: op index ${slot} names no op in opstable ${ops.def.name} (${ops.def.slots.length} slots)`, { file: elf.fileName, offset: sec.offset + i * def.stride });
    if (len === 0 || len > 255) throw new InputError(`${def.section} entry ${i}: site length ${len} (1 to 255 expected)`, { file: elf.fileName, offset: sec.offset + i * def.stride });
    // The common case without BigInt; the slow path finds the range or says why there is none.
    if (!list.tryLocate(i, place)) code.offsetOf(list.address(i), len, `${def.section} entry ${i}`, { file: elf.fileName, offset: sec.offset + i * def.stride });
  }
  return list;
}

/** A site list's sites, as parallel arrays (site lists are small: written by people or tools). */
export class ArraySites implements SiteList {
  readonly addresses: BigUint64Array;
  readonly fileOffsets: Float64Array;
  readonly slots: Int32Array;
  readonly ops: Int32Array;
  readonly lens: Uint8Array;
  readonly clobberMasks: Uint32Array;
  clobberBits?: readonly string[];

  constructor(
    readonly count: number,
    readonly opNames: readonly string[],
    readonly expect: SiteList['expect'],
    private readonly code: CodeMap,
    private readonly originOf: (i: number) => string,
  ) {
    this.addresses = new BigUint64Array(count);
    this.fileOffsets = new Float64Array(count);
    this.slots = new Int32Array(count).fill(-1);
    this.ops = new Int32Array(count);
    this.lens = new Uint8Array(count);
    this.clobberMasks = new Uint32Array(count);
  }

  address(i: number): bigint {
    return this.addresses[i]!;
  }
  fileOffset(i: number): number {
    return this.fileOffsets[i]!;
  }
  slot(i: number): number {
    return this.slots[i]!;
  }
  op(i: number): number {
    return this.ops[i]!;
  }
  len(i: number): number {
    return this.lens[i]!;
  }
  clobberMask(i: number): number {
    return this.clobberMasks[i]!;
  }
  locate(i: number, into: SitePlace): void {
    if (!this.code.place(this.addresses[i]!, this.lens[i]!, into)) throw new Error(`internal: site ${i} was checked to be in code`);
  }
  origin(i: number): string {
    return this.originOf(i);
  }
}

/** Sites must not overlap: patching one would corrupt the other. */
export function checkOverlaps(list: SiteList, fileName: string): void {
  const n = list.count;
  let p = newPlace();
  let q = newPlace();
  // Consecutive sites are compared by place: plain numbers within one code range, BigInt across ranges.
  const before = (x: SitePlace, y: SitePlace): boolean => (x.range === y.range ? x.rel < y.rel : x.range.start + BigInt(x.rel) < y.range.start + BigInt(y.rel));
  let sorted = true;
  if (n > 0) list.locate(0, p);
  for (let i = 1; i < n && sorted; i++) {
    list.locate(i, q);
    if (before(q, p)) sorted = false;
    const t = p;
    p = q;
    q = t;
  }
  // Tables are normally in address order; only an unsorted one pays for an index array.
  let order: Uint32Array | undefined;
  if (!sorted) {
    const a = BigUint64Array.from({ length: n }, (_, i) => list.address(i));
    order = Uint32Array.from({ length: n }, (_, i) => i);
    order.sort((x, y) => (a[x]! < a[y]! ? -1 : a[x]! > a[y]! ? 1 : 0));
  }
  if (n > 0) list.locate(order ? order[0]! : 0, p);
  for (let k = 1; k < n; k++) {
    const i = order ? order[k - 1]! : k - 1;
    const j = order ? order[k]! : k;
    list.locate(j, q);
    const len = list.len(i);
    const overlaps = p.range === q.range ? p.rel + len > q.rel : p.range.start + BigInt(p.rel + len) > q.range.start + BigInt(q.rel);
    if (overlaps) {
      throw new InputError(
        `sites overlap: ${list.origin(i)} (0x${list.address(i).toString(16)}, ${len} bytes) and ${list.origin(j)} (0x${list.address(j).toString(16)}, ${list.len(j)} bytes)`,
        { file: fileName, offset: list.fileOffset(j) },
      );
    }
    const t = p;
    p = q;
    q = t;
  }
}
