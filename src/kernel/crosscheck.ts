// The cross-check: at every paravirt site the kernel build also covered with an ALTERNATIVE, what the
// kernel itself writes there at boot (the replacement, re-based and NOP-padded as apply_alternatives()
// does) against what the rule set makes patchc write. Hand-written rules are checked against the build's
// own data, not against another hand-written expectation.
import type { Bitness } from '../asm/types.js';
import { resultKind } from '../apply/report.js';
import type { SiteResult } from '../apply/types.js';
import { nopFill, type NopTable } from '../model/nops.js';
import { AltIndex, type AltInstr } from './altinstructions.js';
import { featureLabel, type KernelProfile } from './layout.js';
import { rebaseReplacement } from './rebase.js';

export interface CrosscheckInput {
  /** patchc's result at every site (from applyTable). */
  results: readonly SiteResult[];
  /** The kernel's ALTERNATIVE table (readAltInstructions). */
  alts: readonly AltInstr[];
  profile: KernelProfile;
  /** The kernel's NOP table (kernelNops), used to pad the kernel's side. */
  nops: NopTable;
  bitness: Bitness;
}

/** What patchc wrote, by shape: its replacement before padding. */
export type PatchcShape = 'inline' | 'call' | 'nops' | 'refused';

export type DisagreementKind =
  /** patchc refused the site: it keeps its original bytes. */
  | 'refused'
  /** The kernel inlines an ALTERNATIVE here; the rule makes a call (or NOPs). */
  | 'not-inline'
  /** Both inline, but the replacement bytes differ. */
  | 'replacement'
  /** Same replacement, different NOP padding. */
  | 'padding';

export interface AltSummary {
  index: number;
  instrAddr: bigint;
  instrlen: number;
  replAddr: bigint;
  replacementlen: number;
  word: number;
  feature: string;
  notSet: boolean;
}

export interface Disagreement {
  op: string;
  address: bigint;
  len: number;
  kind: DisagreementKind;
  /** patchc's rule (op:NAME, target:SYM, missing, default) and, when refused, why. */
  rule?: string;
  reason?: string;
  alternative: AltSummary;
  kernel: { replacement: Uint8Array; padded: Uint8Array };
  patchc: { replacement: Uint8Array; padded: Uint8Array; shape: PatchcShape };
  notes: string[];
}

export interface SiteNote {
  op: string;
  address: bigint;
  alternatives: AltSummary[];
  note?: string;
}

export interface OpRow {
  op: string;
  sites: number;
  /** Sites with an ALTERNATIVE that starts at the site and covers it. */
  withAlternative: number;
  agreeing: number;
  disagreeing: number;
  shapes: Record<PatchcShape, number>;
  /** Sites where no ALTERNATIVE applies (none there, or not in this environment) but the rule writes inline code. */
  inlineWithoutAlternative: number;
  /** Sites where the kernel inlines via ALTERNATIVE but the rule calls (or writes NOPs). */
  callWhereKernelInlines: number;
}

