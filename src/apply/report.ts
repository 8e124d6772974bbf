// The run's report: JSON per site for tools, and a summary by op and outcome for people.
import { describeInstructions } from '../asm/describe.js';
import type { Bitness } from '../asm/types.js';
import type { ApplyRun } from './apply.js';
import { OUTCOME_REFUSED } from './loop.js';
import type { SiteResult } from './types.js';
import type { PatchEntry } from '../table/types.js';

export type ReplacementKind = 'inline' | 'call' | 'nops' | 'unchanged';

/** A rule whose whole replacement is one relocated call or jmp: "direct call" in the figures. */
function isDirectBranch(e: PatchEntry): boolean {
  return e.relocations.length === 1 && e.relocations[0]!.pcRelative && (e.bytes[0] === 0xe8 || e.bytes[0] === 0xe9) && e.bytes.length === 5;
}

/** What a site became: the figures Linux people ask for (inline code / direct call / NOPs). */
export function replacementKind(run: ApplyRun, i: number): ReplacementKind {
  const l = run.loop;
  if (l.outcome[i] === OUTCOME_REFUSED) return 'unchanged';
  const choice = l.choice(i);
  if (!choice?.entry || choice.entry.bytes.length === 0) return 'nops';
  const e = choice.entry;
  return e && isDirectBranch(e) ? 'call' : 'inline';
}

/** The same classification from a materialized result, by decoding its replacement. */
export function resultKind(r: SiteResult, bitness: Bitness): ReplacementKind {
  if (r.outcome === 'refused') return 'unchanged';
  const n = r.replacementLength ?? r.patched.length;
  if (n === 0) return 'nops';
  const insns = describeInstructions(r.patched.subarray(0, n), bitness).instructions;
  return insns.length === 1 && /^(call|jmp)\s+(0x)?[0-9a-f]+$/i.test(insns[0]!.text) ? 'call' : 'inline';
}

const HEX_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * The text of table/hex.ts's toHex ("48 89 f8"), by table lookup: a report calls it four times a site,
 * and toHex's array per call was a fifth of the time a million-site report takes.
 */
function spacedHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += i === 0 ? HEX_BYTE[bytes[i]!]! : ` ${HEX_BYTE[bytes[i]!]!}`;
  return s;
}

function disasm(bytes: Uint8Array, bitness: Bitness, address: bigint): string[] {
  const d = describeInstructions(bytes, bitness, address, 'att', false);
  const lines = d.instructions.map((i) => `${(address + BigInt(i.offset)).toString(16)}: ${spacedHex(i.bytes).padEnd(24)} ${i.text}`);
  if (!d.whole) lines.push(`(${d.problem})`);
  return lines;
}

/** Size of the pieces reports are written in: big enough for few writes, small enough to hold. */
export const REPORT_CHUNK_CHARS = 64 * 1024;

/** The whole JSON report as one string; for small runs and tests (see reportChunks for large ones). */
export function reportJson(run: ApplyRun, input: string, output: string | undefined): string {
  return [...reportChunks(run, input, output)].join('');
}

/**
 * The JSON report in pieces of about REPORT_CHUNK_CHARS, to be written as they come: a million sites make
 * a report of half a gigabyte, past V8's longest string. Together the pieces are exactly
 * `JSON.stringify(doc, null, 1) + '\n'` of the whole document: the head (every member but the sites,
 * which come last) is stringified alone, and each site is stringified alone and indented to its depth.
 * Sites are materialized one at a time (ApplyRun.result), never all at once.
 */
export function* reportChunks(run: ApplyRun, input: string, output: string | undefined, later?: LaterPass, extras?: ReportExtras): Generator<string> {
  const head = JSON.stringify({ patchc_report: 1, input, output: output ?? null, arch: run.table.arch, summary: summaryObject(run), ...(extras?.head ?? {}), ...(later ? { [later.name]: later.summary } : {}) }, null, 1);
  // `head` ends in '\n}': reopen it to append the sites array (and a later pass's entries) as its last members.
  const open = `${head.slice(0, -2)},\n "sites": [`;
  const close = later ? `\n ],\n "${later.name}_entries": [` : '\n ]\n}\n';
  yield* inChunks(siteTexts(run, extras?.site), open, run.sites.count === 0 ? close.slice(2) : close);
  if (!later) return;
  yield* inChunks(itemTexts(later.entries), '', '\n ]\n}\n');
}

/**
 * What a higher layer adds to the report (the proofs of src/verify): members of the head, and members of
 * each site's object. Plain data: this layer does not know what they mean.
 */
export interface ReportExtras {
  head?: Record<string, unknown>;
  site?: (i: number) => Record<string, unknown> | undefined;
}

/** A pass run after the sites' own (the kernel's alternatives): a summary in the head, its entries after the sites. */
export interface LaterPass {
  name: string;
  summary: Record<string, unknown>;
  entries: Iterable<unknown>;
}

function* itemTexts(items: Iterable<unknown>): Generator<string> {
  let first = true;
  for (const item of items) {
    yield `${first ? '' : ','}\n  ${JSON.stringify(item, null, 1).replaceAll('\n', '\n  ')}`;
    first = false;
  }
}

