// Just enough ELF reading to get at section contents of a relocatable object written by GNU as.
// We read the object ourselves instead of parsing `objdump -s` text: it is exact and needs no extra process.

export interface ElfSection {
  name: string;
  type: number;
  /** sh_link: for a relocation section, the index of its symbol table. */
  link: number;
  /** sh_info: for a relocation section, the index of the section it applies to. */
  info: number;
  /** sh_addr: load address (0 in relocatable objects). */
  addr: number;
  bytes: Uint8Array;
}

export interface ElfObject {
  is64: boolean;
  sections: ElfSection[];
}

const SHT_NOBITS = 8;

export function readElfSections(file: Uint8Array): ElfSection[] {
  return readElf(file).sections;
}

export function readElf(file: Uint8Array): ElfObject {
  if (file[0] !== 0x7f || file[1] !== 0x45 || file[2] !== 0x4c || file[3] !== 0x46) {
    throw new Error('not an ELF file');
  }
  const is64 = file[4] === 2;
  if (file[5] !== 1) throw new Error('only little-endian ELF is supported');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const u16 = (o: number): number => view.getUint16(o, true);
  const u32 = (o: number): number => view.getUint32(o, true);
  // Offsets inside a relocatable object fit in 53 bits, so Number is exact.
  const addr = (o: number): number => (is64 ? Number(view.getBigUint64(o, true)) : u32(o));

  const shoff = is64 ? addr(0x28) : u32(0x20);
  const shentsize = u16(is64 ? 0x3a : 0x2e);
  let shnum = u16(is64 ? 0x3c : 0x30);
  let shstrndx = u16(is64 ? 0x3e : 0x32);

  const header = (i: number): { name: number; type: number; addr: number; offset: number; size: number; link: number; info: number } => {
    const b = shoff + i * shentsize;
    return is64
      ? { name: u32(b), type: u32(b + 4), addr: addr(b + 0x10), offset: addr(b + 0x18), size: addr(b + 0x20), link: u32(b + 0x28), info: u32(b + 0x2c) }
      : { name: u32(b), type: u32(b + 4), addr: u32(b + 0x0c), offset: u32(b + 0x10), size: u32(b + 0x14), link: u32(b + 0x18), info: u32(b + 0x1c) };
  };
  // Extended numbering: with >= 0xff00 sections the real counts live in section 0.
  if (shnum === 0) shnum = header(0).size;
  if (shstrndx === 0xffff) shstrndx = header(0).link;

  const strtab = header(shstrndx);
  const nameAt = (off: number): string => {
    let end = strtab.offset + off;
    while (file[end] !== 0) end++;
    return new TextDecoder().decode(file.subarray(strtab.offset + off, end));
  };

  const out: ElfSection[] = [];
  for (let i = 0; i < shnum; i++) {
    const h = header(i);
    const bytes = h.type === SHT_NOBITS ? new Uint8Array(h.size) : file.subarray(h.offset, h.offset + h.size);
    out.push({ name: nameAt(h.name), type: h.type, link: h.link, info: h.info, addr: h.addr, bytes });
  }
  return { is64, sections: out };
}

export const SHT_RELA = 4;
export const SHT_REL = 9;

export interface ElfReloc {
  offset: number;
  type: number;
  /** Name of the symbol, or of the section for a section symbol. */
  symbol: string;
  /** Explicit addend (RELA); undefined for REL, where the addend sits in the section bytes. */
  addend?: bigint;
}

/** The entries of one SHT_REL / SHT_RELA section. */
export function readRelocations(obj: ElfObject, rel: ElfSection): ElfReloc[] {
  const symtab = obj.sections[rel.link];
  if (!symtab) throw new Error(`relocation section ${rel.name} has no symbol table`);
  const strtab = obj.sections[symtab.link];
  if (!strtab) throw new Error('symbol table has no string table');
  const sv = new DataView(symtab.bytes.buffer, symtab.bytes.byteOffset, symtab.bytes.byteLength);
  const rv = new DataView(rel.bytes.buffer, rel.bytes.byteOffset, rel.bytes.byteLength);
  const str = (off: number): string => {
    let end = off;
    while (strtab.bytes[end] !== 0 && end < strtab.bytes.length) end++;
    return new TextDecoder().decode(strtab.bytes.subarray(off, end));
  };
  const symbolName = (i: number): string => {
    const b = i * (obj.is64 ? 24 : 16);
    const name = sv.getUint32(b, true);
    const info = obj.is64 ? sv.getUint8(b + 4) : sv.getUint8(b + 12);
    const shndx = obj.is64 ? sv.getUint16(b + 6, true) : sv.getUint16(b + 14, true);
    if ((info & 0xf) === 3) return obj.sections[shndx]?.name ?? `section#${shndx}`; // STT_SECTION
    return str(name);
  };
  const rela = rel.type === SHT_RELA;
  const entSize = obj.is64 ? (rela ? 24 : 16) : rela ? 12 : 8;
  const out: ElfReloc[] = [];
  for (let b = 0; b + entSize <= rel.bytes.length; b += entSize) {
    if (obj.is64) {
      const offset = Number(rv.getBigUint64(b, true));
      const info = rv.getBigUint64(b + 8, true);
      const r: ElfReloc = { offset, type: Number(info & 0xffffffffn), symbol: symbolName(Number(info >> 32n)) };
      if (rela) r.addend = rv.getBigInt64(b + 16, true);
      out.push(r);
    } else {
      const offset = rv.getUint32(b, true);
      const info = rv.getUint32(b + 4, true);
      const r: ElfReloc = { offset, type: info & 0xff, symbol: symbolName(info >>> 8) };
      if (rela) r.addend = BigInt(rv.getInt32(b + 8, true));
      out.push(r);
    }
  }
  return out;
}
