// What happened at each site, compactly: one byte per site for the outcome; the rule, its target and the
// replacement's length follow from the site's (op, slot) choice; reasons only for refused sites.
import type { PatchEntry } from '../table/types.js';
import type { Target } from './choose.js';
import type { SiteList } from './types.js';

export const OUTCOME_PATCHED = 0;
export const OUTCOME_ALREADY = 1;
export const OUTCOME_REFUSED = 2;

/** The rule chosen for one (op, slot) pair, and what was decided for it once. */
export interface Choice {
  entry: PatchEntry | undefined;
  /** Index into table.entries, or -1. */
  entryIndex: number;
  target: Target | undefined;
  /** Why no rule applies (when entry is undefined). */
  reason?: string;
}

export function choiceKey(op: number, slot: number): number {
  return op * 0x100000000 + (slot + 1);
}

export class LoopResults {
  /** OUTCOME_* per site. */
  readonly outcome: Uint8Array;
  readonly reasons: string[] = [];
  private reasonOf: Int32Array | undefined;
  private readonly reasonIds = new Map<string, number>();
  /** In-place runs: every site's original bytes, back to back in site order (the input buffer is the output). */
  originals: Uint8Array | undefined;
  /** Conditional rules (`if`/`unless` FEATURE) not considered because no CPU was given. */
  unconsideredRules: { rule: string; source: string }[] = [];
  private originalAt: Float64Array | undefined;

  constructor(
    private readonly sites: SiteList,
    private readonly choices: Map<number, Choice>,
  ) {
    this.outcome = new Uint8Array(sites.count);
  }

  refuse(i: number, reason: string): void {
    this.outcome[i] = OUTCOME_REFUSED;
    let k = this.reasonIds.get(reason);
    if (k === undefined) this.reasonIds.set(reason, (k = this.reasons.push(reason) - 1));
    // Allocated on the first refusal: a clean run keeps no reason per site.
    (this.reasonOf ??= new Int32Array(this.outcome.length).fill(-1))[i] = k;
  }

  reason(i: number): string | undefined {
    const k = this.reasonOf ? this.reasonOf[i]! : -1;
    return k >= 0 ? this.reasons[k] : undefined;
  }

  choice(i: number): Choice | undefined {
    return this.choices.get(choiceKey(this.sites.op(i), this.sites.slot(i)));
  }

  /** Index into table.entries of the rule used at site i, or -1. */
  entryIndex(i: number): number {
    return this.choice(i)?.entryIndex ?? -1;
  }

  /** Length of the replacement before NOP padding (patched and already-applied sites). */
  replacementLength(i: number): number {
    return this.choice(i)?.entry?.bytes.length ?? 0;
  }

  /** Site i's bytes before the run, when the run wrote over its input; undefined otherwise. */
  original(i: number): Uint8Array | undefined {
    if (!this.originals) return undefined;
    if (!this.originalAt) {
      const at = new Float64Array(this.sites.count);
      for (let j = 0, pos = 0; j < at.length; j++) {
        at[j] = pos;
        pos += this.sites.len(j);
      }
      this.originalAt = at;
    }
    const from = this.originalAt[i]!;
    return this.originals.slice(from, from + this.sites.len(i));
  }
}
