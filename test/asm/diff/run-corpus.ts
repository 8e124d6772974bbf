// Runs the whole corpus through GNU as and patchc. Shared by the vitest suite and the bench.

import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { classify, summarize, type GroupStats, type ItemReport } from './compare.js';
import { parseCorpusFile, type CorpusFile } from './corpus-format.js';
import { gnuAssembleItems, type GnuItemResult } from './gnu.js';
import { REPO_ROOT, patchcOptions, runPatchc, type AssembleBlock } from './patchc.js';

export const CORPUS_DIR = join(REPO_ROOT, 'test/asm/diff/corpus');

export interface LoadedCorpusFile extends CorpusFile {
  file: string;
}

export function loadCorpus(dir = CORPUS_DIR): LoadedCorpusFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.s'))
    .sort()
    .map((file) => ({ file, ...parseCorpusFile(readFileSync(join(dir, file), 'utf8')) }));
}

/** Runs `fn` over `list` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(list: readonly T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(list.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < list.length) {
      const i = next++;
      out[i] = await fn(list[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, list.length) }, worker));
  return out;
}

export async function gnuForCorpus(files: readonly LoadedCorpusFile[]): Promise<GnuItemResult[][]> {
  return mapLimit(files, Math.max(2, availableParallelism()), (f) => gnuAssembleItems(f.items, { syntax: f.syntax, bitness: f.bitness }));
}

export function patchcForCorpus(
  files: readonly LoadedCorpusFile[],
  gnu: readonly GnuItemResult[][],
  assemble: AssembleBlock,
): ItemReport[] {
  const out: ItemReport[] = [];
  files.forEach((f, k) => {
    const opts = patchcOptions(f.syntax, f.bitness);
    const g = gnu[k] ?? [];
    f.items.forEach((text, i) => {
      const gi = g[i];
      if (gi === undefined) throw new Error(`no GNU result for ${f.file} item ${i}`);
      const p = runPatchc(assemble, text, opts);
      out.push({ file: f.file, text, verdict: classify(f.expect, gi, p), gnu: gi, patchc: p });
    });
  });
  return out;
}

export function groupOf(file: string): string {
  return file.split('.')[0] ?? file;
}

/** "att.64" for "alu.att.64.s": the syntax x bitness slice of the corpus. */
export function variantOf(file: string): string {
  return file.split('.').slice(1, 3).join('.');
}

export function statsByGroup(items: readonly ItemReport[], key: (file: string) => string = groupOf): GroupStats[] {
  const groups = new Map<string, ItemReport[]>();
  for (const it of items) {
    const g = key(it.file);
    const list = groups.get(g) ?? [];
    list.push(it);
    groups.set(g, list);
  }
  const stats = [...groups].map(([g, list]) => summarize(g, list));
  stats.push(summarize('TOTAL', items));
  return stats;
}
