// kallsyms_seqs_of_names (6.1 stable and 6.12): N big-endian 3-byte symbol indices, the symbols in
// name order (scripts/kallsyms.c sort_symbols_by_name: strcmp of the names, then address, then index;
// with clang LTO 6.1 compares names cut at ".llvm."). The kernel binary-searches names through it, so a
// table that is not a permutation in that order is as broken as bad names. Checking it also catches
// damage to a name that still decodes.

import { hex } from '../bytes.js';
import { Progress, type KallsymsImage } from './image.js';

function cut(s: string): string {
  const i = s.indexOf('.llvm.');
  return i < 0 ? s : s.slice(0, i);
}

/** undefined when the table at `offset` is consistent with the names and addresses, else where it is not. */
export function checkSeqs(img: KallsymsImage, offset: number, names: readonly string[], addresses: readonly bigint[], weight: number): Progress | undefined {
  if (!img.inside(offset, 3 * names.length)) return new Progress(weight, offset, `kallsyms_seqs_of_names (${3 * names.length} bytes at ${hex(offset)}) runs past the section`);
  const plain = checkOrder(img, offset, names, addresses, weight, false);
  return plain && checkOrder(img, offset, names, addresses, weight, true) ? plain : undefined;
}

function checkOrder(img: KallsymsImage, offset: number, names: readonly string[], addresses: readonly bigint[], weight: number, lto: boolean): Progress | undefined {
  const n = names.length;
  const d = img.data;
  const seen = new Uint8Array(n);
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const at = offset + 3 * i;
    const seq = (d[at]! << 16) | (d[at + 1]! << 8) | d[at + 2]!;
    if (seq >= n || seen[seq]) return new Progress(weight + i, at, `kallsyms_seqs_of_names[${i}] is ${seq}: ${seq >= n ? `not below the symbol count ${n}` : 'listed twice'}`);
    seen[seq] = 1;
    if (prev >= 0 && !inOrder(names, addresses, prev, seq, lto)) {
      return new Progress(weight + i, at, `kallsyms_seqs_of_names[${i}]: symbol ${seq} (${JSON.stringify(names[seq])}) sorts before symbol ${prev} (${JSON.stringify(names[prev])}), which the table lists first`);
    }
    prev = seq;
  }
  return undefined;
}

function inOrder(names: readonly string[], addresses: readonly bigint[], a: number, b: number, lto: boolean): boolean {
  const x = lto ? cut(names[a]!) : names[a]!;
  const y = lto ? cut(names[b]!) : names[b]!;
  if (x !== y) return x < y;
  if (addresses[a] !== addresses[b]) return addresses[a]! < addresses[b]!;
  return a < b;
}
