// Filling a replacement's relocation fields for the address it is written at (ELF semantics: S + A - P).
import type { SymbolTable } from '../binary/index.js';
import type { PatchEntry } from '../table/types.js';
import type { Target } from './choose.js';

export type Relocated = { ok: true; bytes: Uint8Array } | { ok: false; reason: string };

export function relocate(entry: PatchEntry, at: bigint, target: Target | undefined, symbols: SymbolTable | undefined, addrBits: 32 | 64): Relocated {
  if (entry.relocations.length === 0) return { ok: true, bytes: entry.bytes };
  const out = entry.bytes.slice();
  const dv = new DataView(out.buffer);
  for (const r of entry.relocations) {
    let s: bigint | undefined;
    if (r.symbol === 'target') {
      if (!target || target.address === 0n) return { ok: false, reason: `the rule calls the op's target, but its slot is ${target ? 'NULL' : 'unknown (ops table not in the file)'}` };
      s = target.address;
    } else {
      s = symbols?.addressOf(r.symbol);
      if (s === undefined) return { ok: false, reason: `symbol '${r.symbol}' is not defined${symbols ? '' : ' (the binary has no symbols; give --symbols)'}` };
    }
    const p = at + BigInt(r.offset);
    let v = s + BigInt(r.addend) - (r.pcRelative ? p : 0n);
    if (!r.pcRelative) v = BigInt.asIntN(addrBits, v);
    const bits = BigInt(r.size * 8);
    const min = -(1n << (bits - 1n));
    const max = r.pcRelative || r.size === 8 ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
    if (v < min || v > max) {
      return { ok: false, reason: `relocation to ${r.symbol} at +${r.offset} overflows: ${v} does not fit in ${r.size} ${r.pcRelative ? 'signed ' : ''}bytes` };
    }
    const u = BigInt.asUintN(Number(bits), v);
    switch (r.size) {
      case 1:
        dv.setUint8(r.offset, Number(u));
        break;
      case 2:
        dv.setUint16(r.offset, Number(u), true);
        break;
      case 4:
        dv.setUint32(r.offset, Number(u), true);
        break;
      case 8:
        dv.setBigUint64(r.offset, u, true);
        break;
    }
  }
  return { ok: true, bytes: out };
}
