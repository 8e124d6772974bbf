import { extractSample, REALCODE_SAMPLES } from './realcode.js';
import { gnuAssembleItems } from './gnu.js';
for (const s of REALCODE_SAMPLES) {
  const t = Date.now();
  const { items, stats } = await extractSample(s);
  const g = await gnuAssembleItems(items, { syntax: s.syntax, bitness: s.bitness });
  const c: Record<string, number> = {};
  g.forEach((x) => { c[x.verdict] = (c[x.verdict] ?? 0) + 1; if (x.hasRelocations) c.reloc = (c.reloc ?? 0) + 1; });
  console.log(s.name, items.length, JSON.stringify(stats), JSON.stringify(c), Date.now() - t, 'ms');
  g.forEach((x, i) => { if (x.verdict !== 'ok' || x.hasRelocations) console.log('   ', x.verdict, x.hasRelocations, items[i], x.messages.join(';').slice(0, 100)); });
}
