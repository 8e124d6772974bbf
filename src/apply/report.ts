// The run's report: JSON per site for tools, and a summary by op and outcome for people.
import { describeInstructions } from '../asm/describe.js';
import type { Bitness } from '../asm/types.js';
import { toHex } from '../table/hex.js';
import type { ApplyStats, SiteResult } from './types.js';

export type ReplacementKind = 'inline' | 'call' | 'nops' | 'unchanged';

/** What a site became: the figures Linux people ask for (inline code / direct call / NOPs). */
export function replacementKind(r: SiteResult, bitness: Bitness): ReplacementKind {
  if (r.outcome === 'refused') return 'unchanged';
  if (r.replacementLength === 0) return 'nops';
  const first = describeInstructions(r.patched.subarray(0, r.replacementLength), bitness).instructions;
  if (first.length === 1 && /^(call|jmp)\s+[0-9a-fx]+$/i.test(first[0]!.text.replace(/q\b/, ''))) return 'call';
  return 'inline';
}

function disasm(bytes: Uint8Array, bitness: Bitness, address: bigint): string[] {
  const d = describeInstructions(bytes, bitness, address);
  const lines = d.instructions.map((i) => `${(address + BigInt(i.offset)).toString(16)}: ${toHex(i.bytes).padEnd(24)} ${i.text}`);
  if (!d.whole) lines.push(`(${d.problem})`);
  return lines;
}

export function reportJson(input: string, output: string | undefined, arch: string, bitness: Bitness, results: readonly SiteResult[], stats: ApplyStats): string {
  const doc = {
    patchc_report: 1,
    input,
    output: output ?? null,
    arch,
    summary: summaryObject(results, stats, bitness),
    sites: results.map((r) => ({
      address: `0x${r.site.address.toString(16)}`,
      origin: r.site.origin,
      op: r.site.op ?? null,
      len: r.site.len,
      target: r.target ? { address: `0x${r.target.address.toString(16)}`, symbol: r.target.symbol ?? null } : null,
      rule: r.rule ?? null,
      outcome: r.outcome,
      kind: replacementKind(r, bitness),
      reason: r.reason ?? null,
      original: toHex(r.original),
      patched: toHex(r.patched),
      before: disasm(r.original, bitness, r.site.address),
      after: disasm(r.patched, bitness, r.site.address),
    })),
  };
  return `${JSON.stringify(doc, null, 1)}\n`;
}

function summaryObject(results: readonly SiteResult[], stats: ApplyStats, bitness: Bitness) {
  const kinds: Record<ReplacementKind, number> = { inline: 0, call: 0, nops: 0, unchanged: 0 };
  for (const r of results) kinds[replacementKind(r, bitness)]++;
  return {
    sites: stats.sites,
    outcomes: stats.byOutcome,
    kinds,
    by_op: Object.fromEntries([...stats.byOp].sort((a, b) => a[0].localeCompare(b[0]))),
  };
}

export function summaryText(results: readonly SiteResult[], stats: ApplyStats, bitness: Bitness): string {
  const s = summaryObject(results, stats, bitness);
  const lines = [
    `${s.sites} sites: ${s.outcomes.patched} patched, ${s.outcomes['already-applied']} already applied, ${s.outcomes.refused} refused`,
    `  as: ${s.kinds.inline} inline, ${s.kinds.call} direct call, ${s.kinds.nops} NOPs, ${s.kinds.unchanged} unchanged`,
  ];
  const rows = Object.entries(s.by_op);
  const w = Math.max(2, ...rows.map(([op]) => op.length));
  lines.push(`  ${'op'.padEnd(w)}  patched  already  refused`);
  for (const [op, o] of rows) lines.push(`  ${op.padEnd(w)}  ${String(o.patched).padStart(7)}  ${String(o['already-applied']).padStart(7)}  ${String(o.refused).padStart(7)}`);
  const refused = results.filter((r) => r.outcome === 'refused');
  if (refused.length) {
    lines.push('refused sites:');
    for (const r of refused.slice(0, 20)) lines.push(`  0x${r.site.address.toString(16)} (${r.site.origin}, op ${r.site.op ?? '?'}): ${r.reason}`);
    if (refused.length > 20) lines.push(`  ... and ${refused.length - 20} more (see the JSON report)`);
  }
  return `${lines.join('\n')}\n`;
}

/** objdump-style before/after of chosen sites, for `patchc explain`. */
export function explainSites(results: readonly SiteResult[], bitness: Bitness): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(`site 0x${r.site.address.toString(16)} (${r.site.origin}) op ${r.site.op ?? '?'}, ${r.site.len} bytes${r.target ? `, target 0x${r.target.address.toString(16)}${r.target.symbol ? ` <${r.target.symbol}>` : ''}` : ''}`);
    out.push(`  rule: ${r.rule ?? '(none)'}   outcome: ${r.outcome}${r.reason ? ` (${r.reason})` : ''}`);
    out.push('  before:');
    for (const l of disasm(r.original, bitness, r.site.address)) out.push(`    ${l}`);
    out.push('  after:');
    for (const l of disasm(r.patched, bitness, r.site.address)) out.push(`    ${l}`);
    out.push('');
  }
  return out.join('\n');
}
