// Differential test: every corpus item through patchc and through GNU as (the reference).
// Wrong bytes fail the suite outright; refusals of items GNU accepts are tracked per group against a
// minimum agreement (thresholds.ts) so that coverage can grow but not shrink.

import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCorpus } from '../../../scripts/asm-corpus/generate.js';
import { BUG_VERDICTS, formatItem, formatMismatchReport, formatTable, ratchetSuggestions, type GroupStats, type ItemReport } from './compare.js';
import { corpusFileName, serializeCorpusFile } from './corpus-format.js';
import { loadAssembler, type LoadResult } from './patchc.js';
import { gnuForCorpus, groupOf, loadCorpus, patchcForCorpus, statsByGroup, variantOf } from './run-corpus.js';
import { CORPUS_MIN_AGREEMENT } from './thresholds.js';

const MISMATCH_FILE = process.env['ASM_MISMATCH_FILE'] ?? '/tmp/asm-mismatches.txt';
const files = loadCorpus();
const groups = [...new Set(files.map((f) => groupOf(f.file)))];

let loaded: LoadResult = { ok: false, reason: 'not loaded' };
let items: ItemReport[] = [];
let stats: GroupStats[] = [];

beforeAll(async () => {
  const t0 = performance.now();
  const [gnu, asm] = await Promise.all([gnuForCorpus(files), loadAssembler()]);
  const t1 = performance.now();
  loaded = asm;
  if (!asm.ok) return;
  items = patchcForCorpus(files, gnu, asm.assembleBlock);
  const t2 = performance.now();
  stats = statsByGroup(items);
  const bySyntax = formatTable(statsByGroup(items, variantOf)).replace(/^group /, 'variant');
  writeFileSync(MISMATCH_FILE, formatMismatchReport('patchc vs GNU as: differential corpus', stats, items, [bySyntax]));
  const timing = `GNU as + loading patchc: ${(t1 - t0).toFixed(0)} ms; patchc on ${items.length} items: ${(t2 - t1).toFixed(0)} ms`;
  console.log(`\n${formatTable(stats)}\n${timing}\n${ratchetSuggestions(stats, CORPUS_MIN_AGREEMENT)}\n(details: ${MISMATCH_FILE})`);
});

function requireAssembler(): void {
  if (!loaded.ok) throw new Error(`patchc's assembler is not available: ${loaded.reason}`);
}

describe('asm differential corpus', () => {
  it('is what scripts/asm-corpus/generate.ts writes (run it after changing the generator)', () => {
    const onDisk = new Map(files.map((f) => [f.file, f]));
    const generated = buildCorpus();
    for (const f of generated) {
      const name = corpusFileName(f.group, f.syntax, f.bitness);
      const disk = onDisk.get(name);
      expect(disk, `${name} missing`).toBeDefined();
      expect(serializeCorpusFile(disk!), name).toBe(serializeCorpusFile(f));
    }
    expect(files.length).toBe(generated.length);
  });

  it('has a threshold for every group (a new group must not start at 0 silently)', () => {
    expect(groups.filter((g) => CORPUS_MIN_AGREEMENT[g] === undefined)).toEqual([]);
  });

  it('loads patchc assembler (src/asm/index.ts exporting assembleBlock)', () => {
    requireAssembler();
  });

  for (const group of groups) {
    describe(group, () => {
      it('never produces bytes that differ from GNU as, never accepts an invalid line, never throws', () => {
        requireAssembler();
        const bugs = items.filter((i) => groupOf(i.file) === group && BUG_VERDICTS.includes(i.verdict));
        const shown = bugs.slice(0, 40).map(formatItem).join('\n');
        expect(bugs.length, `${bugs.length} bugs in group ${group} (first 40 below, all in ${MISMATCH_FILE})\n${shown}`).toBe(0);
      });

      it('agrees with GNU at least as often as recorded in thresholds.ts', () => {
        requireAssembler();
        const s = stats.find((x) => x.group === group);
        expect(s).toBeDefined();
        const min = CORPUS_MIN_AGREEMENT[group] ?? 0;
        expect(s!.agreement, `group ${group}: ${s!.agree}/${s!.compared}`).toBeGreaterThanOrEqual(min);
      });
    });
  }
});
