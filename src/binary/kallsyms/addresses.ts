// The symbols' addresses, in one of the encodings scripts/kallsyms.c writes (kernel/kallsyms.c
// kallsyms_sym_address reads them back):
//   kallsyms_addresses   N pointers (6.1 without CONFIG_KALLSYMS_BASE_RELATIVE)
//   kallsyms_offsets     N s32 and kallsyms_relative_base, one pointer (BASE_RELATIVE; always in 6.12):
//     plain            address = relative_base + (u32)offset
//     absolute percpu  (CONFIG_KALLSYMS_ABSOLUTE_PERCPU) offset >= 0: the address itself (per-CPU
//                      symbols, typed 'A'); offset < 0: relative_base - 1 - offset
//   relative_base is the address of the first symbol that is not absolute (record_relative_base).
// Where: 6.1 puts offsets (or addresses) and relative_base before num_syms; 6.12 puts offsets and
// relative_base after the token index, followed by kallsyms_seqs_of_names. The symbols are sorted by
// address, so a wrong place or a wrong encoding does not give a non-decreasing list starting at
// relative_base: each candidate is checked that way, and the first that passes is taken.

import { hex } from '../bytes.js';
import { Progress, type KallsymsImage } from './image.js';

export type AddressEncoding = 'absolute' | 'base-relative' | 'base-relative, absolute percpu';

export interface AddressTable {
  encoding: AddressEncoding;
  /** File offset of kallsyms_offsets or kallsyms_addresses. */
  offset: number;
  /** File offset of kallsyms_relative_base (base-relative encodings). */
  relativeBaseOffset?: number;
  relativeBase?: bigint;
  addresses: bigint[];
  /** Whether each symbol is absolute (absolute percpu encoding only). */
  absolute?: boolean[];
}

export interface AddressSpan {
  lo: bigint;
  hi: bigint;
}

interface Place {
  encoding: AddressEncoding;
  offset: number;
  relativeBaseOffset?: number;
}

/** Where the address table may be, given num_syms' offset and the token index's end. */
export function addressPlaces(img: KallsymsImage, n: number, numSyms: number, indexEnd: number): Place[] {
  const w = img.ptrSize;
  const before = numSyms - w;
  const after = img.alignUp(indexEnd);
  const afterBase = img.alignUp(after + 4 * n);
  const places: Place[] = [];
  for (const encoding of ['base-relative', 'base-relative, absolute percpu'] as const) {
    places.push({ encoding, offset: before - img.alignUp(4 * n), relativeBaseOffset: before });
    places.push({ encoding, offset: after, relativeBaseOffset: afterBase });
  }
  places.push({ encoding: 'absolute', offset: numSyms - n * w });
  return places.filter((p) => img.inside(p.offset, 4 * n) && (p.relativeBaseOffset === undefined || img.inside(p.relativeBaseOffset, w)));
}

/** Decodes the addresses at `place`; `weight` orders this failure after those of earlier stages. */
export function readAddresses(img: KallsymsImage, n: number, place: Place, span: AddressSpan, weight: number): AddressTable | Progress {
  const { encoding, offset } = place;
  const addresses: bigint[] = new Array(n);
  const absolute: boolean[] | undefined = encoding === 'base-relative, absolute percpu' ? new Array(n) : undefined;
  const base = place.relativeBaseOffset !== undefined ? img.ptr(place.relativeBaseOffset) : 0n;
  const label = encoding === 'absolute' ? 'kallsyms_addresses' : 'kallsyms_offsets';
  if (place.relativeBaseOffset !== undefined && (base < span.lo || base > span.hi)) {
    return new Progress(weight, place.relativeBaseOffset, `kallsyms_relative_base ${hex(base)} is outside the image's sections (${hex(span.lo)}..${hex(span.hi)})`);
  }
  let firstRelative = -1;
  let prev = -1n;
  for (let i = 0; i < n; i++) {
    const at = offset + (encoding === 'absolute' ? img.ptrSize : 4) * i;
    let a: bigint;
    let abs = false;
    if (encoding === 'absolute') a = img.ptr(at);
    else if (encoding === 'base-relative') a = base + BigInt(img.u32(at));
    else {
      const v = img.s32(at);
      abs = v >= 0;
      a = abs ? BigInt(v) : base - 1n - BigInt(v);
    }
    if (absolute) absolute[i] = abs;
    if (!abs && firstRelative < 0) {
      firstRelative = i;
      if (encoding !== 'absolute' && a !== base) {
        return new Progress(weight + i, at, `${label}[${i}], the first relative symbol, is at ${hex(a)}, not at kallsyms_relative_base ${hex(base)} (${encoding})`);
      }
    }
    if (a < prev) return new Progress(weight + i, at, `${label}[${i}] gives ${hex(a)}, below entry ${i - 1} (${hex(prev)}): the symbols are not in address order (${encoding})`);
    if (!abs && (a < span.lo || a > span.hi)) return new Progress(weight + i, at, `${label}[${i}] gives ${hex(a)}, outside the image's sections (${encoding})`);
    addresses[i] = a;
    prev = a;
  }
  if (firstRelative < 0 && encoding !== 'absolute') return new Progress(weight, offset, `${label}: no relative symbol at all (${encoding})`);
  return {
    encoding,
    offset,
    ...(place.relativeBaseOffset !== undefined ? { relativeBaseOffset: place.relativeBaseOffset, relativeBase: base } : {}),
    addresses,
    ...(absolute ? { absolute } : {}),
  };
}
