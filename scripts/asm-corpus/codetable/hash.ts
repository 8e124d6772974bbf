// What the code-table corpus is a function of: this generator, the shared helpers it uses, the iced-x86
// version and objdump's. The test compares it with the manifest's line (a cheap stale check that needs
// neither iced nor randomness at test time).

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { objdumpVersion } from './objdump.js';
import { REPO } from './paths.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The generator's own files; check.ts only reads the corpus. */
const NOT_INPUTS = new Set(['check.ts']);
const SHARED = ['test/asm/diff/corpus-format.ts', 'test/asm/diff/realcode.ts'];

export async function sourceHash(): Promise<string> {
  const h = createHash('sha256');
  const own = readdirSync(HERE).filter((f) => f.endsWith('.ts') && !NOT_INPUTS.has(f)).sort().map((f) => join(HERE, f));
  for (const f of [...own, ...SHARED.map((x) => join(REPO, x))]) h.update(f.slice(REPO.length)).update(readFileSync(f));
  const iced = JSON.parse(readFileSync(join(REPO, 'node_modules/iced-x86/package.json'), 'utf8')) as { version: string };
  h.update(`iced-x86 ${iced.version}\n${await objdumpVersion()}\n`);
  return h.digest('hex');
}
