// Finding the ELF vmlinux inside a bzImage (vmlinuz), as the kernel's scripts/extract-vmlinux does: look
// for a compressed stream that decompresses to an ELF file.
//
// A bzImage is the real-mode setup (setup_sects + 1 sectors of 512 bytes) followed by the protected-mode
// decompressor, which embeds the compressed vmlinux ("piggy"). Since boot protocol 2.08 the setup header
// says where: payload_offset (from the start of the protected-mode code) and payload_length (x86 boot
// protocol, Documentation/arch/x86/boot.rst). We try that first, then, like extract-vmlinux, every
// compression magic in the file in order, and keep the first candidate that parses as an ELF file.
//
// The decompressed vmlinux may carry trailing data (x86 appends its relocation table to the ELF before
// compressing): it is kept in the buffer, and ELF parsing only uses the extent the headers declare.

import { promises as fs } from 'node:fs';
import { InputError } from '../diag/diagnostic.js';
import { hex } from './bytes.js';
import { GZIP_MAGIC, XZ_MAGIC, ZSTD_MAGIC, gunzipMember, hasMagic, runFilter, type FilterResult } from './decompress.js';
import { isElf, parseElf } from './elf/read.js';
import type { ElfFile } from './elf/types.js';
import { LZ4_LEGACY_MAGIC, decompressLz4Legacy } from './lz4.js';

export type KernelCompression = 'lz4-legacy' | 'gzip' | 'xz' | 'zstd';

interface Format {
  name: KernelCompression;
  magic: readonly number[];
}

const LZ4_MAGIC = [LZ4_LEGACY_MAGIC & 0xff, (LZ4_LEGACY_MAGIC >>> 8) & 0xff, (LZ4_LEGACY_MAGIC >>> 16) & 0xff, LZ4_LEGACY_MAGIC >>> 24];
const FORMATS: readonly Format[] = [
  { name: 'lz4-legacy', magic: LZ4_MAGIC },
  { name: 'gzip', magic: GZIP_MAGIC },
  { name: 'xz', magic: XZ_MAGIC },
  { name: 'zstd', magic: ZSTD_MAGIC },
];
/** Formats a kernel may use that we recognize but do not decompress, to say so instead of "not found". */
const UNSUPPORTED: readonly { name: string; magic: readonly number[] }[] = [
  { name: 'bzip2', magic: [0x42, 0x5a, 0x68] },
  { name: 'lzma', magic: [0x5d, 0x00, 0x00] },
  { name: 'lzo', magic: [0x89, 0x4c, 0x5a, 0x4f] },
];

/** Scanning stops after this many candidate streams: each failed xz/zstd attempt spawns a process. */
const MAX_CANDIDATES = 32;

export interface ExtractedKernel {
  elf: ElfFile;
  compression: KernelCompression;
  /** File offset of the compressed stream in the bzImage. */
  payloadOffset: number;
  /** How the stream was found. */
  locatedBy: 'setup-header' | 'magic-scan';
}

export interface BzImageHeader {
  /** Boot protocol version, e.g. 0x20f. */
  version: number;
  setupSects: number;
  /** File offset of the protected-mode code. */
  protectedModeOffset: number;
  /** File offset and length of the compressed payload (protocol >= 2.08), when inside the file. */
  payload?: { offset: number; length: number };
}

/** Reads the x86 setup header, if `data` has one ("HdrS" at 0x202). */
export function readBzImageHeader(data: Uint8Array): BzImageHeader | undefined {
  if (data.length < 0x250) return undefined;
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (v.getUint32(0x202, true) !== 0x53726448) return undefined; // "HdrS"
  const version = v.getUint16(0x206, true);
  // setup_sects == 0 means 4 (boot protocol, for compatibility with ancient kernels).
  const setupSects = data[0x1f1]! || 4;
  const protectedModeOffset = (setupSects + 1) * 512;
  const header: BzImageHeader = { version, setupSects, protectedModeOffset };
  if (version >= 0x208) {
    const offset = protectedModeOffset + v.getUint32(0x248, true);
    const length = v.getUint32(0x24c, true);
    if (length > 0 && offset + length <= data.length) header.payload = { offset, length };
  }
  return header;
}

export interface ExtractOptions {
  /** Largest vmlinux accepted (default 1 GiB). */
  maxOutput?: number;
}

