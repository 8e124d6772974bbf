// Tiny, self-contained readers for the kernel artefacts used by scripts/kernel and test/kernel-boot:
// bzImage -> vmlinux (LZ4 legacy frame in-process; xz through the `xz` tool), ELF64/ELF32 section headers,
// System.map, pv_ops-slots.tsv, .parainstructions and .altinstructions entries (Linux 6.1, x86_64 and i386).
// Deliberately independent of src/binary (the project's real ELF module): this is the outside reference.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

// ---------------------------------------------------------------------------------------------------
// bzImage / LZ4 legacy

const LZ4_LEGACY_MAGIC = 0x184c2102;
const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];

/** Decompresses one LZ4 block (no frame) into `out` at `outPos`; returns the new output position. */
function lz4Block(src: Uint8Array, start: number, end: number, out: Uint8Array, outPos: number): number {
  let ip = start;
  let op = outPos;
  while (ip < end) {
    const token = src[ip++]!;
    let litLen = token >>> 4;
    if (litLen === 15) {
      let b: number;
      do {
        b = src[ip++]!;
        litLen += b;
      } while (b === 255);
    }
    if (op + litLen > out.length) throw new Error('lz4: output overflow (literals)');
    out.set(src.subarray(ip, ip + litLen), op);
    ip += litLen;
    op += litLen;
    if (ip >= end) break; // last sequence has literals only
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > op) throw new Error(`lz4: bad match offset ${offset} at input ${ip}`);
    let matchLen = token & 15;
    if (matchLen === 15) {
      let b: number;
      do {
        b = src[ip++]!;
        matchLen += b;
      } while (b === 255);
    }
    matchLen += 4;
    if (op + matchLen > out.length) throw new Error('lz4: output overflow (match)');
    let from = op - offset;
    if (offset >= matchLen) {
      out.copyWithin(op, from, from + matchLen);
      op += matchLen;
    } else {
      for (let i = 0; i < matchLen; i++) out[op++] = out[from++]!;
    }
  }
  return op;
}

/**
 * Decompresses an LZ4 legacy-frame stream (magic 02 21 4c 18, then blocks of [u32 LE compressed size][data]).
 * Stops at the end of `src` or at a size field that cannot be a block (like the kernel's appended
 * uncompressed-size trailer), so trailing garbage is tolerated. `expectedSize` sizes the output buffer.
 */
export function lz4LegacyDecompress(src: Uint8Array, expectedSize: number): Uint8Array {
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  if (src.length < 4 || dv.getUint32(0, true) !== LZ4_LEGACY_MAGIC) throw new Error('lz4: not a legacy frame');
  const out = new Uint8Array(expectedSize);
  let ip = 4;
  let op = 0;
  while (ip + 4 <= src.length && op < expectedSize) {
    const blockSize = dv.getUint32(ip, true);
    if (blockSize === LZ4_LEGACY_MAGIC) { ip += 4; continue; } // concatenated frames
    if (blockSize === 0 || ip + 4 + blockSize > src.length) break;
    op = lz4Block(src, ip + 4, ip + 4 + blockSize, out, op);
    ip += 4 + blockSize;
  }
  if (op !== expectedSize) throw new Error(`lz4: got ${op} bytes, expected ${expectedSize}`);
  return out;
}

/**
 * Extracts the ELF vmlinux from an x86 bzImage whose payload is LZ4 (legacy) or xz compressed, using the
 * boot-protocol header (setup_sects at 0x1f1, payload_offset/payload_length at 0x248/0x24c); the payload's
 * last 4 bytes are the uncompressed size (appended by the kernel build). xz goes through the `xz` tool
 * (`--single-stream`: the size trailer after the stream is not xz data).
 */
export function extractVmlinux(bzImage: Uint8Array): Uint8Array {
  const dv = new DataView(bzImage.buffer, bzImage.byteOffset, bzImage.byteLength);
  if (dv.getUint32(0x202, true) !== 0x53726448) throw new Error('not a bzImage (no HdrS)'); // "HdrS"
  const setupSects = bzImage[0x1f1] || 4;
  const pmStart = (setupSects + 1) * 512;
  const payloadOffset = dv.getUint32(0x248, true);
  const payloadLength = dv.getUint32(0x24c, true);
  const payload = bzImage.subarray(pmStart + payloadOffset, pmStart + payloadOffset + payloadLength);
  const pdv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const size = pdv.getUint32(payload.length - 4, true);
  if (XZ_MAGIC.every((b, i) => payload[i] === b)) {
    const out = new Uint8Array(execFileSync('xz', ['--single-stream', '-dc'], { input: payload, maxBuffer: size + 1024 }));
    if (out.length !== size) throw new Error(`xz: got ${out.length} bytes, expected ${size}`);
    return out;
  }
  if (pdv.getUint32(0, true) !== LZ4_LEGACY_MAGIC) {
    throw new Error('bzImage payload is neither LZ4 legacy (02 21 4c 18) nor xz (fd 37 7a 58 5a 00)');
  }
  return lz4LegacyDecompress(payload.subarray(0, payload.length - 4), size);
}

