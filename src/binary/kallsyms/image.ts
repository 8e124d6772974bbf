// The view of a kernel image the kallsyms readers share: little-endian reads confined to one region of
// the file (the section the tables are searched in), and the one kind of failure they report.
//
// Locating the tables is a search: several candidate places are tried, and most are wrong. A wrong
// candidate is not an error; only when no candidate decodes is the one that got furthest reported, with
// the file offset where it stopped making sense (see Progress).

import { InputError } from '../../diag/diagnostic.js';
import { hex } from '../bytes.js';

export class KallsymsImage {
  readonly view: DataView;

  constructor(
    readonly data: Uint8Array,
    readonly fileName: string,
    /** File offsets of the region searched: [start, end). */
    readonly start: number,
    readonly end: number,
    /** Pointer size and the tables' alignment (the generator's ALGN is .balign of the pointer size). */
    readonly ptrSize: 4 | 8,
    /** Where .text starts, which the kernel's _text must equal; undefined without a .text. */
    readonly textAddress?: bigint,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  inside(offset: number, size: number): boolean {
    return offset >= this.start && size >= 0 && offset + size <= this.end;
  }

  alignUp(offset: number): number {
    const a = this.ptrSize;
    return offset + ((a - (offset % a)) % a);
  }

  alignDown(offset: number): number {
    return offset - (offset % this.ptrSize);
  }

  u16(o: number): number {
    return this.view.getUint16(o, true);
  }

  u32(o: number): number {
    return this.view.getUint32(o, true);
  }

  s32(o: number): number {
    return this.view.getInt32(o, true);
  }

  ptr(o: number): bigint {
    return this.ptrSize === 8 ? this.view.getBigUint64(o, true) : BigInt(this.view.getUint32(o, true));
  }
}

/**
 * How far a candidate decoding got before it failed. `progress` orders candidates (higher got further:
 * stage weights keep a failure in the addresses ahead of any failure in the names).
 */
export class Progress {
  constructor(
    readonly progress: number,
    readonly offset: number,
    readonly message: string,
  ) {}

  static better(a: Progress | undefined, b: Progress): Progress {
    return a === undefined || b.progress > a.progress ? b : a;
  }

  toError(img: KallsymsImage): InputError {
    return new InputError(`${img.fileName}: kallsyms tables do not decode consistently: at file offset ${hex(this.offset)}: ${this.message}`, {
      file: img.fileName,
      offset: this.offset,
    });
  }
}
