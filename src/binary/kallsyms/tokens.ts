// kallsyms_token_table and kallsyms_token_index: 256 NUL-terminated tokens, then (at the next
// pointer-aligned place) 256 u16 offsets of each token in the table. Every compressed name byte is an
// index into these (scripts/kallsyms.c write_src, Linux 6.1 and 6.12 alike). They are the anchor for
// finding the other tables: no other data in a kernel looks like this pair.

import { hex, latin1 } from '../bytes.js';
import { Progress, type KallsymsImage } from './image.js';

export interface TokenTable {
  /** File offsets of kallsyms_token_table and kallsyms_token_index. */
  tableOffset: number;
  indexOffset: number;
  tokens: string[];
}

/** Longest step between two token offsets: a token is a piece of one name (KSYM_NAME_LEN 512) plus its NUL. */
const MAX_TOKEN = 514;

/**
 * Places that look like a token index: entry 0 is 0 and nearly all steps are short and positive. The
 * tolerance lets a damaged index be reported for what it is instead of "no kallsyms".
 */
export function* tokenIndexCandidates(img: KallsymsImage): Generator<number> {
  for (let p = img.alignUp(img.start); p + 512 <= img.end; p += img.ptrSize) {
    if (img.u16(p) !== 0) continue;
    const first = img.u16(p + 2);
    if (first === 0 || first > MAX_TOKEN) continue;
    let good = 0;
    let bad = 0;
    for (let i = 1; i < 256 && bad <= 4; i++) {
      const d = img.u16(p + 2 * i) - img.u16(p + 2 * (i - 1));
      if (d >= 1 && d <= MAX_TOKEN) good++;
      else bad++;
    }
    if (good >= 250) yield p;
  }
}

/**
 * The token table whose index is at `indexOffset`, or where it stops being one; undefined when the place
 * does not look like a token table at all (other data that happens to look like an index).
 */
export function readTokenTable(img: KallsymsImage, indexOffset: number): TokenTable | Progress | undefined {
  const r = checkTokenTable(img, indexOffset);
  return r instanceof Progress && !looksLikeTokens(img, indexOffset) ? undefined : r;
}

/**
 * Whether most tokens the index names end in a NUL for some table start: the bytes before a damaged
 * index still hold its table. Entry 255 or 254 (either may be the damaged one) with up to two tokens and
 * the padding after it reach the index.
 */
function looksLikeTokens(img: KallsymsImage, p: number): boolean {
  const idx: number[] = [];
  for (let i = 0; i < 256; i++) idx.push(img.u16(p + 2 * i));
  for (const top of [idx[255]!, idx[254]!]) {
    for (let len = 2; len <= 2 * MAX_TOKEN + img.ptrSize; len++) {
      const t = p - top - len;
      if (t < img.start) break;
      let hits = 0;
      for (let i = 1; i < 256; i++) {
        const q = t + idx[i]! - 1;
        if (q >= t && q < p && img.data[q] === 0) hits++;
      }
      if (hits >= 200) return true;
    }
  }
  return false;
}

function checkTokenTable(img: KallsymsImage, indexOffset: number): TokenTable | Progress {
  const idx: number[] = [];
  for (let i = 0; i < 256; i++) idx.push(img.u16(indexOffset + 2 * i));
  for (let i = 1; i < 256; i++) {
    if (idx[i]! <= idx[i - 1]!) return new Progress(-1, indexOffset + 2 * i, `kallsyms_token_index[${i}] is ${idx[i]}, not after entry ${i - 1} (${idx[i - 1]})`);
  }
  // The table ends with token 255's NUL, then zero padding up to the index: the last non-zero byte before
  // the index is token 255's last character, and the NUL before token 255 gives the table's start.
  const d = img.data;
  let last = indexOffset - 1;
  while (last >= img.start && last >= indexOffset - img.ptrSize && d[last] === 0) last--;
  let prevNul = last;
  while (prevNul >= img.start && d[prevNul] !== 0 && last - prevNul < MAX_TOKEN) prevNul--;
  const table = prevNul + 1 - idx[255]!;
  if (d[last] === 0 || d[prevNul] !== 0 || table < img.start || table % img.ptrSize !== 0 || img.alignUp(last + 2) !== indexOffset) {
    return new Progress(-1, indexOffset, `no kallsyms_token_table ends before the token index here (the bytes before it are not 256 NUL-terminated tokens)`);
  }
  const tokens: string[] = [];
  for (let i = 0; i < 256; i++) {
    const s = table + idx[i]!;
    const e = i < 255 ? table + idx[i + 1]! - 1 : last + 1;
    for (let k = s; k < e; k++) {
      if (d[k] === 0) return new Progress(-1, k, `kallsyms_token_table: token ${i} (offset ${idx[i]} in the table at ${hex(table)}) holds a NUL before its end (the index puts the next token at ${idx[i + 1] ?? '-'})`);
    }
    if (d[e] !== 0) return new Progress(-1, e, `kallsyms_token_table: token ${i} is not NUL-terminated where kallsyms_token_index puts the next token`);
    tokens.push(latin1(d, s, e));
  }
  return { tableOffset: table, indexOffset, tokens };
}
