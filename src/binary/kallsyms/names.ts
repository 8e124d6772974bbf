// kallsyms_num_syms, kallsyms_names and kallsyms_markers (scripts/kallsyms.c write_src; the same in Linux
// 6.1 and 6.12):
//   num_syms  u32 N, at a pointer-aligned label
//   names     N entries: a length (ULEB128 of one or two bytes, 1..0x3fff; two bytes since 6.1 for
//             names longer than 127 tokens), then that many token indices. The first character of the
//             expanded entry is the nm type letter, the rest the name.
//   markers   ceil(N / 256) u32: the offset in names of every 256th entry.
// Each label is .balign'ed to the pointer size, so names start one pointer after num_syms and markers at
// the aligned end of names. Both versions put markers before the token table: directly (6.12), or with
// kallsyms_seqs_of_names (3 bytes per symbol, aligned) in between (6.1, since its stable backport).
//
// So the markers are found from the token table's position, and num_syms from the markers: the
// candidates are few and each is checked by walking every name against every marker.

import { hex, latin1 } from '../bytes.js';
import { Progress, type KallsymsImage } from './image.js';
import type { TokenTable } from './tokens.js';

export interface NamesTables {
  numSymsOffset: number;
  namesOffset: number;
  markersOffset: number;
  count: number;
  /** kallsyms_seqs_of_names between the markers and the token table (6.1), if there. */
  seqsOffset?: number;
  names: string[];
  /** nm type letters, one per name. */
  kinds: string[];
}

/** KSYM_NAME_LEN (include/linux/kallsyms.h, 512 in both versions): a longer name is not in the table. */
const KSYM_NAME_LEN = 512;
/** Bytes one entry can take: two length bytes and one token per character of type + name. */
const MAX_ENTRY = 2 + KSYM_NAME_LEN;
/** seqs_of_names holds 3-byte indices: no table has more symbols. */
const MAX_SYMS = 1 << 24;
/** nm's type letters (and '?'): the first character of every entry. */
const IS_TYPE = Uint8Array.from({ length: 256 }, (_, c) => Number(/^[A-Za-z?]$/.test(String.fromCharCode(c))));

interface Candidate {
  markers: number;
  markerCount: number;
  seqs?: number;
  minSyms: number;
  maxSyms: number;
}

/** Marker arrays that end where the token table (or the seqs before it) begins. */
function* markerCandidates(img: KallsymsImage, tok: TokenTable): Generator<Candidate> {
  const t = tok.tableOffset;
  const w = img.ptrSize;
  for (let q = t - w; q >= img.start; q -= w) {
    if (img.u32(q) !== 0) continue;
    // markers[1] is the length of 256 names, at least 2 bytes each.
    const m1 = q + 8 <= t ? img.u32(q + 4) : 0;
    if (q + 8 <= t && (m1 < 512 || m1 > 256 * MAX_ENTRY)) continue;
    // Markers right before the token table: the aligned end of the array is the table.
    for (let m = Math.floor((t - q) / 4); m >= 1 && img.alignUp(q + 4 * m) === t; m--) {
      if (markersRise(img, q, m)) yield { markers: q, markerCount: m, minSyms: 256 * (m - 1) + 1, maxSyms: 256 * m };
    }
    // Or seqs_of_names between: t - q = align(4M) + align(3N) with N in (256(M-1), 256M].
    const approx = Math.floor((t - q) / 772);
    for (let m = Math.max(1, approx - 1); m <= approx + 2; m++) {
      const seqs = img.alignUp(q + 4 * m);
      const gap = t - seqs;
      if (gap <= 0) continue;
      const lo = Math.max(256 * (m - 1) + 1, Math.ceil((gap - w + 1) / 3));
      const hi = Math.min(256 * m, Math.floor(gap / 3));
      if (lo <= hi && lo < MAX_SYMS && markersRise(img, q, m)) yield { markers: q, markerCount: m, seqs, minSyms: lo, maxSyms: hi };
    }
  }
}

/**
 * Whether m u32 at q rise by what 256 names can take. Two bad steps are let through, so that a damaged
 * marker is reported where it is (by the walk) rather than the whole table going unrecognised.
 */
function markersRise(img: KallsymsImage, q: number, m: number): boolean {
  let bad = 0;
  for (let i = 1; i < m; i++) {
    const step = img.u32(q + 4 * i) - img.u32(q + 4 * (i - 1));
    if ((step < 512 || step > 256 * MAX_ENTRY) && ++bad > 2) return false;
  }
  return true;
}

/**
 * The names tables before `tok`, or the candidate that got furthest; undefined when nothing before the
 * token table even looks like markers.
 */
export function findNames(img: KallsymsImage, tok: TokenTable): NamesTables | Progress | undefined {
  let best: Progress | undefined;
  // Lazily, nearest the token table first: the real markers are usually the first candidate.
  const candidates: Candidate[] = [];
  for (const c of markerCandidates(img, tok)) {
    candidates.push(c);
    for (const p of numSymsWindow(img, c)) {
      const n = img.u32(p);
      if (n < c.minSyms || n > c.maxSyms) continue;
      const r = walkNames(img, tok, p, n, c);
      if (!(r instanceof Progress)) return r;
      best = Progress.better(best, r);
    }
  }
  if (best) return best;
  // No count fits: perhaps the names are whole and only num_syms is wrong. Find a start from which the
  // entries end exactly at the markers, and say so at num_syms.
  for (const c of candidates) {
    const lastMarker = img.u32(c.markers + 4 * (c.markerCount - 1));
    for (const p of numSymsWindow(img, c)) {
      const tail = entriesToEnd(img, p + img.ptrSize + lastMarker, c.markers);
      if (tail === undefined) continue;
      const n = 256 * (c.markerCount - 1) + tail;
      const r = walkNames(img, tok, p, n, c);
      if (r instanceof Progress) continue;
      return new Progress(n, p, `kallsyms_num_syms is ${img.u32(p)}, but kallsyms_names after it holds ${n} entries (consistent with kallsyms_markers at ${hex(c.markers)})`);
    }
  }
  return candidates.length ? new Progress(0, candidates[0]!.markers, `kallsyms_markers here, but no kallsyms_num_syms and kallsyms_names before them that agree`) : undefined;
}

