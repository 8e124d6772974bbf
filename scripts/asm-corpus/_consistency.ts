import { GROUPS } from './generate.js';
import { renderAtt, renderAttNoPrefix, renderIntel } from './model.js';
import { gnuAssembleItems, hex } from '../../test/asm/diff/gnu.js';
for (const g of GROUPS) {
  for (const bits of [32, 64] as const) {
    const its = g.format === 'lines' ? g.items(bits).map((x) => [x]) : g.blocks(bits);
    const r = (f: (x: any) => string) => its.map((b) => b.map(f).join('\n'));
    const [a, n, i] = [r(renderAtt), r(renderAttNoPrefix), r(renderIntel)];
    const [ga, gn, gi] = await Promise.all([gnuAssembleItems(a, { syntax: 'att', bitness: bits }), gnuAssembleItems(n, { syntax: 'attnp', bitness: bits }), gnuAssembleItems(i, { syntax: 'intel', bitness: bits })]);
    let bad = 0;
    for (let k = 0; k < a.length; k++) {
      const sa = ga[k]!.verdict === 'error' ? 'ERR' : hex(ga[k]!.bytes);
      const sn = gn[k]!.verdict === 'error' ? 'ERR' : hex(gn[k]!.bytes);
      const si = gi[k]!.verdict === 'error' ? 'ERR' : hex(gi[k]!.bytes);
      if (sa !== sn || sa !== si) {
        bad++;
        if (bad <= 12) console.log(`  ${g.name}/${bits}: att[${a[k]!.slice(0, 60)}]=${sa} | np=${sn} | intel[${i[k]!.slice(0, 60)}]=${si}`);
      }
    }
    console.log(`${g.name}/${bits}: ${bad} inconsistent of ${a.length}`);
  }
}
