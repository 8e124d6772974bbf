// Random combinations (see random-insns.ts) through GNU as and patchc. Fixed seed, so a failure is
// reproducible; ASM_DIFF_SEED / ASM_DIFF_RANDOM_COUNT explore further.

import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUG_VERDICTS, classify, formatItem, formatMismatchReport, summarize, type GroupStats, type ItemReport } from './compare.js';
import { CORPUS_BITNESSES, CORPUS_SYNTAXES } from './corpus-format.js';
import { gnuAssembleItems } from './gnu.js';
import { loadAssembler, patchcOptions, runPatchc, type LoadResult } from './patchc.js';
import { randomLines } from './random-insns.js';
import { mapLimit } from './run-corpus.js';
import { RANDOM_MIN_AGREEMENT } from './thresholds.js';

const SEED = Number(process.env['ASM_DIFF_SEED'] ?? 20261127);
const COUNT = Number(process.env['ASM_DIFF_RANDOM_COUNT'] ?? 1000);
const MISMATCH_FILE = process.env['ASM_RANDOM_MISMATCH_FILE'] ?? '/tmp/asm-mismatches-random.txt';

const variants = CORPUS_BITNESSES.flatMap((bits) => CORPUS_SYNTAXES.map((syntax) => ({ bits, syntax, name: `random.${syntax}.${bits}` })));

let loaded: LoadResult = { ok: false, reason: 'not loaded' };
let items: ItemReport[] = [];
let stats: GroupStats | undefined;

beforeAll(async () => {
  loaded = await loadAssembler();
  const gnu = await mapLimit(variants, 2, (v) => {
    // Same seed for every variant: the same instructions in all spellings and both modes.
    const lines = randomLines(SEED, COUNT, v.syntax, v.bits);
    return gnuAssembleItems(lines.map((l) => l.text), { syntax: v.syntax, bitness: v.bits }).then((g) => ({ v, lines, g }));
  });
  if (!loaded.ok) return;
  const asm = loaded.assembleBlock;
  items = gnu.flatMap(({ v, lines, g }) =>
    lines.map(({ text, mustRefuse }, i): ItemReport => {
      const p = runPatchc(asm, text, patchcOptions(v.syntax, v.bits));
      return { file: v.name, text, verdict: classify(mustRefuse ? 'refuse' : 'match', g[i]!, p), gnu: g[i]!, patchc: p };
    }),
  );
  stats = summarize('random', items);
  const perVariant = variants.map((v) => summarize(v.name, items.filter((x) => x.file === v.name)));
  writeFileSync(MISMATCH_FILE, formatMismatchReport(`patchc vs GNU as: random instructions (seed ${SEED}, ${COUNT} per variant)`, [...perVariant, stats], items));
  const floor = Math.floor(stats.agreement * 1000) / 1000;
  const ratchet = floor > RANDOM_MIN_AGREEMENT ? `; RANDOM_MIN_AGREEMENT can be raised to ${floor.toFixed(3)}` : '';
  console.log(`random (seed ${SEED}): ${stats.agree}/${stats.compared} agree, ${stats.counts.identical} identical, ${stats.counts.refused} refused${ratchet} (details: ${MISMATCH_FILE})`);
});

describe(`asm random differential (seed ${SEED})`, () => {
  it('never produces bytes that differ from GNU as, never accepts what GNU rejects, never throws', () => {
    if (!loaded.ok) throw new Error(`patchc's assembler is not available: ${loaded.reason}`);
    const bugs = items.filter((i) => BUG_VERDICTS.includes(i.verdict));
    expect(bugs.length, `${bugs.length} bugs (first 40; all in ${MISMATCH_FILE}):\n${bugs.slice(0, 40).map(formatItem).join('\n')}`).toBe(0);
  });

  it('agrees with GNU at least as often as recorded in thresholds.ts', () => {
    if (!loaded.ok) throw new Error(`patchc's assembler is not available: ${loaded.reason}`);
    expect(stats!.agreement, `${stats!.agree}/${stats!.compared}`).toBeGreaterThanOrEqual(SEED === 20261127 ? RANDOM_MIN_AGREEMENT : 0);
  });
});
