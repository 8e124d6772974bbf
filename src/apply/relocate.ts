// Filling a replacement's relocation fields for the address it is written at (ELF semantics: S + A - P).
import type { SymbolTable } from '../binary/index.js';
import type { PatchEntry } from '../table/types.js';
import type { Target } from './choose.js';

export type Relocated = { ok: true; bytes: Uint8Array } | { ok: false; reason: string };

/**
 * Returns the entry's bytes with every relocation field filled for code at `at`, written into `into` when
 * given (the patch loop reuses one buffer; a million sites allocate nothing).
 */
export function relocate(entry: PatchEntry, at: bigint, target: Target | undefined, symbols: SymbolTable | undefined, addrBits: 32 | 64, into?: Uint8Array): Relocated {
  if (entry.relocations.length === 0) return { ok: true, bytes: entry.bytes };
  const out = into && into.length >= entry.bytes.length ? into.subarray(0, entry.bytes.length) : new Uint8Array(entry.bytes.length);
  out.set(entry.bytes);
  for (const r of entry.relocations) {
    let s: bigint | undefined;
    if (r.symbol === 'target') {
      if (!target || target.address === 0n) return { ok: false, reason: `the rule calls the op's target, but its slot is ${target ? 'NULL' : 'unknown (the op has no slot in the ops table, or the slot has no bytes in the file)'}` };
      s = target.address;
    } else {
      s = symbols?.addressOf(r.symbol);
      if (s === undefined) return { ok: false, reason: `symbol '${r.symbol}' is not defined${symbols ? '' : ' (the binary has no symbols: no symbol table and no kallsyms tables; give --symbols)'}` };
    }
    let v = s + BigInt(r.addend) - (r.pcRelative ? at + BigInt(r.offset) : 0n);
    // Addresses wrap at the address width: an absolute field, or a self-relative one as wide as an
    // address (rel32 in 32-bit code: EIP + rel32 is taken mod 2^32, so every target is in reach, as
    // GNU ld links it), holds the value mod 2^addrBits.
    if (!r.pcRelative || r.size * 8 >= addrBits) v = BigInt.asIntN(addrBits, v);
    const bits = BigInt(r.size * 8);
    const min = -(1n << (bits - 1n));
    const max = r.pcRelative || r.size === 8 ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
    if (v < min || v > max) {
      return { ok: false, reason: `relocation to ${r.symbol} at +${r.offset} overflows: ${v} does not fit in ${r.size} ${r.pcRelative ? 'signed ' : ''}bytes` };
    }
    // Little-endian, byte by byte: no DataView per site.
    let u = BigInt.asUintN(Number(bits), v);
    if (r.size <= 4) {
      let n = Number(u);
      for (let k = 0; k < r.size; k++, n = Math.floor(n / 256)) out[r.offset + k] = n & 0xff;
    } else {
      for (let k = 0; k < 8; k++, u >>= 8n) out[r.offset + k] = Number(u & 0xffn);
    }
  }
  return { ok: true, bytes: out };
}