export interface CrosscheckReport {
  profile: string;
  environment: string;
  layout: string;
  nopsSource: string;
  alternatives: number;
  sites: number;
  /** Sites with at least one ALTERNATIVE starting at the site and covering all of it. */
  withAlternative: number;
  compared: number;
  agreeing: number;
  disagreements: Disagreement[];
  /** Sites more than one ALTERNATIVE touches. */
  multiple: SiteNote[];
  /** ALTERNATIVEs that overlap a site without starting at it and covering it: not compared. */
  partial: SiteNote[];
  /** ALTERNATIVEs whose feature or flags the profile does not know: not compared (raw word printed). */
  uninterpretable: SiteNote[];
  /** ALTERNATIVEs the environment does not apply: the kernel leaves its paravirt result; not compared. */
  notApplied: SiteNote[];
  /** Relative operands in a replacement that were re-based, or could not be (see rebase.ts). */
  relocations: SiteNote[];
  byOp: OpRow[];
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function summarizeAlt(a: AltInstr, profile: KernelProfile): AltSummary {
  return { index: a.index, instrAddr: a.instrAddr, instrlen: a.instrlen, replAddr: a.replAddr, replacementlen: a.replacementlen, word: a.word, feature: featureLabel(profile, a.feature), notSet: a.notSet };
}

/** Whether the kernel applies `a` in the profile's environment; undefined when that cannot be told. */
export function applies(a: AltInstr, profile: KernelProfile): boolean | undefined {
  if (a.otherFlags !== 0) return undefined;
  const f = profile.features.get(a.feature);
  if (!f) return undefined;
  // ALT_NOT: replace when the feature is clear; otherwise when it is set.
  return f.set !== a.notSet;
}

/**
 * The apply report's classification (a lone direct call/jmp is a call; anything else non-empty is inline).
 * The common 5-byte `call/jmp rel32` is recognised without decoding: decoding every site costs seconds.
 */
export function patchcShape(r: SiteResult, bitness: Bitness, cache?: Map<string, PatchcShape>): PatchcShape {
  if (r.outcome === 'refused') return 'refused';
  const n = r.replacementLength ?? r.patched.length;
  if (n === 0) return 'nops';
  if (n === 5 && (r.patched[0] === 0xe8 || r.patched[0] === 0xe9)) return 'call';
  const key = String.fromCharCode(...r.patched.subarray(0, n));
  let shape = cache?.get(key);
  if (shape === undefined) {
    const k = resultKind(r, bitness);
    shape = k === 'unchanged' ? 'refused' : k;
    cache?.set(key, shape);
  }
  return shape;
}

export function crosscheck(input: CrosscheckInput): CrosscheckReport {
  const { profile, bitness } = input;
  const index = new AltIndex(input.alts);
  const report: CrosscheckReport = {
    profile: profile.name,
    environment: profile.environment,
    layout: profile.layout.source,
    nopsSource: input.nops.source,
    alternatives: input.alts.length,
    sites: input.results.length,
    withAlternative: 0,
    compared: 0,
    agreeing: 0,
    disagreements: [],
    multiple: [],
    partial: [],
    uninterpretable: [],
    notApplied: [],
    relocations: [],
    byOp: [],
  };
  const rows = new Map<string, OpRow>();
  const row = (op: string): OpRow => {
    let r = rows.get(op);
    if (!r) rows.set(op, (r = { op, sites: 0, withAlternative: 0, agreeing: 0, disagreeing: 0, shapes: { inline: 0, call: 0, nops: 0, refused: 0 }, inlineWithoutAlternative: 0, callWhereKernelInlines: 0 }));
    return r;
  };
  const shapes = new Map<string, PatchcShape>();
  const summaries = (alts: readonly AltInstr[]): AltSummary[] => alts.map((a) => summarizeAlt(a, profile));

  for (const r of input.results) {
    const site = r.site;
    const op = site.op ?? '?';
    const opRow = row(op);
    const shape = patchcShape(r, bitness, shapes);
    opRow.sites++;
    opRow.shapes[shape]++;
    const touching = index.overlapping(site.address, site.len);
    const siteEnd = site.address + BigInt(site.len);
    const covering = touching.filter((a) => a.instrAddr === site.address && a.instrAddr + BigInt(a.instrlen) >= siteEnd);
    if (touching.length > 1) report.multiple.push({ op, address: site.address, alternatives: summaries(touching) });
    if (covering.length === 0) {
      if (touching.length > 0) report.partial.push({ op, address: site.address, alternatives: summaries(touching) });
      else if (shape === 'inline') opRow.inlineWithoutAlternative++;
      continue;
    }
    report.withAlternative++;
    opRow.withAlternative++;
    const verdicts = covering.map((a) => applies(a, profile));
    if (verdicts.some((v) => v === undefined)) {
      report.uninterpretable.push({ op, address: site.address, alternatives: summaries(covering.filter((_, i) => verdicts[i] === undefined)) });
      continue;
    }
    // The kernel walks the table in order and each applied entry overwrites the site: the last one wins.
    const applied = covering.filter((_, i) => verdicts[i]);
    const alt = applied[applied.length - 1];
    if (!alt) {
      if (shape === 'inline') opRow.inlineWithoutAlternative++;
      report.notApplied.push({ op, address: site.address, alternatives: summaries(covering) });
      continue;
    }
    const notes: string[] = [];
    if (touching.length > covering.length) notes.push(`${touching.length - covering.length} other ALTERNATIVE(s) overlap this site partially; only the covering one is compared`);
    if (alt.replacementlen > alt.instrlen) notes.push(`the replacement (${alt.replacementlen} bytes) is longer than the code it replaces (${alt.instrlen}): v6.1 apply_alternatives() would BUG()`);
    if (alt.instrlen !== site.len) notes.push(`the ALTERNATIVE patches ${alt.instrlen} bytes; the site has ${site.len}: the first ${site.len} are compared`);
    const moved = rebaseReplacement(alt.replacement, alt.replAddr, site.address, bitness);
    if (moved.rebased.length || moved.flags.length) report.relocations.push({ op, address: site.address, alternatives: summaries([alt]), note: [...moved.rebased, ...moved.flags].join('; ') });
    notes.push(...moved.flags);
    const kernelRepl = moved.bytes;
    const kernelPadded = new Uint8Array(Math.max(alt.instrlen, kernelRepl.length));
    kernelPadded.set(kernelRepl, 0);
    if (alt.instrlen > kernelRepl.length) kernelPadded.set(nopFill(input.nops, alt.instrlen - kernelRepl.length), kernelRepl.length);
    const kernelSite = kernelPadded.slice(0, site.len);
    const patchcRepl = r.patched.slice(0, r.replacementLength ?? r.patched.length);
    report.compared++;
    let kind: DisagreementKind | undefined;
    if (shape === 'refused') kind = 'refused';
    else if (!equal(kernelRepl, patchcRepl)) kind = shape === 'inline' ? 'replacement' : 'not-inline';
    else if (!equal(kernelSite, r.patched)) kind = 'padding';
    if (kind === undefined) {
      report.agreeing++;
      opRow.agreeing++;
      continue;
    }
    opRow.disagreeing++;
    if (kind === 'not-inline') opRow.callWhereKernelInlines++;
    report.disagreements.push({
      op,
      address: site.address,
      len: site.len,
      kind,
      ...(r.rule !== undefined ? { rule: r.rule } : {}),
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
      alternative: summarizeAlt(alt, profile),
      kernel: { replacement: kernelRepl, padded: kernelSite },
      patchc: { replacement: patchcRepl, padded: r.patched, shape },
      notes,
    });
  }
  report.byOp = [...rows.values()].sort((a, b) => a.op.localeCompare(b.op));
  return report;
}
