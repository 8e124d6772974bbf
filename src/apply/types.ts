// The apply engine's data: sites found in a binary, what happened to each, and the run's report.

export interface Site {
  /** Position in the site list (0-based), for messages. */
  index: number;
  /** Where the site's descriptor came from: a table entry's file offset, or a line of a site list. */
  origin: string;
  address: bigint;
  /** File offset of the site's code. */
  fileOffset: number;
  /** The op the site calls, by name; undefined when the table names a slot with no op declared. */
  op: string | undefined;
  /** Index into the ops table, when the site came from a site table. */
  slot?: number;
  len: number;
  /** The site's clobber mask as register names allowed to change, when the table has one. */
  clobbers?: string[];
  expect: 'indirect-call' | 'any';
}

export type Outcome = 'patched' | 'already-applied' | 'refused';

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
  /** rule or op → outcome → count */
  byOp: Map<string, Record<Outcome, number>>;
}
