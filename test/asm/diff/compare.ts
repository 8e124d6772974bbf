// Classifies patchc's answer for one item against GNU's, and sums the verdicts per group.

import type { CorpusExpect } from './corpus-format.js';
import { hex, type ComparableReloc, type GnuItemResult } from './gnu.js';
import type { PatchcOutcome } from './patchc.js';

/**
 * identical:        same bytes as GNU.
 * refused-ok:       patchc refused an item that must be refused (GNU error / value-changing warning /
 *                   "refuse" corpus), or one GNU only assembles with a warning.
 * refused:          patchc refused an item GNU assembles silently: a gap, not a bug.
 * wrong:            patchc produced different bytes than GNU (or a relocation GNU does not have). A bug.
 * accepted-invalid: patchc produced bytes for an item that must be refused. A bug.
 * threw:            assembleBlock threw instead of reporting an error. A bug.
 * skipped:          GNU's output holds a relocation of a kind patchc does not model (GOT, TLS, ...).
 */
export type Verdict = 'identical' | 'refused-ok' | 'refused' | 'wrong' | 'accepted-invalid' | 'threw' | 'skipped';

export const BUG_VERDICTS: readonly Verdict[] = ['wrong', 'accepted-invalid', 'threw'];

export interface ItemReport {
  file: string;
  text: string;
  verdict: Verdict;
  gnu: GnuItemResult;
  patchc: PatchcOutcome;
}

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** The bytes with every relocated field zeroed: GNU's REL (i386) objects keep the addend there. */
function masked(bytes: Uint8Array, relocs: readonly { offset: number; size: number }[]): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (const r of relocs) out.fill(0, r.offset, r.offset + r.size);
  return out;
}

const relocKey = (r: ComparableReloc): string => `${r.offset}/${r.size}/${r.pcRelative ? 'pc' : 'abs'}/${r.symbol}/${r.addend}`;

