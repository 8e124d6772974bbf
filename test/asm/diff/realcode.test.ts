// Real code, line by line: objdump's disassembly of binaries on this machine, reassembled by GNU as
// (the reference) and by patchc. Same rules as the corpus: wrong bytes fail, refusals are tracked.

import { existsSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUG_VERDICTS, classify, formatItem, formatMismatchReport, ratchetSuggestions, summarize, type GroupStats, type ItemReport } from './compare.js';
import { gnuAssembleItems } from './gnu.js';
import { loadAssembler, patchcOptions, runPatchc, type LoadResult } from './patchc.js';
import { extractSample, REALCODE_SAMPLES, type ExtractStats } from './realcode.js';
import { mapLimit } from './run-corpus.js';
import { REALCODE_MIN_AGREEMENT } from './thresholds.js';

const MISMATCH_FILE = process.env['ASM_REALCODE_MISMATCH_FILE'] ?? '/tmp/asm-mismatches-realcode.txt';
const samples = REALCODE_SAMPLES.filter((s) => existsSync(s.binary));
const missing = REALCODE_SAMPLES.filter((s) => !existsSync(s.binary));

let loaded: LoadResult = { ok: false, reason: 'not loaded' };
const reports = new Map<string, { items: ItemReport[]; stats: GroupStats; extract: ExtractStats }>();

beforeAll(async () => {
  const t0 = performance.now();
  loaded = await loadAssembler();
  const extracted = await mapLimit(samples, 2, async (s) => {
    const { items, stats } = await extractSample(s);
    const gnu = await gnuAssembleItems(items, { syntax: s.syntax, bitness: s.bitness });
    return { s, items, gnu, stats };
  });
  const t1 = performance.now();
  if (!loaded.ok) return;
  const all: ItemReport[] = [];
  const table: GroupStats[] = [];
  for (const { s, items, gnu, stats } of extracted) {
    const opts = patchcOptions(s.syntax, s.bitness);
    const list = items.map((text, i): ItemReport => {
      const g = gnu[i]!;
      const p = runPatchc(loaded.ok ? loaded.assembleBlock : () => { throw new Error('unreachable'); }, text, opts);
      return { file: s.name, text, verdict: classify('match', g, p), gnu: g, patchc: p };
    });
    const st = summarize(s.name, list);
    reports.set(s.name, { items: list, stats: st, extract: stats });
    all.push(...list);
    table.push(st);
  }
  table.push(summarize('TOTAL', all));
  const timing = `objdump + GNU as: ${(t1 - t0).toFixed(0)} ms; patchc on ${all.length} items: ${(performance.now() - t1).toFixed(0)} ms`;
  writeFileSync(MISMATCH_FILE, formatMismatchReport('patchc vs GNU as: real code (objdump, reassembled)', table, all));
  const notes = [...reports].map(([n, r]) => `${n}: ${r.extract.seen} insns read, ${r.extract.branchesToLabels} direct branches kept as branches to labels, ${r.extract.droppedBranches} dropped, ${r.extract.droppedOther} unassemblable lines dropped, ${r.items.length} distinct kept`);
  console.log(`\n${notes.join('\n')}\n${missing.map((m) => `skipped ${m.name}: ${m.binary} not on this machine`).join('\n')}\n${timing}\n${ratchetSuggestions(table, REALCODE_MIN_AGREEMENT, 0.005)}\n(details: ${MISMATCH_FILE})`);
});

describe('asm real code (objdump -> GNU as vs patchc)', () => {
  it('has at least one sample binary on this machine', () => {
    expect(samples.length).toBeGreaterThan(0);
  });

  it('loads patchc assembler', () => {
    if (!loaded.ok) throw new Error(`patchc's assembler is not available: ${loaded.reason}`);
  });

  for (const s of samples) {
    it(`${s.name}: no wrong bytes, agreement >= threshold`, () => {
      if (!loaded.ok) throw new Error(`patchc's assembler is not available: ${loaded.reason}`);
      const r = reports.get(s.name)!;
      const bugs = r.items.filter((i) => BUG_VERDICTS.includes(i.verdict));
      expect(bugs.length, `${bugs.length} bugs in ${s.name}:\n${bugs.slice(0, 30).map(formatItem).join('\n')}`).toBe(0);
      expect(r.stats.agreement, `${s.name}: ${r.stats.agree}/${r.stats.compared}`).toBeGreaterThanOrEqual(REALCODE_MIN_AGREEMENT[s.name] ?? 0);
    });
  }
});