// ---------------------------------------------------------------------------------------------------
// ELF64 / ELF32 (little-endian) section headers only

export interface Section {
  name: string;
  type: number;
  flags: bigint;
  addr: bigint;
  offset: number;
  size: number;
}

/** 8 for an ELF64 file, 4 for ELF32: the kernel's pointer size, which sizes its patch-table entries. */
export function elfPointerSize(elf: Uint8Array): 4 | 8 {
  if (elf[4] === 2) return 8;
  if (elf[4] === 1) return 4;
  throw new Error(`bad ELF class ${elf[4]}`);
}

export function parseSections(elf: Uint8Array): Section[] {
  const dv = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  if (dv.getUint32(0, false) !== 0x7f454c46) throw new Error('not an ELF file');
  if ((elf[4] !== 1 && elf[4] !== 2) || elf[5] !== 1) throw new Error('only little-endian ELF64/ELF32 is supported');
  const is64 = elfPointerSize(elf) === 8;
  const shoff = is64 ? Number(dv.getBigUint64(0x28, true)) : dv.getUint32(0x20, true);
  const [shentsize, shnum, shstrndx] = is64
    ? [dv.getUint16(0x3a, true), dv.getUint16(0x3c, true), dv.getUint16(0x3e, true)]
    : [dv.getUint16(0x2e, true), dv.getUint16(0x30, true), dv.getUint16(0x32, true)];
  const raw = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    raw.push(is64 ? {
      nameOff: dv.getUint32(o, true),
      type: dv.getUint32(o + 4, true),
      flags: dv.getBigUint64(o + 8, true),
      addr: dv.getBigUint64(o + 16, true),
      offset: Number(dv.getBigUint64(o + 24, true)),
      size: Number(dv.getBigUint64(o + 32, true)),
    } : {
      nameOff: dv.getUint32(o, true),
      type: dv.getUint32(o + 4, true),
      flags: BigInt(dv.getUint32(o + 8, true)),
      addr: BigInt(dv.getUint32(o + 12, true)),
      offset: dv.getUint32(o + 16, true),
      size: dv.getUint32(o + 20, true),
    });
  }
  const strtab = raw[shstrndx];
  if (!strtab) throw new Error('bad e_shstrndx');
  const dec = new TextDecoder();
  return raw.map((s) => {
    let end = strtab.offset + s.nameOff;
    while (elf[end] !== 0) end++;
    const name = dec.decode(elf.subarray(strtab.offset + s.nameOff, end));
    return { name, type: s.type, flags: s.flags, addr: s.addr, offset: s.offset, size: s.size };
  });
}

export function sectionByName(sections: Section[], name: string): Section {
  const s = sections.find((x) => x.name === name);
  if (!s) throw new Error(`no section ${name}`);
  return s;
}

/** Bytes of the ELF image at virtual address [addr, addr+len) (PROGBITS sections only). */
export function elfBytesAt(elf: Uint8Array, sections: Section[], addr: bigint, len: number): Uint8Array {
  for (const s of sections) {
    if (s.type !== 1 /* PROGBITS */ || s.addr === 0n) continue;
    if (addr >= s.addr && addr + BigInt(len) <= s.addr + BigInt(s.size)) {
      const o = s.offset + Number(addr - s.addr);
      return elf.subarray(o, o + len);
    }
  }
  throw new Error(`address 0x${addr.toString(16)} (+${len}) is not in a PROGBITS section`);
}

// ---------------------------------------------------------------------------------------------------
// System.map

export interface SystemMap {
  byName: Map<string, bigint>;
  /** text symbols sorted by address, for symbolizing */
  sorted: { addr: bigint; name: string }[];
}

export function readSystemMapText(path: string): string {
  if (path.endsWith('.xz')) {
    return execFileSync('xz', ['-dc', path], { maxBuffer: 256 * 1024 * 1024 }).toString('utf8');
  }
  return readFileSync(path, 'utf8');
}

export function parseSystemMap(text: string): SystemMap {
  const byName = new Map<string, bigint>();
  const sorted: { addr: bigint; name: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+) (\S) (\S+)$/.exec(line);
    if (!m) continue;
    const addr = BigInt('0x' + m[1]);
    const name = m[3]!;
    if (!byName.has(name)) byName.set(name, addr);
    if (/[tTwW]/.test(m[2]!)) sorted.push({ addr, name });
  }
  sorted.sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
  return { byName, sorted };
}

