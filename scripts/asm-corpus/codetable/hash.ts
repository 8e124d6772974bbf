// What the code-table corpus is a function of: this generator, the shared helpers it uses and the iced-x86
// version. The test compares it with the manifest's line (a cheap stale check that needs neither iced nor
// randomness at test time). objdump's version is recorded beside it but not hashed: another binutils on
// another machine changes some spellings, not the validity of the committed lines (GNU as judges them).

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO } from './paths.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The generator's own files; check.ts only reads the corpus. */
const NOT_INPUTS = new Set(['check.ts']);
const SHARED = ['test/asm/diff/corpus-format.ts', 'test/asm/diff/objdump-text.ts'];

export function sourceHash(): string {
  const h = createHash('sha256');
  const own = readdirSync(HERE).filter((f) => f.endsWith('.ts') && !NOT_INPUTS.has(f)).sort().map((f) => join(HERE, f));
  for (const f of [...own, ...SHARED.map((x) => join(REPO, x))]) h.update(f.slice(REPO.length)).update(readFileSync(f));
  const iced = JSON.parse(readFileSync(join(REPO, 'node_modules/iced-x86/package.json'), 'utf8')) as { version: string };
  h.update(`iced-x86 ${iced.version}\n`);
  return h.digest('hex');
}
