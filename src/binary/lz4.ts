// LZ4 decompression: the block format and the legacy frame format (the one Linux's `lz4 -l` kernel
// payloads use), decoded here in TypeScript. Formats as documented in lz4's doc/lz4_Block_format.md
// and doc/lz4_Frame_format.md ("Legacy frame").
//
// Why our own decoder: the block format is a few dozen lines, a native npm binding would bring build or
// prebuilt-binary problems for a tool that otherwise installs as plain JS, the pure-JS packages are
// unmaintained, and a CLI would need to be installed and spawned. Owning it also lets every read be
// bounds-checked so a corrupt payload is an InputError naming the offset, and lets the decoder stop
// exactly where the legacy frame ends instead of treating what follows as an error.

import { InputError } from '../diag/diagnostic.js';
import { hex } from './bytes.js';

/** Legacy frame magic 0x184C2102, stored little-endian: 02 21 4c 18. */
export const LZ4_LEGACY_MAGIC = 0x184c2102;
/** Each legacy block decompresses to at most 8 MiB. */
export const LZ4_LEGACY_BLOCK_MAX = 8 << 20;
/** LZ4_compressBound(8 MiB): the largest a compressed legacy block can be. */
const LZ4_LEGACY_BLOCK_BOUND = LZ4_LEGACY_BLOCK_MAX + Math.floor(LZ4_LEGACY_BLOCK_MAX / 255) + 16;

const MIN_MATCH = 4;

/**
 * Decodes one LZ4 block `src[start, end)` into `dst` from `dstPos`, writing at most `dstLimit - dstPos`
 * bytes. Returns the new output position. Matches may only refer back to `dstBase` (the block's own
 * output start: legacy blocks are independent). `fail` is called with an offset into `src`.
 */
export function decodeLz4Block(
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array,
  dstPos: number,
  dstLimit: number,
  fail: (offset: number, message: string) => never,
): number {
  if (start < 0 || end > src.length || start > end || dstPos < 0 || dstLimit > dst.length) {
    fail(Math.max(0, Math.min(start, src.length)), 'LZ4 block bounds lie outside the buffers');
  }
  const dstBase = dstPos;
  let ip = start;
  let op = dstPos;
  for (;;) {
    if (ip >= end) fail(ip, 'LZ4 block ends before its last sequence');
    const token = src[ip++]!;
    // Literal run: high nibble, 15 meaning "add the following bytes until one is not 255".
    let litLen = token >>> 4;
    if (litLen === 15) {
      let b: number;
      do {
        if (ip >= end) fail(ip, 'LZ4 literal length runs past the end of the block');
        b = src[ip++]!;
        litLen += b;
      } while (b === 255);
    }
    if (litLen > end - ip) fail(ip, `LZ4 literal run of ${litLen} bytes runs past the end of the block`);
    if (litLen > dstLimit - op) fail(ip, `LZ4 block decompresses to more than ${dstLimit - dstBase} bytes`);
    // Short runs are the common case: a loop beats creating a subarray for set().
    if (litLen < 32) {
      for (let i = 0; i < litLen; i++) dst[op + i] = src[ip + i]!;
    } else {
      dst.set(src.subarray(ip, ip + litLen), op);
    }
    ip += litLen;
    op += litLen;
    // The last sequence has literals only and ends the block exactly.
    if (ip === end) return op;
    if (end - ip < 2) fail(ip, 'LZ4 match offset truncated');
    const matchOffset = src[ip]! | (src[ip + 1]! << 8);
    if (matchOffset === 0 || matchOffset > op - dstBase) fail(ip, `LZ4 match offset ${matchOffset} points before the start of the block's output`);
    ip += 2;
    let matchLen = token & 15;
    if (matchLen === 15) {
      let b: number;
      do {
        if (ip >= end) fail(ip, 'LZ4 match length runs past the end of the block');
        b = src[ip++]!;
        matchLen += b;
      } while (b === 255);
    }
    matchLen += MIN_MATCH;
    if (matchLen > dstLimit - op) fail(ip, `LZ4 block decompresses to more than ${dstLimit - dstBase} bytes`);
    const from = op - matchOffset;
    if (matchLen < 32) {
      // Byte by byte is correct for overlapping matches too (each byte read was written before).
      for (let i = 0; i < matchLen; i++) dst[op + i] = dst[from + i]!;
      op += matchLen;
    } else if (matchOffset >= matchLen) {
      dst.copyWithin(op, from, from + matchLen);
      op += matchLen;
    } else if (matchOffset === 1) {
      dst.fill(dst[from]!, op, op + matchLen);
      op += matchLen;
    } else {
      // Overlapping copy: the match repeats the last matchOffset bytes; copy in chunks that never read
      // bytes not yet written.
      const stop = op + matchLen;
      while (op < stop) {
        const n = Math.min(op - from, stop - op);
        dst.copyWithin(op, from, from + n);
        op += n;
        // dst[from, op) now holds the period twice as often: the next chunk can be twice as long.
      }
    }
  }
}

