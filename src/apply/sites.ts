// Where the patch sites are: read from a site table in the binary (its layout declared in the rules),
// or from a site list file. Every descriptor is checked before anything is patched.
import { InputError } from '../diag/diagnostic.js';
import { findSection, isExecutable, lookupVaddr, sectionData, type ElfFile } from '../binary/index.js';
import type { FieldWidth, SiteTableDef } from '../model/ruleset.js';
import type { OpsTableView } from './opsTable.js';
import type { Site } from './types.js';

/** Guard against a "site table" that is really megabytes of garbage. */
export const MAX_SITES = 10_000_000;

function readField(data: Uint8Array, at: number, width: FieldWidth): bigint {
  const dv = new DataView(data.buffer, data.byteOffset + at, width);
  switch (width) {
    case 1:
      return BigInt(dv.getUint8(0));
    case 2:
      return BigInt(dv.getUint16(0, true));
    case 4:
      return BigInt(dv.getUint32(0, true));
    case 8:
      return dv.getBigUint64(0, true);
  }
}

export function readSiteTable(elf: ElfFile, def: SiteTableDef, ops: OpsTableView): Site[] {
  const sec = findSection(elf, def.section);
  if (!sec) throw new InputError(`${elf.fileName}: no section '${def.section}' for sitetable ${def.name}`);
  const data = sectionData(elf, sec);
  const ptrBytes = elf.header.class === 64 ? 8 : 4;
  const fieldEnds = [def.site.offset + (def.site.kind === 'ptr' ? ptrBytes : 4), def.op.offset + def.op.width, def.len.offset + def.len.width, def.clobbers ? def.clobbers.offset + def.clobbers.width : 0];
  const need = Math.max(...fieldEnds);
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
  const sites: Site[] = [];
  for (let i = 0; i < count; i++) {
    const base = i * def.stride;
    const fileOff = sec.offset + base;
    const at = { file: elf.fileName, offset: fileOff };
    let address: bigint;
    if (def.site.kind === 'ptr') address = readField(data, base + def.site.offset, ptrBytes as FieldWidth);
    else {
      const rel = BigInt.asIntN(32, readField(data, base + def.site.offset, 4));
      address = BigInt.asUintN(ptrBytes * 8, sec.addr + BigInt(base + def.site.offset) + rel);
    }
    const slot = Number(readField(data, base + def.op.offset, def.op.width));
    const len = Number(readField(data, base + def.len.offset, def.len.width));
    if (slot >= ops.def.slots.length || ops.def.slots[slot] === undefined) {
      throw new InputError(`${def.section} entry ${i}: op index ${slot} names no op in opstable ${ops.def.name} (${ops.def.slots.length} slots)`, at);
    }
    if (len === 0 || len > 255) throw new InputError(`${def.section} entry ${i}: site length ${len} (1 to 255 expected)`, at);
    const site: Site = { index: i, origin: `${def.section}+0x${base.toString(16)}`, address, fileOffset: checkSiteAddress(elf, address, len, `${def.section} entry ${i}`, at), op: ops.def.slots[slot], slot, len, expect: def.expect };
    if (def.clobbers) {
      const mask = Number(readField(data, base + def.clobbers.offset, def.clobbers.width));
      site.clobbers = def.clobbers.bits.filter((_, bit) => (mask & (1 << bit)) !== 0);
    }
    sites.push(site);
  }
  return sites;
}

/** The site must lie, whole, in file-backed executable code. Returns its file offset. */
export function checkSiteAddress(elf: ElfFile, address: bigint, len: number, what: string, at?: { file: string; offset: number }): number {
  const l = lookupVaddr(elf, address, len);
  if (!l.ok) throw new InputError(`${what}: site 0x${address.toString(16)} (${len} bytes): ${l.reason}`, at);
  if (!isExecutable(elf, address) || !isExecutable(elf, address + BigInt(len - 1))) {
    throw new InputError(`${what}: site 0x${address.toString(16)} is not in an executable section`, at);
  }
  return l.offset;
}

/** Sites must not overlap: patching one would corrupt the other. */
export function checkOverlaps(sites: Site[], fileName: string): void {
  const sorted = [...sites].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (a.address + BigInt(a.len) > b.address) {
      throw new InputError(`sites overlap: ${a.origin} (0x${a.address.toString(16)}, ${a.len} bytes) and ${b.origin} (0x${b.address.toString(16)}, ${b.len} bytes)`, { file: fileName, offset: b.fileOffset });
    }
  }
}
