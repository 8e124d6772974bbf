import { readdirSync, readFileSync } from 'node:fs';
import { parseCorpusFile } from '/work/main/test/asm/diff/corpus-format.js';
import { gnuAssembleItems } from '/work/main/test/asm/diff/gnu.js';
const dir = '/work/main/test/asm/diff/corpus';
const t0 = Date.now();
const files = readdirSync(dir).filter((f) => f.endsWith('.s')).sort();
const only = process.argv[2];
for (const f of files) {
  if (only && !f.startsWith(only)) continue;
  const c = parseCorpusFile(readFileSync(`${dir}/${f}`, 'utf8'));
  const r = await gnuAssembleItems(c.items, { syntax: c.syntax, bitness: c.bitness });
  const counts: Record<string, number> = {};
  r.forEach((x) => { counts[x.verdict] = (counts[x.verdict] ?? 0) + 1; if (x.hasRelocations) counts.reloc = (counts.reloc ?? 0) + 1; });
  console.log(f, JSON.stringify(counts));
  if (process.argv[3]) r.forEach((x, i) => { if ((c.expect === 'match') === (x.verdict !== 'ok') || x.hasRelocations) console.log('   ', x.verdict, JSON.stringify(c.items[i]).slice(0, 120), x.messages.join(' | ').slice(0, 150)); });
}
console.log('ms', Date.now() - t0);
