// relocate() with plain numbers, for the patch loop: what depends only on the rule and its target is
// computed once (with BigInt, as relocate() does), leaving one subtraction and a range check per site
// and per self-relative field. Whatever this form cannot hold exactly (64-bit self-relative fields,
// distances past 2^52), and every failure, is left to relocate() itself, so results and messages are its.
import type { SymbolTable } from '../binary/index.js';
import type { PatchEntry } from '../table/types.js';
import type { Target } from './choose.js';
import type { CodeRange } from './codeMap.js';

interface PcRelative {
  offset: number;
  size: number;
  /** S + A - P(field) for a site at the start of the range; the field holds k - (site address - range start). */
  k: number;
  /** As wide as an address: the value wraps (i386 rel32) instead of overflowing. */
  wrap: boolean;
  min: number;
  max: number;
}

const LIMIT = 2 ** 52;

export class RelocPlan {
  /** The entry's bytes with every field that does not depend on the site's address filled. */
  readonly bytes: Uint8Array;
  private readonly pending: { offset: number; size: number; s: bigint; addend: number }[] = [];
  private readonly byRange: (PcRelative[] | null | undefined)[] = [];

  /** Undefined when some field cannot be resolved or overflows independently of the site: relocate() says which. */
  static create(entry: PatchEntry, target: Target | undefined, symbols: SymbolTable | undefined, addrBits: 32 | 64): RelocPlan | undefined {
    const plan = new RelocPlan(entry, addrBits);
    for (const r of entry.relocations) {
      const s = r.symbol === 'target' ? (target && target.address !== 0n ? target.address : undefined) : symbols?.addressOf(r.symbol);
      if (s === undefined) return undefined;
      if (r.pcRelative) {
        // A 64-bit self-relative field needs BigInt per site: relocate() does it.
        if (r.size === 8) return undefined;
        plan.pending.push({ offset: r.offset, size: r.size, s, addend: r.addend });
        continue;
      }
      const bits = BigInt(r.size * 8);
      const v = BigInt.asIntN(addrBits, s + BigInt(r.addend));
      const max = r.size === 8 ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
      if (v < -(1n << (bits - 1n)) || v > max) return undefined;
      let u = BigInt.asUintN(Number(bits), v);
      for (let k = 0; k < r.size; k++, u >>= 8n) plan.bytes[r.offset + k] = Number(u & 0xffn);
    }
    return plan;
  }

  private constructor(
    readonly entry: PatchEntry,
    private readonly addrBits: 32 | 64,
  ) {
    this.bytes = entry.bytes.slice();
  }

  /** The self-relative fields for sites in `range`; null when they need relocate() there. */
  fieldsFor(range: CodeRange): PcRelative[] | null {
    let f = this.byRange[range.id];
    if (f === undefined) {
      f = [];
      for (const p of this.pending) {
        const kBig = p.s + BigInt(p.addend) - range.start - BigInt(p.offset);
        const wrap = p.size * 8 >= this.addrBits;
        // A wrapping field depends on k mod 2^32 only.
        const k = wrap ? Number(BigInt.asIntN(32, kBig)) : Number(kBig);
        if (!wrap && (kBig > BigInt(LIMIT) || kBig < -BigInt(LIMIT))) {
          f = null;
          break;
        }
        const half = 2 ** (p.size * 8 - 1);
        f.push({ offset: p.offset, size: p.size, k, wrap, min: -half, max: half - 1 });
      }
      this.byRange[range.id] = f;
    }
    return f;
  }

  /**
   * Writes the fields for a site `rel` bytes into its range into `out` (which holds `bytes` already);
   * false when a value does not fit (relocate() then gives the refusal).
   */
  static fill(fields: readonly PcRelative[], rel: number, out: Uint8Array): boolean {
    for (let j = 0; j < fields.length; j++) {
      const f = fields[j]!;
      let v = f.k - rel;
      if (f.wrap) v |= 0;
      else if (v < f.min || v > f.max) return false;
      for (let b = 0; b < f.size; b++) out[f.offset + b] = (v >> (8 * b)) & 0xff;
    }
    return true;
  }

  /**
   * The after-check for the fields: each, read back from the site's final bytes as the CPU reads it
   * (little-endian, sign-extended), must reach S + A from where it is.
   */
  static fieldsReach(fields: readonly PcRelative[], rel: number, bytes: Uint8Array): boolean {
    for (let j = 0; j < fields.length; j++) {
      const f = fields[j]!;
      let v = 0;
      for (let b = f.size - 1; b >= 0; b--) v = v * 256 + bytes[f.offset + b]!;
      const top = 2 ** (f.size * 8);
      if (v >= top / 2) v -= top;
      const want = f.wrap ? (f.k - rel) | 0 : f.k - rel;
      if (v !== want) return false;
    }
    return true;
  }
}
