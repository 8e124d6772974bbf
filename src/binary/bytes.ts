// Bounds-checked little-endian reads over a file's bytes. Every read names the file offset it failed at,
// so a malformed binary always ends in an InputError pointing into the file, never in a RangeError.

import { InputError } from '../diag/diagnostic.js';

export function hex(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}

export class ByteReader {
  private readonly view: DataView;

  constructor(
    readonly data: Uint8Array,
    readonly fileName: string,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  get length(): number {
    return this.data.length;
  }

  fail(offset: number, message: string): never {
    throw new InputError(message, { file: this.fileName, offset });
  }

  /** Throws unless [offset, offset + size) lies inside the file; `what` names the thing being read. */
  need(offset: number, size: number, what: string): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size < 0 || offset + size > this.data.length) {
      this.fail(
        Math.min(Math.max(0, Number.isFinite(offset) ? offset : 0), this.data.length),
        `${what} (${size} bytes at ${hex(offset)}) extends past the end of the file (${hex(this.data.length)} bytes)`,
      );
    }
  }

  u8(offset: number, what: string): number {
    this.need(offset, 1, what);
    return this.view.getUint8(offset);
  }

  u16(offset: number, what: string): number {
    this.need(offset, 2, what);
    return this.view.getUint16(offset, true);
  }

  u32(offset: number, what: string): number {
    this.need(offset, 4, what);
    return this.view.getUint32(offset, true);
  }

  u64(offset: number, what: string): bigint {
    this.need(offset, 8, what);
    return this.view.getBigUint64(offset, true);
  }

  /** A word of the ELF class: 4 bytes for ELFCLASS32, 8 for ELFCLASS64, widened to bigint. */
  word(offset: number, is64: boolean, what: string): bigint {
    return is64 ? this.u64(offset, what) : BigInt(this.u32(offset, what));
  }

  /** A NUL-terminated string that must end before `limit` (exclusive). */
  cstring(offset: number, limit: number, what: string): string {
    this.need(offset, 0, what);
    const end = Math.min(limit, this.data.length);
    const nul = this.data.indexOf(0, offset);
    if (nul < 0 || nul >= end) this.fail(offset, `${what} at ${hex(offset)} has no NUL terminator before ${hex(end)}`);
    return latin1(this.data, offset, nul);
  }
}

/**
 * Decodes bytes as Latin-1 (one char per byte): symbol names are byte strings, and this keeps any byte
 * sequence round-trippable without a UTF-8 decoder replacing invalid sequences.
 */
export function latin1(data: Uint8Array, start: number, end: number): string {
  if (end - start < 64) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(data[i]!);
    return s;
  }
  return Buffer.from(data.buffer, data.byteOffset + start, end - start).toString('latin1');
}

/** Converts a 64-bit header value to a file offset/size, or throws if it cannot be one. */
export function toFileNumber(r: ByteReader, v: bigint, fieldOffset: number, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) r.fail(fieldOffset, `${what} ${hex(v)} is larger than any file`);
  return Number(v);
}
