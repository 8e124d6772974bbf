// The alternatives loop, in the shape of Linux's apply_alternatives(): entries in table order (a later entry
// over the same code overwrites an earlier one), each one's feature tested, the replacement built and written
// when the test passes, then a clean-up over the entry's code whether or not it was written. What a given
// kernel version does inside those steps (fix-ups, padding, NOP optimisation) is the `AltPassRules` given.

export interface AltEntry {
  /** Position in the table (0-based). */
  index: number;
  instrAddr: bigint;
  replAddr: bigint;
  instrlen: number;
  replacementlen: number;
  /** The feature number, flags removed. */
  feature: number;
  /** Apply when the feature is NOT set. */
  not: boolean;
  /** Every flag the entry carries, by name (`not`, `direct-call`). */
  flags: readonly string[];
}

/** The binary's memory image by virtual address: the output being patched. */
export interface AltMemory {
  /** A copy of [addr, addr+len); at most the bytes that exist when `clamp` (a decoder's look-ahead). */
  read(addr: bigint, len: number, clamp?: boolean): Uint8Array;
  write(addr: bigint, bytes: Uint8Array): void;
}

export interface AltPassRules {
  /** The CPU feature's state; undefined when the CPU description does not say. */
  has(feature: number): boolean | undefined;
  /** A reason the entry cannot be reproduced (a flag this pass does not implement), or undefined. */
  unsupported(entry: AltEntry): string | undefined;
  /** The table as the pass sees it before the loop (6.12 widens nested entries to one length); default as read. */
  prepare?(entries: readonly AltEntry[]): readonly AltEntry[];
  /** The bytes written at the entry's code (its replacement after fix-ups and padding), and what was fixed up. */
  build(entry: AltEntry, replacement: Uint8Array, mem: AltMemory): { bytes: Uint8Array; fixup?: string };
  /** Runs after every entry, applied or not (6.1: optimize_nops over the entry's code). */
  after(entry: AltEntry, mem: AltMemory, outcome: AltOutcome): void;
}

export type AltOutcome = 'applied' | 'not-applied' | 'undecided' | 'unsupported';
export const ALT_OUTCOMES: readonly AltOutcome[] = ['applied', 'not-applied', 'undecided', 'unsupported'];

export interface AltEntryResult {
  entry: AltEntry;
  outcome: AltOutcome;
  /** The entry's code before this entry and after it (after includes the clean-up). */
  before: Uint8Array;
  after: Uint8Array;
  reason?: string;
  /** What the pass changed in the replacement besides padding (a re-based call, a recomputed jump). */
  fixup?: string;
}

export function applyAlternatives(entries: readonly AltEntry[], mem: AltMemory, rules: AltPassRules): AltEntryResult[] {
  const out: AltEntryResult[] = [];
  for (const e of rules.prepare ? rules.prepare(entries) : entries) {
    const before = mem.read(e.instrAddr, e.instrlen);
    const reason = rules.unsupported(e);
    const has = reason === undefined ? rules.has(e.feature) : undefined;
    let outcome: AltOutcome;
    let fixup: string | undefined;
    if (reason !== undefined) outcome = 'unsupported';
    else if (has === undefined) outcome = 'undecided';
    // Linux: `if (!boot_cpu_has(feature) == !(a->cpuid & ALTINSTR_FLAG_INV)) goto next;`
    else if (has === e.not) outcome = 'not-applied';
    else {
      const built = rules.build(e, mem.read(e.replAddr, e.replacementlen), mem);
      mem.write(e.instrAddr, built.bytes);
      fixup = built.fixup;
      outcome = 'applied';
    }
    // An entry the pass cannot decide still gets the clean-up: the kernel runs it at `next:` either way.
    rules.after(e, mem, outcome);
    out.push({ entry: e, outcome, before, after: mem.read(e.instrAddr, e.instrlen), ...(reason ? { reason } : has === undefined ? { reason: 'the CPU description does not say whether the feature is set' } : {}), ...(fixup ? { fixup } : {}) });
  }
  return out;
}
