// Every iced Code, spelled by objdump, reassembled by GNU as (the reference) and by patchc: the corpus in
// codetable/ (scripts/asm-corpus/codetable/generate.ts). Any wrong bytes, accepted-invalid line or throw
// fails; refusals are counted (EVEX, for one, is refused today by design).

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { sourceHash } from '../../../scripts/asm-corpus/codetable/hash.js';
import { objdumpVersion } from '../../../scripts/asm-corpus/codetable/objdump.js';
import { CODETABLE_DIR, MANIFEST } from '../../../scripts/asm-corpus/codetable/paths.js';
import { BUG_VERDICTS, formatItem, type ItemReport } from './compare.js';
import { loadCodeTableCorpus, runCodeTable } from './codetable-run.js';
import { loadAssembler, type LoadResult } from './patchc.js';

const MISMATCH_FILE = process.env['ASM_CODETABLE_MISMATCH_FILE'] ?? '/tmp/asm-mismatches-codetable.txt';
const files = loadCodeTableCorpus();
const manifest = readFileSync(join(CODETABLE_DIR, MANIFEST), 'utf8');

let loaded: LoadResult = { ok: false, reason: 'not loaded' };
let items: ItemReport[] = [];

beforeAll(async () => {
  const t0 = performance.now();
  loaded = await loadAssembler();
  if (!loaded.ok) return;
  const run = await runCodeTable(files, loaded.assembleBlock);
  items = run.items;
  writeFileSync(MISMATCH_FILE, run.report);
  console.log(`\n${run.table}\n${items.length} lines in ${(performance.now() - t0).toFixed(0)} ms (details: ${MISMATCH_FILE})`);
}, 120_000);

describe('asm code table (every iced Code, objdump spelling)', () => {
  it('is what scripts/asm-corpus/codetable/generate.ts writes (run it after changing the generator or iced)', async () => {
    const recorded = /^source-hash: (\w+)$/m.exec(manifest)?.[1];
    expect(recorded, 'manifest has no source-hash line').toBeDefined();
    expect(recorded, 'code-table corpus is stale: npx tsx scripts/asm-corpus/codetable/generate.ts').toBe(sourceHash());
    const objdump = /^objdump: (.*)$/m.exec(manifest)?.[1];
    const here = await objdumpVersion().catch(() => 'no objdump');
    if (objdump !== here) console.log(`code-table corpus was spelled by ${objdump}; this machine has ${here} (the lines stay valid tests)`);
    for (const f of files) expect(manifest, `${f.file} not in the manifest with ${f.items.length} lines`).toContain(`${f.file}: ${f.items.length} lines`);
    expect(files.length).toBe(12);
  });

  it('loads patchc assembler', () => {
    if (!loaded.ok) throw new Error(`patchc's assembler is not available: ${loaded.reason}`);
  });

  it('never produces bytes that differ from GNU as, never accepts what GNU rejects, never throws', () => {
    if (!loaded.ok) throw new Error(`patchc's assembler is not available: ${loaded.reason}`);
    const bugs = items.filter((i) => BUG_VERDICTS.includes(i.verdict));
    expect(bugs.length, `${bugs.length} bugs (first 40; all in ${MISMATCH_FILE}):\n${bugs.slice(0, 40).map(formatItem).join('\n')}`).toBe(0);
  });
});