/**
 * Where num_syms may be for these markers, nearest first: names start one pointer after it; entry
 * 256*(M-1) starts at markers[M-1], and the 1..256 entries after it end before the markers. The last
 * marker bounds the window when it is believable.
 */
function* numSymsWindow(img: KallsymsImage, c: Candidate): Generator<number> {
  const w = img.ptrSize;
  const lastMarker = img.u32(c.markers + 4 * (c.markerCount - 1));
  const plausible = lastMarker < c.markers - img.start;
  const hiS = plausible ? c.markers - lastMarker - 2 : c.markers - 2;
  const loS = plausible ? c.markers - lastMarker - 256 * MAX_ENTRY : c.markers - c.maxSyms * MAX_ENTRY;
  for (let p = img.alignDown(hiS - w); p >= Math.max(img.start, loS - 2 * w); p -= w) yield p;
}

/** How many (1..256) entries from `from` end where `markers` is the next aligned place; undefined if none do. */
function entriesToEnd(img: KallsymsImage, from: number, markers: number): number | undefined {
  const d = img.data;
  let o = from;
  for (let k = 1; k <= 256; k++) {
    if (o < img.start || o >= markers) return undefined;
    let len = d[o++]!;
    if (len & 0x80) len = (len & 0x7f) | (d[o++]! << 7);
    if (len === 0) return undefined;
    o += len;
    if (o > markers) return undefined;
    if (img.alignUp(o) === markers) return k;
  }
  return undefined;
}

function walkNames(img: KallsymsImage, tok: TokenTable, numSyms: number, n: number, c: Candidate): NamesTables | Progress {
  const d = img.data;
  const start = numSyms + img.ptrSize;
  // All names are expanded into one byte buffer, made one string, and sliced: concatenating token
  // strings makes rope strings that cost more in garbage collection than the whole decode.
  const tokens = tok.tokens.map((t) => Uint8Array.from(t, (ch) => ch.charCodeAt(0)));
  let out = new Uint8Array(Math.max(4096, (c.markers - start) * 4));
  const ends = new Uint32Array(n + 1);
  let pos = 0;
  let o = start;
  for (let i = 0; i < n; i++) {
    if ((i & 0xff) === 0) {
      const mAt = c.markers + 4 * (i >> 8);
      const want = img.u32(mAt);
      if (o - start !== want) {
        const at = i === 0 ? start : start + img.u32(mAt - 4);
        return new Progress(i, at, `kallsyms_markers[${i >> 8}] (at ${hex(mAt)}) says entry ${i} of kallsyms_names (at ${hex(start)}) starts at offset ${hex(want)}, but the ${i === 0 ? 0 : 256} entries from ${hex(at)} end at offset ${hex(o - start)}`);
      }
    }
    const entry = o;
    if (o >= c.markers) return new Progress(i, entry, `kallsyms_names entry ${i} of ${n} starts at or past kallsyms_markers (${hex(c.markers)})`);
    let len = d[o++]!;
    if (len & 0x80) {
      const hi = d[o++]!;
      if (hi === 0 || hi & 0x80) return new Progress(i, entry, `kallsyms_names entry ${i}: length bytes ${hex(len)} ${hex(hi)} are not a two-byte ULEB128 above 0x7f`);
      len = (len & 0x7f) | (hi << 7);
    }
    if (len === 0) return new Progress(i, entry, `kallsyms_names entry ${i} has length 0`);
    if (o + len > c.markers) return new Progress(i, entry, `kallsyms_names entry ${i} (${len} tokens) runs into kallsyms_markers at ${hex(c.markers)}`);
    if (pos + 2 * MAX_ENTRY > out.length) {
      const bigger = new Uint8Array(out.length * 2);
      bigger.set(out.subarray(0, pos));
      out = bigger;
    }
    const from = pos;
    for (let k = 0; k < len && pos - from <= KSYM_NAME_LEN; k++) {
      const t = tokens[d[o + k]!]!;
      for (let j = 0; j < t.length; j++) out[pos++] = t[j]!;
    }
    o += len;
    const sl = pos - from;
    if (sl < 2 || sl > KSYM_NAME_LEN || !IS_TYPE[out[from]!]) {
      const shown = String.fromCharCode(...out.subarray(from, from + Math.min(sl, 40)));
      return new Progress(i, entry, `kallsyms_names entry ${i} expands to ${JSON.stringify(shown)}, not a type letter and a name of 1..${KSYM_NAME_LEN - 1} characters`);
    }
    ends[i + 1] = pos;
  }
  if (img.alignUp(o) !== c.markers) {
    return new Progress(n, o, `kallsyms_names: its ${n} entries end at ${hex(o)}, but kallsyms_markers is at ${hex(c.markers)}`);
  }
  const all = latin1(out, 0, pos);
  const names: string[] = new Array(n);
  const kinds: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    kinds[i] = all[ends[i]!]!;
    names[i] = all.slice(ends[i]! + 1, ends[i + 1]);
  }
  return {
    numSymsOffset: numSyms,
    namesOffset: start,
    markersOffset: c.markers,
    count: n,
    ...(c.seqs !== undefined ? { seqsOffset: c.seqs } : {}),
    names,
    kinds,
  };
}