/** Each site's member of the sites array, with the separator before it. */
function* siteTexts(run: ApplyRun, extra?: ReportExtras['site']): Generator<string> {
  const bitness = run.table.bitness;
  for (let i = 0; i < run.sites.count; i++) {
    // JSON strings hold no raw newline, so every '\n' is a line break to indent by the array's depth.
    const text = JSON.stringify({ ...siteJson(run, i, bitness), ...(extra?.(i) ?? {}) }, null, 1).replaceAll('\n', '\n  ');
    yield `${i === 0 ? '' : ','}\n  ${text}`;
  }
}

function siteJson(run: ApplyRun, i: number, bitness: Bitness) {
  const r = run.result(i);
  return {
    address: `0x${r.site.address.toString(16)}`,
    origin: r.site.origin,
    op: r.site.op ?? null,
    len: r.site.len,
    target: r.target ? { address: `0x${r.target.address.toString(16)}`, symbol: r.target.symbol ?? null } : null,
    rule: r.rule ?? null,
    outcome: r.outcome,
    kind: replacementKind(run, i),
    reason: r.reason ?? null,
    original: spacedHex(r.original),
    patched: spacedHex(r.patched),
    before: disasm(r.original, bitness, r.site.address),
    after: disasm(r.patched, bitness, r.site.address),
  };
}

/** `first`, the pieces, then `last`, joined into strings of about REPORT_CHUNK_CHARS. */
function* inChunks(pieces: Iterable<string>, first: string, last: string): Generator<string> {
  let buf = first;
  for (const p of pieces) {
    buf += p;
    if (buf.length >= REPORT_CHUNK_CHARS) {
      yield buf;
      buf = '';
    }
  }
  yield buf + last;
}

function summaryObject(run: ApplyRun) {
  const kinds: Record<ReplacementKind, number> = { inline: 0, call: 0, nops: 0, unchanged: 0 };
  for (let i = 0; i < run.sites.count; i++) kinds[replacementKind(run, i)]++;
  const s = run.stats;
  return {
    sites: s.sites,
    outcomes: s.byOutcome,
    kinds,
    by_op: Object.fromEntries([...s.byOp].sort((a, b) => a[0].localeCompare(b[0]))),
  };
}

export function summaryText(run: ApplyRun): string {
  const s = summaryObject(run);
  const lines = [
    `${s.sites} sites: ${s.outcomes.patched} patched, ${s.outcomes['already-applied']} already applied, ${s.outcomes.refused} refused`,
    `  as: ${s.kinds.inline} inline, ${s.kinds.call} direct call, ${s.kinds.nops} NOPs, ${s.kinds.unchanged} unchanged`,
  ];
  const rows = Object.entries(s.by_op);
  const w = Math.max(2, ...rows.map(([op]) => op.length));
  lines.push(`  ${'op'.padEnd(w)}  patched  already  refused`);
  for (const [op, o] of rows) lines.push(`  ${op.padEnd(w)}  ${String(o.patched).padStart(7)}  ${String(o['already-applied']).padStart(7)}  ${String(o.refused).padStart(7)}`);
  const refused: number[] = [];
  for (let i = 0; i < run.sites.count && refused.length <= 20; i++) if (run.loop.outcome[i] === OUTCOME_REFUSED) refused.push(i);
  if (refused.length) {
    lines.push('refused sites:');
    for (const i of refused.slice(0, 20)) {
      const r = run.result(i);
      lines.push(`  0x${r.site.address.toString(16)} (${r.site.origin}, op ${r.site.op ?? '?'}): ${r.reason}`);
    }
    if (s.outcomes.refused > 20) lines.push(`  ... and ${s.outcomes.refused - 20} more (see the JSON report)`);
  }
  return `${lines.join('\n')}\n`;
}

/** objdump-style before/after of chosen sites, for `patchc explain`. */
export function explainSites(results: Iterable<SiteResult>, bitness: Bitness): string {
  return [...explainChunks(results, bitness)].join('');
}

/** explainSites in pieces of about REPORT_CHUNK_CHARS: a blank line between sites, each ending in '\n'. */
export function explainChunks(results: Iterable<SiteResult>, bitness: Bitness, note?: (r: SiteResult) => string[]): Generator<string> {
  return inChunks(explainTexts(results, bitness, note), '', '');
}

/** `note`: lines a higher layer adds under a site (the proof of its replacement). */
function* explainTexts(results: Iterable<SiteResult>, bitness: Bitness, note?: (r: SiteResult) => string[]): Generator<string> {
  let first = true;
  for (const r of results) {
    const out: string[] = [];
    out.push(`site 0x${r.site.address.toString(16)} (${r.site.origin}) op ${r.site.op ?? '?'}, ${r.site.len} bytes${r.target ? `, target 0x${r.target.address.toString(16)}${r.target.symbol ? ` <${r.target.symbol}>` : ''}` : ''}`);
    out.push(`  rule: ${r.rule ?? '(none)'}   outcome: ${r.outcome}${r.reason ? ` (${r.reason})` : ''}`);
    out.push('  before:');
    for (const l of disasm(r.original, bitness, r.site.address)) out.push(`    ${l}`);
    out.push('  after:');
    for (const l of disasm(r.patched, bitness, r.site.address)) out.push(`    ${l}`);
    for (const l of note?.(r) ?? []) out.push(`  ${l}`);
    yield `${first ? '' : '\n'}${out.join('\n')}\n`;
    first = false;
  }
}
