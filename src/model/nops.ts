// NOP tables: the filler written after a replacement. Linux's are the shipped default.

/** table[n] is an n-byte NOP (table[0] unused). */
export interface NopTable {
  source: string;
  /** Where a rule file declared it (absent for the built-in tables). */
  span?: import('../diag/diagnostic.js').SourceSpan;
  byLength: Map<number, Uint8Array>;
}

const hex = (s: string): Uint8Array => Uint8Array.from(s.split(' ').map((b) => parseInt(b, 16)));

/**
 * Linux's `x86_nops`, arch/x86/include/asm/nops.h (v6.5 and later; up to v6.4 the 64-bit table stops
 * at 8 bytes — rules/linux/linux-6.1-x86_64.rules declares that one). 64-bit: the "P6" long NOPs
 * `0f 1f /0` with a 66 prefix for 2 and 6 bytes; 9–11 bytes put cs (2e), then 66 prefixes, before the
 * 8-byte form. 32-bit: `movl %esi,%esi` and lea-based NOPs with a ds prefix for 5 and 8 bytes.
 */
export const LINUX_X86_64_NOPS: NopTable = {
  source: 'Linux x86_nops, arch/x86/include/asm/nops.h (v6.5+), CONFIG_64BIT',
  byLength: new Map([
    [1, hex('90')],
    [2, hex('66 90')],
    [3, hex('0f 1f 00')],
    [4, hex('0f 1f 40 00')],
    [5, hex('0f 1f 44 00 00')],
    [6, hex('66 0f 1f 44 00 00')],
    [7, hex('0f 1f 80 00 00 00 00')],
    [8, hex('0f 1f 84 00 00 00 00 00')],
    [9, hex('2e 0f 1f 84 00 00 00 00 00')],
    [10, hex('66 2e 0f 1f 84 00 00 00 00 00')],
    [11, hex('66 66 2e 0f 1f 84 00 00 00 00 00')],
  ]),
};

export const LINUX_I386_NOPS: NopTable = {
  source: 'Linux x86_nops, arch/x86/include/asm/nops.h (v5.15+), !CONFIG_64BIT',
  byLength: new Map([
    [1, hex('90')],
    [2, hex('89 f6')],
    [3, hex('8d 76 00')],
    [4, hex('8d 74 26 00')],
    [5, hex('3e 8d 74 26 00')],
    [6, hex('8d b6 00 00 00 00')],
    [7, hex('8d b4 26 00 00 00 00')],
    [8, hex('3e 8d b4 26 00 00 00 00')],
  ]),
};

export function maxNop(table: NopTable): number {
  return Math.max(...table.byLength.keys());
}

/** The longest NOP that fits, repeatedly (as Linux's add_nops does). */
export function nopFill(table: NopTable, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const max = maxNop(table);
  let at = 0;
  while (at < length) {
    const n = Math.min(max, length - at);
    const nop = table.byLength.get(n);
    if (!nop) throw new Error(`NOP table has no ${n}-byte entry`);
    out.set(nop, at);
    at += n;
  }
  return out;
}