/** Finds and decompresses the vmlinux in a bzImage held in `data`. Throws InputError if there is none. */
export async function extractVmlinux(data: Uint8Array, fileName: string, options: ExtractOptions = {}): Promise<ExtractedKernel> {
  const maxOutput = options.maxOutput ?? 1 << 30;
  const tried: string[] = [];
  type Candidate = { offset: number; end: number; format: Format; locatedBy: ExtractedKernel['locatedBy'] };
  const header = readBzImageHeader(data);
  // Lazily: the declared payload first (no scan at all in the common case), then the magics in the file.
  function* candidates(): Generator<Candidate> {
    let declared: number | undefined;
    if (header?.payload) {
      const { offset, length } = header.payload;
      const format = FORMATS.find((f) => hasMagic(data, offset, f.magic));
      if (format) {
        declared = offset;
        yield { offset, end: offset + length, format, locatedBy: 'setup-header' };
      } else {
        const known = UNSUPPORTED.find((f) => hasMagic(data, offset, f.magic));
        tried.push(`setup header payload at ${hex(offset)}: ${known ? `${known.name} compression is not supported` : 'unknown compression'}`);
      }
    }
    for (const c of scanMagics(data)) if (c.offset !== declared) yield { ...c, end: data.length, locatedBy: 'magic-scan' };
  }

  for (const c of candidates()) {
    let out: Uint8Array;
    try {
      // Re-wrapped: the CLIs' and zlib's output is a Node Buffer, whose slice() is a view, and consumers
      // rely on Uint8Array's copying slice (as for files read in loadKernelOrElf).
      const raw = await decompress(data.subarray(0, c.end), c.offset, c.format, fileName, maxOutput);
      out = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      tried.push(`${c.format.name} at ${hex(c.offset)}: ${e.message}`);
      continue;
    }
    if (!isElf(out)) {
      tried.push(`${c.format.name} at ${hex(c.offset)}: decompressed ${out.length} bytes, not an ELF file`);
      continue;
    }
    try {
      const elf = parseElf(out, `${fileName}[vmlinux]`);
      return { elf, compression: c.format.name, payloadOffset: c.offset, locatedBy: c.locatedBy };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      tried.push(`${c.format.name} at ${hex(c.offset)}: decompressed to a malformed ELF: ${e.message}`);
    }
  }
  throw new InputError(
    `no compressed ELF kernel found in ${fileName}${tried.length ? `; tried: ${tried.join('; ')}` : ' (no gzip, xz, zstd or LZ4 legacy stream)'}`,
    { file: fileName, offset: 0 },
  );
}

function* scanMagics(data: Uint8Array): Generator<{ offset: number; format: Format }> {
  // Every format's magic starts with a distinct byte; walk the file once.
  let count = 0;
  for (let i = 0; i < data.length && count < MAX_CANDIDATES; i++) {
    const b = data[i];
    for (const f of FORMATS) {
      if (b === f.magic[0] && hasMagic(data, i, f.magic)) {
        count++;
        yield { offset: i, format: f };
      }
    }
  }
}

async function decompress(data: Uint8Array, offset: number, format: Format, fileName: string, maxOutput: number): Promise<Uint8Array> {
  switch (format.name) {
    case 'lz4-legacy':
      return decompressLz4Legacy(data, offset, { maxOutput, fileName }).data;
    case 'gzip':
      return gunzipMember(data, offset, fileName);
    case 'xz':
      // --single-stream: stop at the end of the stream and ignore what follows it.
      return cliOutput(await runFilter('xz', ['-dc', '--single-stream'], data.subarray(offset), fileName, maxOutput), 'xz', offset, fileName);
    case 'zstd':
      // zstd reports the data after the frame as an error, after printing the frame: keep the output.
      return cliOutput(await runFilter('zstd', ['-dcq'], data.subarray(offset), fileName, maxOutput), 'zstd', offset, fileName);
  }
}

/** The tool's output; nothing at all with a failure status is an error worth its message. */
function cliOutput(r: FilterResult, tool: string, offset: number, fileName: string): Uint8Array {
  if (r.stdout.length === 0 && r.exitCode !== 0) {
    throw new InputError(`${tool}: ${r.stderr || `exit status ${r.exitCode}`}`, { file: fileName, offset });
  }
  return r.stdout;
}

export interface LoadedBinary {
  path: string;
  elf: ElfFile;
  /** 'elf' for an ELF file read as is; 'bzImage' when the ELF was extracted from a compressed kernel. */
  container: 'elf' | 'bzImage';
  /** For a bzImage: the compression and where the payload was. */
  kernel?: Omit<ExtractedKernel, 'elf'>;
}

/** Reads `path`, which may be an ELF file (vmlinux, object, executable) or a bzImage (vmlinuz). */
export async function loadKernelOrElf(path: string, options: ExtractOptions = {}): Promise<LoadedBinary> {
  let data: Uint8Array;
  try {
    // A Node Buffer's slice() is a view, not a copy; every consumer here relies on Uint8Array's copying
    // slice (the patcher's output copy, sites' original bytes), so the Buffer is re-wrapped.
    const buf = await fs.readFile(path);
    data = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (isElf(data)) return { path, elf: parseElf(data, path), container: 'elf' };
  // Neither an ELF nor a bzImage (no boot header) and too short to hold a compressed kernel: say what it is not.
  if (data.length < 0x250 && !readBzImageHeader(data)) {
    throw new InputError(`${path} is not an ELF file (${data.length ? 'no \\x7fELF magic at offset 0' : 'it is empty'}) nor a kernel image`, { file: path, offset: 0 });
  }
  const { elf, ...kernel } = await extractVmlinux(data, path, options);
  return { path, elf, container: 'bzImage', kernel };
}
