// `alttable`: an ALTERNATIVE table's entry layout written in the rule language; its errors, and the 6.1 and 6.12
// shapes as the same construct with other fields.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { tableFromDocument, tableToDocument } from '../../src/table/document.js';
import { writeTables } from '../../src/table/writers.js';
import { runPipeline } from '../helpers/rules.js';

const SHIPPED = readFileSync(new URL('../../rules/linux/alternatives-6.1.rules', import.meta.url), 'utf8');

/** The 6.12 entry as the shipped file's comment describes it. */
const V6_12 = `alttable alt612 {
  section ".altinstructions"
  replacements ".altinstr_replacement"
  stride 14
  instr rel32 at 0
  repl rel32 at 4
  feature u16 at 8
  flags u16 at 10 {
    0: not
    1: direct-call
  }
  instrlen u8 at 12
  replacementlen u8 at 13
  features linux-6.12
  pass linux-6.12
}
`;

const one = (body: string) => runPipeline({ 'main.rules': `op a()\narch x86_64 {\n  a -> nop\n}\n${body}` }, ['x86_64']);

describe('alttable', () => {
  it('the shipped 6.1 layout and a 6.12 layout both check, and reach the compiled table', () => {
    const p = runPipeline({ 'main.rules': `op a()\narch x86_64 {\n  a -> nop\n}\n${SHIPPED.replace(/^ruleset .*$/m, '')}\n${V6_12}` }, ['x86_64']);
    expect(p.errors).toEqual([]);
    const [a61, a612] = p.compiled.tables[0]!.altTables!;
    expect(a61).toMatchObject({ stride: 12, feature: { width: 2, offset: 8, mask: 0x7fff }, flags: { offset: 8, bits: [{ bit: 15, name: 'not' }] }, instrlen: { offset: 10 }, features: 'linux-6.1', pass: 'linux-6.1' });
    expect(a61!.assume.map(({ feature, set }) => ({ feature, set }))).toEqual([{ feature: 'X86_FEATURE_ALWAYS', set: true }, { feature: 'X86_FEATURE_XENPV', set: false }]);
    expect(a612).toMatchObject({ stride: 14, feature: { mask: 0xffff }, flags: { offset: 10, bits: [{ bit: 0, name: 'not' }, { bit: 1, name: 'direct-call' }] } });
  });

  it('round-trips through a compiled YAML table', () => {
    const p = one(SHIPPED.replace(/^ruleset .*$/m, ''));
    const t = p.compiled.tables[0]!;
    const back = tableFromDocument(parse(writeTables([t], 'yaml')), 'x.yaml');
    expect(tableToDocument(back)['alt_tables']).toEqual(tableToDocument(t)['alt_tables']);
    expect(back.altTables![0]!.flags).toEqual(t.altTables![0]!.flags);
  });

  it.each([
    ['an unknown entry, with the nearest', 'alttable t {\n  strid 12\n}', /unknown alttable entry 'strid'/],
    ['missing entries', 'alttable t {\n  stride 12\n}', /alttable t lacks 'section', 'replacements'/],
    ['a field outside the entry', V6_12.replace('stride 14', 'stride 12'), /field 'instrlen' at 12 \(1 bytes\) does not fit in an entry of 12 bytes/],
    ['a flag inside the feature mask', SHIPPED.replace(/^ruleset .*$/m, '').replace('15: not', '14: not'), /flag 'not' \(bit 14\) lies inside the feature mask 0x7fff/],
    ['an unknown flag', V6_12.replace('direct-call', 'direct-jump'), /unknown flag 'direct-jump'/],
    ['a bad assume', SHIPPED.replace(/^ruleset .*$/m, '').replace('X86_FEATURE_ALWAYS set', 'X86_FEATURE_ALWAYS on'), /'assume' takes a feature and its state/],
  ])('%s', (_what, body, message) => {
    const p = one(body);
    expect(p.errors.map((d) => d.message).join('\n')).toMatch(message);
    expect(p.errors[0]!.span!.start.line).toBeGreaterThan(4);
  });
});
