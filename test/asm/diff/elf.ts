// Just enough ELF reading to get at section contents of a relocatable object written by GNU as.
// We read the object ourselves instead of parsing `objdump -s` text: it is exact and needs no extra process.

export interface ElfSection {
  name: string;
  type: number;
  bytes: Uint8Array;
}

const SHT_NOBITS = 8;

export function readElfSections(file: Uint8Array): ElfSection[] {
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

  const header = (i: number): { name: number; type: number; offset: number; size: number; link: number } => {
    const b = shoff + i * shentsize;
    return is64
      ? { name: u32(b), type: u32(b + 4), offset: addr(b + 0x18), size: addr(b + 0x20), link: u32(b + 0x28) }
      : { name: u32(b), type: u32(b + 4), offset: u32(b + 0x10), size: u32(b + 0x14), link: u32(b + 0x18) };
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
    out.push({ name: nameAt(h.name), type: h.type, bytes });
  }
  return out;
}