export function sym(map: SystemMap, name: string): bigint {
  const v = map.byName.get(name);
  if (v === undefined) throw new Error(`symbol ${name} not in System.map`);
  return v;
}

/** "func+0x12" for an address, or undefined when no text symbol precedes it. */
export function symbolize(map: SystemMap, addr: bigint): string | undefined {
  const a = map.sorted;
  let lo = 0;
  let hi = a.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]!.addr <= addr) { best = mid; lo = mid + 1; } else hi = mid - 1;
  }
  if (best < 0) return undefined;
  // prefer a non-local-looking name among equal addresses
  const s = a[best]!;
  const off = addr - s.addr;
  return off === 0n ? s.name : `${s.name}+0x${off.toString(16)}`;
}

// ---------------------------------------------------------------------------------------------------
// pv_ops slots, paravirt sites, alternatives

export interface Slot { offset: number; index: number; name: string; ctype: string }

export function parseSlots(tsv: string): Slot[] {
  const slots: Slot[] = [];
  for (const line of tsv.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [off, idx, name, ctype] = line.split('\t');
    if (off === undefined || idx === undefined || name === undefined || !/^\d+$/.test(idx)) continue;
    slots.push({ offset: Number(off), index: Number(idx), name, ctype: ctype ?? '' });
  }
  return slots;
}

/**
 * struct paravirt_patch_site { u8 *instr; u8 type; u8 len; } plus the `.short clobber` _paravirt_alt() emits
 * after it, aligned to a pointer: 16 bytes on x86_64, 8 on i386 (6.1).
 */
export interface ParaSite { index: number; instr: bigint; type: number; len: number; extra: number }

export const PARA_SITE_SIZE = 16;

