// Checks the generator, not patchc: every item rendered in Intel, AT&T and AT&T-without-'%' must give GNU
// the same bytes (or the same refusal). Differences are rendering bugs, except the known ones GNU has on
// purpose (AT&T's reversed fsub/fsubr/fdiv/fdivr with st(i) destinations; bare names that GNU's
// noprefix/Intel parsers take as symbols in the invalid group).
//   npx tsx scripts/asm-corpus/check-consistency.ts
import { gnuAssembleItems, hex, type GnuItemResult } from '../../test/asm/diff/gnu.js';
import { GROUPS } from './generate.js';
import { renderAtt, renderAttNoPrefix, renderIntel, type Item } from './model.js';

const show = (r: GnuItemResult): string => (r.verdict === 'error' ? 'ERR' : hex(r.bytes));

for (const g of GROUPS) {
  for (const bits of [32, 64] as const) {
    const blocks: Item[][] = g.format === 'lines' ? g.items(bits).map((x) => [x]) : g.blocks(bits);
    const render = (f: (x: Item) => string): string[] => blocks.map((b) => b.map(f).join('\n'));
    const att = render(renderAtt);
    const np = render(renderAttNoPrefix);
    const intel = render(renderIntel);
    const [ga, gn, gi] = await Promise.all([
      gnuAssembleItems(att, { syntax: 'att', bitness: bits }),
      gnuAssembleItems(np, { syntax: 'attnp', bitness: bits }),
      gnuAssembleItems(intel, { syntax: 'intel', bitness: bits }),
    ]);
    let bad = 0;
    att.forEach((text, k) => {
      const [a, n, i] = [show(ga[k]!), show(gn[k]!), show(gi[k]!)];
      if (a === n && a === i) return;
      if (++bad <= 5) console.log(`  ${JSON.stringify(text)}=${a} | noprefix=${n} | ${JSON.stringify(intel[k])}=${i}`);
    });
    console.log(`${g.name}/${bits}: ${bad} of ${att.length} items differ between syntaxes`);
  }
}
