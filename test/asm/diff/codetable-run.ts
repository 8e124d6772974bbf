// The code-table corpus (test/asm/diff/codetable/, written by scripts/asm-corpus/codetable/generate.ts)
// through GNU as and patchc. Shared by codetable.test.ts and scripts/asm-corpus/codetable/check.ts
// (which runs it against another tree's assembler).

import { BUG_VERDICTS, formatMismatchReport, formatTable, mnemonicOf, summarize, type GroupStats, type ItemReport } from './compare.js';
import type { AssembleBlock } from './patchc.js';
import { gnuForCorpus, loadCorpus, patchcForCorpus, statsByGroup, variantOf, type LoadedCorpusFile } from './run-corpus.js';
import { CODETABLE_DIR } from '../../../scripts/asm-corpus/codetable/paths.js';

export function loadCodeTableCorpus(dir = CODETABLE_DIR): LoadedCorpusFile[] {
  return loadCorpus(dir);
}

export interface CodeTableRun {
  items: ItemReport[];
  total: GroupStats;
  table: string;
  report: string;
}

/**
 * patchc's messages for lines GNU assembles silently, counted. Quoted text and numbers are blanked so
 * that one cause is one row.
 */
export function refusalCauses(items: readonly ItemReport[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const it of items) {
    if (it.verdict !== 'refused' || it.patchc.kind !== 'refused') continue;
    const key = it.patchc.message.replace(/'[^']*'/g, "'…'").replace(/"[^"]*"/g, '"…"').replace(/\b\d+\b/g, 'N');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Bugs counted by verdict and mnemonic: the classes to fix, most frequent first. */
export function bugsByMnemonic(items: readonly ItemReport[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const it of items) {
    if (!BUG_VERDICTS.includes(it.verdict)) continue;
    const key = `${it.verdict} ${mnemonicOf(it.text.split('\n')[0] ?? '')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export async function runCodeTable(files: readonly LoadedCorpusFile[], assemble: AssembleBlock): Promise<CodeTableRun> {
  const gnu = await gnuForCorpus(files);
  const items = patchcForCorpus(files, gnu, assemble);
  const byVariant = statsByGroup(items, variantOf);
  const table = formatTable(byVariant).replace(/^group /, 'variant');
  const causes = refusalCauses(items).map(([m, n]) => `${String(n).padStart(7)}  ${m}`);
  const bugs = bugsByMnemonic(items).map(([m, n]) => `${m}:${n}`);
  const report = formatMismatchReport('patchc vs GNU as: iced code table (objdump spellings)', byVariant, items, [
    `## Bugs by verdict and mnemonic\n${bugs.join('  ')}`,
    `## Refusal causes (patchc's message) for lines GNU assembles silently\n${causes.join('\n')}`,
  ]);
  return { items, total: summarize('codetable', items), table, report };
}