export function parseParaSites(bytes: Uint8Array, ptrSize: 4 | 8 = 8): ParaSite[] {
  const stride = 2 * ptrSize;
  if (bytes.length % stride !== 0) throw new Error(`.parainstructions size is not a multiple of ${stride}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: ParaSite[] = [];
  for (let i = 0; i < bytes.length; i += stride) {
    out.push({
      index: i / stride,
      instr: ptrSize === 8 ? dv.getBigUint64(i, true) : BigInt(dv.getUint32(i, true)),
      type: dv.getUint8(i + ptrSize),
      len: dv.getUint8(i + ptrSize + 1),
      extra: dv.getUint16(i + ptrSize + 2, true),
    });
  }
  return out;
}

/** struct alt_instr { s32 instr_offset; s32 repl_offset; u16 cpuid; u8 instrlen; u8 replacementlen; } packed, 12 bytes. */
export interface AltInstr {
  index: number;
  instr: bigint;
  repl: bigint;
  feature: number;
  not: boolean;
  instrlen: number;
  replacementlen: number;
}

export const ALT_INSTR_SIZE = 12;

/** `stride` 14: 6.12's entry (u16 feature, u16 flags with ALT_FLAG_NOT in bit 0, then the two lengths). */
export function parseAltInstructions(bytes: Uint8Array, sectionAddr: bigint, stride: 12 | 14 = ALT_INSTR_SIZE): AltInstr[] {
  if (bytes.length % stride !== 0) throw new Error(`.altinstructions size is not a multiple of ${stride}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: AltInstr[] = [];
  const wide = stride === 14;
  for (let i = 0; i < bytes.length; i += stride) {
    const here = sectionAddr + BigInt(i);
    const cpuid = dv.getUint16(i + 8, true);
    out.push({
      index: i / stride,
      instr: here + BigInt(dv.getInt32(i, true)),
      repl: here + 4n + BigInt(dv.getInt32(i + 4, true)),
      feature: wide ? cpuid : cpuid & 0x7fff,
      not: wide ? (dv.getUint16(i + 10, true) & 1) !== 0 : (cpuid & 0x8000) !== 0,
      instrlen: dv.getUint8(i + (wide ? 12 : 10)),
      replacementlen: dv.getUint8(i + (wide ? 13 : 11)),
    });
  }
  return out;
}

/** Names of the X86_FEATURE_* bits that matter around paravirt sites (6.1 cpufeatures.h). */
const FEATURE_NAMES: Record<number, string> = {
  [3 * 32 + 21]: 'ALWAYS',
  [8 * 32 + 16]: 'XENPV',
  [8 * 32 + 20]: 'PVUNLOCK',
  [8 * 32 + 21]: 'VCPUPREEMPT',
};

export function featureName(feature: number): string {
  return FEATURE_NAMES[feature] ?? `${feature >> 5}*32+${feature & 31}`;
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

// ---------------------------------------------------------------------------------------------------
// Every place the kernel may rewrite its own text at boot, from the ELF's tables (6.1 x86_64 and i386 layouts)

export type PatchCause =
  | 'paravirt' | 'alternative' | 'retpoline' | 'return' | 'ftrace' | 'jump_label' | 'static_call';

export interface PatchRange { addr: bigint; len: number; cause: PatchCause }

function symRange(map: SystemMap, start: string, stop: string): [bigint, bigint] | undefined {
  const a = map.byName.get(start);
  const b = map.byName.get(stop);
  return a !== undefined && b !== undefined && b >= a ? [a, b] : undefined;
}

/**
 * Address ranges the kernel's boot-time patchers may write (in priority order of `cause`):
 * .parainstructions (type/len), .altinstructions (instrlen), .retpoline_sites (s32 rel, 6 bytes covers
 * `call *%reg` incl. REX / `jmp`), .return_sites (s32 rel, 5 bytes), __mcount_loc (pointer-sized absolute
 * addresses, 5 bytes), __jump_table (struct jump_entry { s32 code; s32 target; long key; }: 16 bytes on
 * x86_64, 12 on i386; 5 bytes), static_call_sites (8-byte entries, s32 rel, 5 bytes), the `__SCT__*` static
 * call trampolines (8 bytes).
 */
export function patchRanges(elf: Uint8Array, sections: Section[], map: SystemMap, altStride: 12 | 14 = ALT_INSTR_SIZE): PatchRange[] {
  const out: PatchRange[] = [];
  const ptrSize = elfPointerSize(elf);
  // 6.8+ has no .parainstructions.
  const para = sections.find((x) => x.name === '.parainstructions');
  for (const s of para ? parseParaSites(elf.subarray(para.offset, para.offset + para.size), ptrSize) : []) {
    out.push({ addr: s.instr, len: s.len, cause: 'paravirt' });
  }
  const alt = sectionByName(sections, '.altinstructions');
  for (const a of parseAltInstructions(elf.subarray(alt.offset, alt.offset + alt.size), alt.addr, altStride)) {
    out.push({ addr: a.instr, len: a.instrlen, cause: 'alternative' });
  }
  const rel32Table = (startAddr: bigint, size: number, stride: number, len: number, cause: PatchCause) => {
    const bytes = elfBytesAt(elf, sections, startAddr, size);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i + 4 <= size; i += stride) {
      out.push({ addr: startAddr + BigInt(i) + BigInt(dv.getInt32(i, true)), len, cause });
    }
  };
  for (const [name, len, cause] of [['.retpoline_sites', 6, 'retpoline'], ['.return_sites', 5, 'return']] as const) {
    const s = sections.find((x) => x.name === name);
    if (s) rel32Table(s.addr, s.size, 4, len, cause);
  }
  const mcount = symRange(map, '__start_mcount_loc', '__stop_mcount_loc');
  if (mcount) {
    const size = Number(mcount[1] - mcount[0]);
    const bytes = elfBytesAt(elf, sections, mcount[0], size);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i + ptrSize <= size; i += ptrSize) {
      out.push({ addr: ptrSize === 8 ? dv.getBigUint64(i, true) : BigInt(dv.getUint32(i, true)), len: 5, cause: 'ftrace' });
    }
  }
  const jt = symRange(map, '__start___jump_table', '__stop___jump_table');
  if (jt) rel32Table(jt[0], Number(jt[1] - jt[0]), 8 + ptrSize, 5, 'jump_label');
  const sc = symRange(map, '__start_static_call_sites', '__stop_static_call_sites');
  if (sc) rel32Table(sc[0], Number(sc[1] - sc[0]), 8, 5, 'static_call');
  // static call trampolines themselves (`__SCT__name`, 8 bytes: jmp/ret/nop rewritten by static_call_update)
  for (const [name, addr] of map.byName) if (name.startsWith('__SCT__')) out.push({ addr, len: 8, cause: 'static_call' });
  return out;
}

/** Per-byte cause map over [start, start+size): index into `causes` + 1, or 0 for "no known patch site". */
export function patchCauseMap(ranges: PatchRange[], start: bigint, size: number): { map: Uint8Array; causes: PatchCause[] } {
  const causes: PatchCause[] = ['paravirt', 'alternative', 'retpoline', 'return', 'ftrace', 'jump_label', 'static_call'];
  const map = new Uint8Array(size);
  for (const r of ranges) {
    const c = causes.indexOf(r.cause) + 1;
    const o = Number(r.addr - start);
    if (o + r.len <= 0 || o >= size) continue;
    for (let i = Math.max(0, o); i < Math.min(size, o + r.len); i++) if (map[i] === 0) map[i] = c;
  }
  return { map, causes };
}
