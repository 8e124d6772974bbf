// Runs the committed code-table corpus against any tree's assembler, e.g. the main tree's:
//   npx tsx scripts/asm-corpus/codetable/check.ts --asm /work/main/src/asm/index.ts [--out report.txt] [--dir corpusDir]
// (default: this tree's src/asm). Prints the verdicts per variant and the refusal causes.

import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCodeTableCorpus, refusalCauses, runCodeTable } from '../../../test/asm/diff/codetable-run.js';
import type { AssembleBlock } from '../../../test/asm/diff/patchc.js';
import { REPO } from './paths.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const entry = resolve(arg('--asm') ?? join(REPO, 'src/asm/index.ts'));
const out = arg('--out') ?? '/tmp/asm-mismatches-codetable.txt';
const mod = (await import(pathToFileURL(entry).href)) as { assembleBlock?: AssembleBlock };
if (typeof mod.assembleBlock !== 'function') throw new Error(`${entry} does not export assembleBlock`);
const dir = arg('--dir');
const run = await runCodeTable(dir ? loadCodeTableCorpus(resolve(dir)) : loadCodeTableCorpus(), mod.assembleBlock);
writeFileSync(out, run.report);
console.log(`${entry}\n${run.table}\ntop refusal causes:\n${refusalCauses(run.items).slice(0, 15).map(([m, n]) => `${String(n).padStart(7)}  ${m}`).join('\n')}\n(details: ${out})`);
