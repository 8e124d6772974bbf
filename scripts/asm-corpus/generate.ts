// Writes the differential-test corpus for the assembler: test/asm/diff/corpus/<group>.<syntax>.<bits>.s
// Deterministic (no randomness, no dates): running it twice gives identical files.
//   npx tsx scripts/asm-corpus/generate.ts [outDir]
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CORPUS_BITNESSES, CORPUS_SYNTAXES, corpusFileName, serializeCorpusFile,
  type CorpusFile, type CorpusSyntax,
} from '../../test/asm/diff/corpus-format.js';
import { renderAtt, renderAttNoPrefix, renderIntel, type Item } from './model.js';
import { addressingGroup, pseudoPrefixGroup } from './groups/addr.js';
import { blockGroup } from './groups/blocks.js';
import { branchGroup } from './groups/branch.js';
import { avxGroup, sseGroup, x87Group } from './groups/fp.js';
import { aluGroup, bitGroup, movGroup, shiftGroup, stackGroup, unaryGroup } from './groups/gp.js';
import { invalidGroup } from './groups/invalid.js';
import { relocGroup } from './groups/reloc.js';
import { spellingGroup } from './groups/spelling.js';
import { indirectGroup, miscGroup, stringGroup, systemGroup } from './groups/sys.js';
import type { Group } from './groups/types.js';

export const GROUPS: Group[] = [
  movGroup, aluGroup, shiftGroup, unaryGroup, bitGroup, stackGroup, indirectGroup, branchGroup, blockGroup, systemGroup,
  stringGroup, miscGroup, addressingGroup, pseudoPrefixGroup, x87Group, sseGroup, avxGroup, relocGroup, spellingGroup, invalidGroup,
];

const RENDER: Record<CorpusSyntax, (x: Item) => string> = { intel: renderIntel, att: renderAtt, attnp: renderAttNoPrefix };

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

export function buildCorpus(): CorpusFile[] {
  const files: CorpusFile[] = [];
  for (const g of GROUPS) {
    for (const bitness of CORPUS_BITNESSES) {
      for (const syntax of CORPUS_SYNTAXES) {
        const render = RENDER[syntax];
        const items = g.format === 'lines'
          ? unique(g.items(bitness).map(render))
          : g.blocks(bitness).map((b) => b.map(render).join('\n'));
        files.push({ group: g.name, syntax, bitness, format: g.format, expect: g.expect, items });
      }
    }
  }
  return files;
}

function main(): void {
  const here = dirname(fileURLToPath(import.meta.url));
  const outDir = resolve(process.argv[2] ?? join(here, '../../test/asm/diff/corpus'));
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir)) if (f.endsWith('.s')) rmSync(join(outDir, f));
  let lines = 0;
  let bytes = 0;
  const perGroup = new Map<string, number>();
  for (const f of buildCorpus()) {
    const text = serializeCorpusFile(f);
    writeFileSync(join(outDir, corpusFileName(f.group, f.syntax, f.bitness)), text);
    const n = f.items.reduce((s, it) => s + it.split('\n').length, 0);
    lines += n;
    bytes += text.length;
    perGroup.set(f.group, (perGroup.get(f.group) ?? 0) + f.items.length);
  }
  for (const [g, n] of perGroup) console.log(`${g.padEnd(14)} ${String(n).padStart(6)} items`);
  console.log(`total: ${lines} lines, ${(bytes / 1024).toFixed(0)} KiB in ${outDir}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
