// The apply engine's data: sites found in a binary, what happened to each, and the run's report.

/** One site, as reports and tools see it (materialized from a SiteList on demand). */
export interface Site {
  /** Position in the site list (0-based), for messages. */
  index: number;
  /** Where the site's descriptor came from: a table entry's place, or an entry of a site list. */
  origin: string;
  address: bigint;
  /** File offset of the site's code. */
  fileOffset: number;
  /** The op the site calls, by name. */
  op: string | undefined;
  /** Index into the ops table, when the site came from a site table. */
  slot?: number;
  len: number;
  /** The site's clobber mask as register names allowed to change, when the table has one. */
  clobbers?: string[];
  expect: 'indirect-call' | 'any';
}

/**
 * All sites of a run as parallel arrays: a million sites cost a few bytes each, not an object each.
 */
export interface SiteList {
  count: number;
  address: BigUint64Array;
  fileOffset: Float64Array;
  /** Ops-table slot, or -1 (site lists name ops directly). */
  slot: Int32Array;
  /** Index into opNames. */
  op: Int32Array;
  opNames: string[];
  len: Uint8Array;
  /** Clobber mask per site; meaningful when clobberBits is set. */
  clobberMask: Uint32Array;
  /** Register name of each mask bit, lowest first; undefined when sites carry no mask. */
  clobberBits?: string[];
  expect: 'indirect-call' | 'any';
  origin(i: number): string;
}

export type Outcome = 'patched' | 'already-applied' | 'refused';
export const OUTCOMES: readonly Outcome[] = ['patched', 'already-applied', 'refused'];

export interface SiteResult {
  site: Site;
  outcome: Outcome;
  /** Why it was refused (or a note for the others). */
  reason?: string;
  /** Which rule chose the replacement: op:NAME, target:SYM, missing, default. */
  rule?: string;
  target?: { address: bigint; symbol?: string };
  original: Uint8Array;
  /** The bytes written (equal to original when refused). */
  patched: Uint8Array;
  /** Length of the replacement before NOP padding. */
  replacementLength?: number;
}

export interface ApplyStats {
  sites: number;
  byOutcome: Record<Outcome, number>;
  /** op → outcome → count */
  byOp: Map<string, Record<Outcome, number>>;
}