export function sameRelocations(gnu: readonly ComparableReloc[], mine: readonly ComparableReloc[]): boolean {
  const a = gnu.map(relocKey).sort();
  const b = mine.map((r) => relocKey({ offset: r.offset, size: r.size, pcRelative: r.pcRelative, symbol: r.symbol, addend: Number(r.addend) })).sort();
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function classify(expect: CorpusExpect, gnu: GnuItemResult, p: PatchcOutcome): Verdict {
  if (p.kind === 'threw') return 'threw';
  const mustRefuse = expect === 'refuse' || gnu.verdict === 'error' || gnu.verdict === 'warn-refuse';
  if (mustRefuse) return p.kind === 'refused' ? 'refused-ok' : 'accepted-invalid';
  if (gnu.hasRelocations && gnu.relocations === undefined) return 'skipped';
  if (p.kind === 'refused') return gnu.verdict === 'warn' ? 'refused-ok' : 'refused';
  const gr = gnu.relocations ?? [];
  if (!sameRelocations(gr, p.relocations)) return 'wrong';
  return equalBytes(masked(p.bytes, gr), masked(gnu.bytes ?? new Uint8Array(), gr)) ? 'identical' : 'wrong';
}

export interface GroupStats {
  group: string;
  counts: Record<Verdict, number>;
  compared: number;
  agree: number;
  agreement: number;
}

export function emptyCounts(): Record<Verdict, number> {
  return { identical: 0, 'refused-ok': 0, refused: 0, wrong: 0, 'accepted-invalid': 0, threw: 0, skipped: 0 };
}

export function summarize(group: string, items: readonly ItemReport[]): GroupStats {
  const counts = emptyCounts();
  for (const it of items) counts[it.verdict]++;
  const compared = items.length - counts.skipped;
  const agree = counts.identical + counts['refused-ok'];
  return { group, counts, compared, agree, agreement: compared === 0 ? 1 : agree / compared };
}

export function formatTable(stats: readonly GroupStats[]): string {
  const head = `${'group'.padEnd(16)}${'agree'.padStart(15)}    identical  refused-ok  refused  WRONG  ACC-INVALID  THREW  skipped`;
  const rows = stats.map((s) => {
    const c = s.counts;
    // Rounded down, so that 99.97 % does not print as 100 %.
    const pct = s.agree === s.compared ? '100%' : `${(Math.floor(s.agreement * 10000) / 100).toFixed(2)}%`;
    return `${s.group.padEnd(16)}${`${s.agree}/${s.compared}`.padStart(12)} ${pct.padStart(7)} ${String(c.identical).padStart(9)} ${String(c['refused-ok']).padStart(11)} ${String(c.refused).padStart(8)} ${String(c.wrong).padStart(6)} ${String(c['accepted-invalid']).padStart(12)} ${String(c.threw).padStart(6)} ${String(c.skipped).padStart(8)}`;
  });
  return [head, ...rows].join('\n');
}

const relocText = (r: ComparableReloc): string => `@${r.offset}:${r.size}${r.pcRelative ? ' pc' : ''} ${r.symbol}${r.addend < 0 ? r.addend : `+${r.addend}`}`;

function patchcText(p: PatchcOutcome): string {
  if (p.kind !== 'bytes') return `${p.kind}: ${p.message}`;
  const rel = p.relocations.map((r) => relocText({ ...r, addend: Number(r.addend) }));
  return `${hex(p.bytes)}${rel.length ? `  reloc ${rel.join(', ')}` : ''}`;
}

export function formatItem(it: ItemReport): string {
  const rel = it.gnu.relocations?.length ? `  reloc ${it.gnu.relocations.map(relocText).join(', ')}` : it.gnu.hasRelocations ? '  (unsupported relocation)' : '';
  const gnu = it.gnu.verdict === 'error' ? `error: ${it.gnu.messages.join('; ')}` : `${hex(it.gnu.bytes)}${rel}${it.gnu.messages.length ? `  [${it.gnu.messages.join('; ')}]` : ''}`;
  const text = it.text.includes('\n') ? `\n      | ${it.text.split('\n').join('\n      | ')}` : it.text;
  return `[${it.verdict}] ${it.file}: ${text}\n    gnu:    ${gnu}\n    patchc: ${patchcText(it.patchc)}`;
}

/** The first word that is not a prefix: how refusals are grouped for the summary. */
export function mnemonicOf(text: string): string {
  const words = text.trim().split(/\s+/);
  const prefixes = /^(\{.*\}|lock|rep|repe|repz|repne|repnz|data16|data32|addr16|addr32|cs|ds|es|fs|gs|ss|rex|rex64)$/;
  return words.find((w) => !prefixes.test(w)) ?? words[0] ?? '';
}

/** The whole story, bugs first: what the assembler helper reads from /tmp/asm-mismatches.txt. */
export function formatMismatchReport(title: string, stats: readonly GroupStats[], items: readonly ItemReport[], extraTables: readonly string[] = []): string {
  const bugs = items.filter((i) => BUG_VERDICTS.includes(i.verdict));
  const refused = items.filter((i) => i.verdict === 'refused');
  const byMnemonic = new Map<string, number>();
  for (const r of refused) byMnemonic.set(mnemonicOf(r.text.split('\n')[0] ?? ''), (byMnemonic.get(mnemonicOf(r.text.split('\n')[0] ?? '')) ?? 0) + 1);
  const top = [...byMnemonic].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return [
    `# ${title}`,
    '',
    formatTable(stats),
    '',
    ...extraTables.flatMap((t) => [t, '']),
    `## Bugs (wrong bytes, accepted-invalid, threw): ${bugs.length}`,
    ...bugs.map(formatItem),
    '',
    `## Refused although GNU assembles them: ${refused.length}, by mnemonic`,
    top.map(([m, n]) => `${m}:${n}`).join('  '),
    '',
    ...refused.map(formatItem),
    '',
  ].join('\n');
}

/**
 * Thresholds to paste into thresholds.ts: current agreement rounded down to 0.1 %, minus `slack`, for the
 * groups that are above their recorded minimum (so the minimum can be ratcheted up).
 */
export function ratchetSuggestions(stats: readonly GroupStats[], current: Record<string, number>, slack = 0): string {
  const lines: string[] = [];
  for (const s of stats) {
    if (s.group === 'TOTAL') continue;
    const proposed = Math.max(0, Math.floor(s.agreement * 1000) / 1000 - slack);
    if (proposed > (current[s.group] ?? 0) + 1e-9) lines.push(`  '${s.group}': ${proposed.toFixed(3)},`);
  }
  return lines.length ? `thresholds can be raised (thresholds.ts):\n${lines.join('\n')}` : 'thresholds are up to date';
}
