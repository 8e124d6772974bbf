// Where the patch sites are, read from a site table in the binary whose layout the rules declare. Every
// descriptor is checked before anything is patched; a bad one stops the run with its file offset.
import { InputError } from '../diag/diagnostic.js';
import { findSection, sectionData, type ElfFile } from '../binary/index.js';
import type { FieldWidth, SiteTableDef } from '../model/ruleset.js';
import { CodeMap } from './codeMap.js';
import type { OpsTableView } from './opsTable.js';
import type { Site, SiteList } from './types.js';

/** Guard against a "site table" that is really megabytes of garbage. */
export const MAX_SITES = 10_000_000;

export function emptySiteList(count: number, opNames: string[], expect: SiteList['expect'], origin: (i: number) => string): SiteList {
  return {
    count,
    address: new BigUint64Array(count),
    fileOffset: new Float64Array(count),
    slot: new Int32Array(count).fill(-1),
    op: new Int32Array(count),
    opNames,
    len: new Uint8Array(count),
    clobberMask: new Uint32Array(count),
    expect,
    origin,
  };
}

export function siteAt(list: SiteList, i: number): Site {
  const site: Site = {
    index: i,
    origin: list.origin(i),
    address: list.address[i]!,
    fileOffset: list.fileOffset[i]!,
    op: list.opNames[list.op[i]!],
    len: list.len[i]!,
    expect: list.expect,
  };
  if (list.slot[i]! >= 0) site.slot = list.slot[i]!;
  if (list.clobberBits) site.clobbers = list.clobberBits.filter((_, bit) => (list.clobberMask[i]! & (1 << bit)) !== 0);
  return site;
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

  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const field = (at: number, width: FieldWidth): number => {
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
  };
  const opIndex = new Map<string, number>();
  const opNames: string[] = [];
  const slotToOp = ops.def.slots.map((name) => {
    if (name === undefined) return -1;
    let k = opIndex.get(name);
    if (k === undefined) opIndex.set(name, (k = opNames.push(name) - 1));
    return k;
  });
  const list = emptySiteList(count, opNames, def.expect, (i) => `${def.section}+0x${(i * def.stride).toString(16)}`);
  if (def.clobbers) list.clobberBits = def.clobbers.bits;
  const addrMask = ptrBytes === 8 ? 0xffffffffffffffffn : 0xffffffffn;
  for (let i = 0; i < count; i++) {
    const base = i * def.stride;
    const at = { file: elf.fileName, offset: sec.offset + base };
    let address: bigint;
    if (def.site.kind === 'ptr') address = ptrBytes === 8 ? dv.getBigUint64(base + def.site.offset, true) : BigInt(dv.getUint32(base + def.site.offset, true));
    else address = (sec.addr + BigInt(base + def.site.offset + dv.getInt32(base + def.site.offset, true))) & addrMask;
    const slot = field(base + def.op.offset, def.op.width);
    const len = field(base + def.len.offset, def.len.width);
    const op = slot < slotToOp.length ? slotToOp[slot]! : -1;
    if (op < 0) throw new InputError(`${def.section} entry ${i}: op index ${slot} names no op in opstable ${ops.def.name} (${ops.def.slots.length} slots)`, at);
    if (len === 0 || len > 255) throw new InputError(`${def.section} entry ${i}: site length ${len} (1 to 255 expected)`, at);
    list.address[i] = address;
    list.fileOffset[i] = code.offsetOf(address, len, `${def.section} entry ${i}`, at);
    list.slot[i] = slot;
    list.op[i] = op;
    list.len[i] = len;
    if (def.clobbers) list.clobberMask[i] = field(base + def.clobbers.offset, def.clobbers.width);
  }
  return list;
}

/** Sites must not overlap: patching one would corrupt the other. */
export function checkOverlaps(list: SiteList, fileName: string): void {
  const a = list.address;
  let sorted = true;
  for (let i = 1; i < list.count && sorted; i++) if (a[i - 1]! > a[i]!) sorted = false;
  // Tables are normally in address order; only an unsorted one pays for an index array.
  let order: Uint32Array | undefined;
  if (!sorted) {
    order = Uint32Array.from({ length: list.count }, (_, i) => i);
    order.sort((x, y) => (a[x]! < a[y]! ? -1 : a[x]! > a[y]! ? 1 : 0));
  }
  for (let k = 1; k < list.count; k++) {
    const p = order ? order[k - 1]! : k - 1;
    const q = order ? order[k]! : k;
    if (a[p]! + BigInt(list.len[p]!) > a[q]!) {
      throw new InputError(
        `sites overlap: ${list.origin(p)} (0x${a[p]!.toString(16)}, ${list.len[p]} bytes) and ${list.origin(q)} (0x${a[q]!.toString(16)}, ${list.len[q]} bytes)`,
        { file: fileName, offset: list.fileOffset[q]! },
      );
    }
  }
}
