// The apply engine's data: sites found in a binary, what happened to each, and the run's report.
import type { SitePlace } from './codeMap.js';

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
 * All sites of a run, by index. A site table is read where it lies in the binary (a million sites cost
 * no memory of their own); a site list keeps parallel arrays. Accessors, not objects: see siteAt.
 */
export interface SiteList {
  readonly count: number;
  readonly opNames: readonly string[];
  /** Register name of each clobber-mask bit, lowest first; undefined when sites carry no mask. */
  readonly clobberBits?: readonly string[];
  readonly expect: 'indirect-call' | 'any';
  address(i: number): bigint;
  fileOffset(i: number): number;
  /** Ops-table slot, or -1 (site lists name ops directly). */
  slot(i: number): number;
  /** Index into opNames. */
  op(i: number): number;
  len(i: number): number;
  /** Clobber mask; meaningful when clobberBits is set. */
  clobberMask(i: number): number;
  /** Site i's code range and offset in it (every site was checked to lie whole in one when listed). */
  locate(i: number, into: SitePlace): void;
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