export interface Lz4LegacyResult {
  data: Uint8Array;
  /** Bytes of input consumed, from the magic to the end of the last block. */
  consumed: number;
  blocks: number;
}

export interface Lz4Options {
  /** Refuse to produce more than this many bytes (default 1 GiB): a guard against decompression bombs. */
  maxOutput?: number;
  fileName?: string;
}

/**
 * Decodes a legacy LZ4 frame starting at `input[start]` (which must hold the magic): repeated
 * [u32 LE compressed size, block]. Decoding stops at the end of the input, or at a size that cannot be a
 * block (zero, larger than LZ4_compressBound(8 MiB), or past the end of the input): that is how the
 * frame's end is found when other data follows it (Linux appends the decompressed size). A repeated magic
 * (concatenated legacy frames) is skipped. A block whose contents are corrupt is an InputError.
 */
export function decompressLz4Legacy(input: Uint8Array, start = 0, options: Lz4Options = {}): Lz4LegacyResult {
  const file = options.fileName ?? '<lz4>';
  const maxOutput = options.maxOutput ?? 1 << 30;
  const fail = (offset: number, message: string): never => {
    throw new InputError(message, { file, offset });
  };
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  if (start < 0 || start + 4 > input.length || view.getUint32(start, true) !== LZ4_LEGACY_MAGIC) {
    fail(Math.max(0, Math.min(start, input.length)), 'no LZ4 legacy frame magic (02 21 4c 18) here');
  }
  // A guess (kernel payloads compress about 4:1); grown by doubling when a block needs more.
  let out = new Uint8Array(Math.min(maxOutput, Math.max(1 << 16, (input.length - start) * 4)));
  let op = 0;
  let ip = start + 4;
  let blocks = 0;
  while (input.length - ip >= 4) {
    const size = view.getUint32(ip, true);
    if (size === LZ4_LEGACY_MAGIC) {
      ip += 4;
      continue;
    }
    if (size === 0 || size > LZ4_LEGACY_BLOCK_BOUND || size > input.length - ip - 4) break;
    // Each input byte yields at most 255 output bytes (a match-length byte of 255), so small blocks need
    // far less room than the 8 MiB maximum.
    const room = Math.min(LZ4_LEGACY_BLOCK_MAX, maxOutput - op, size * 256 + 64);
    if (out.length - op < room) {
      const bigger = new Uint8Array(Math.min(maxOutput, Math.max(out.length * 2, op + room)));
      bigger.set(out.subarray(0, op));
      out = bigger;
    }
    const blockStart = ip + 4;
    const produced = decodeLz4Block(input, blockStart, blockStart + size, out, op, op + room, (o, m) =>
      fail(o, op + room === maxOutput ? `${m} (output limit ${maxOutput} bytes reached)` : `${m} (block ${blocks} at ${hex(ip)})`),
    );
    op = produced;
    ip = blockStart + size;
    blocks++;
  }
  return { data: out.subarray(0, op), consumed: ip - start, blocks };
}
