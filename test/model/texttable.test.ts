// `texttable`: the other boot-time text tables' layouts written in the rule language; the shipped Linux files
// check and reach the compiled table; each error is located.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../helpers/rules.js';

const shipped = (name: string) => readFileSync(new URL(`../../rules/linux/${name}`, import.meta.url), 'utf8').replace(/^ruleset .*$/m, '');
const one = (body: string) => runPipeline({ 'main.rules': `op a()\narch x86_64 {\n  a -> nop\n}\n${body}` }, ['x86_64']);

const JT = `texttable jt {
  between __start___jump_table __stop___jump_table
  stride 16
  site rel32 at 0
  target rel32 at 4
  key relword at 8 mask 3
  flags {
    0: branch
  }
  length decoded
  pass linux-6.1-jump-label
  runs before paravirt
}
`;

describe('texttable', () => {
  it.each(['boot-text-6.1-x86_64.rules', 'boot-text-6.12-x86_64.rules'])('the shipped %s checks and reaches the compiled table', (file) => {
    const p = one(shipped(file));
    expect(p.errors).toEqual([]);
    const tables = p.compiled.tables[0]!.textTables!;
    expect(tables.map((t) => t.name)).toContain('return_sites');
    const jt = tables.find((t) => t.name === 'jump_table')!;
    expect(jt).toMatchObject({ where: { kind: 'between', start: '__start___jump_table' }, stride: 16, site: { kind: 'rel32', offset: 0 }, key: { kind: 'relword', offset: 8, mask: 3 }, length: 'decoded', runs: 'before paravirt' });
    expect(jt.flags).toEqual([{ bit: 0, name: 'branch' }, { bit: 1, name: 'init' }]);
    const sc = tables.find((t) => t.name === 'static_call_sites')!;
    expect(sc.updates).toContainEqual({ key: 'preempt_schedule', func: 'NULL' });
    expect(tables.find((t) => t.name === 'mcount_loc')!.expect).toEqual({ op: 'call', symbol: '__fentry__' });
  });

  it('the i386 file is for i386 only', () => {
    const p = runPipeline({ 'main.rules': `op a()\narch i386 {\n  a -> nop\n}\n${shipped('boot-text-6.1-i386.rules')}` }, ['i386']);
    expect(p.errors).toEqual([]);
    expect(p.compiled.tables[0]!.textTables!.find((t) => t.name === 'jump_table')!.stride).toBe(12);
  });

  it.each([
    ['an unknown entry, with the nearest', JT.replace('stride 16', 'strid 16'), /unknown texttable entry 'strid'/],
    ['no place for the entries', JT.replace(/  between .*\n/, ''), /needs exactly one of 'section', 'between', 'symbols'/],
    ['two places', JT.replace('  stride 16', '  section ".x"\n  stride 16'), /needs exactly one of/],
    ['missing entries', 'texttable t {\n  section ".x"\n}', /texttable t lacks 'pass', 'runs', 'length', 'stride', 'site'/],
    ['a field outside the entry', JT.replace('stride 16', 'stride 12'), /field 'key' at 8 \(8 bytes\) does not fit in an entry of 12 bytes/],
    ['a flag the mask does not clear', JT.replace('0: branch', '2: branch'), /flag 'branch' \(bit 2\) must be a bit the key's mask clears/],
    ['a bad field kind', JT.replace('site rel32 at 0', 'site rel64 at 0'), /'site' takes `rel32 at OFFSET`/],
    ['a bad stage', JT.replace('runs before paravirt', 'runs after paravirt'), /'runs' takes one of: before paravirt, before alternatives, after alternatives/],
    ['a bad expect', JT.replace('length decoded', 'length decoded\n  expect push __fentry__'), /'expect' takes an instruction and its target symbol/],
    ['a key updated twice', JT.replace('length decoded', 'length decoded\n  update a NULL\n  update a b'), /key 'a' is updated twice/],
  ])('%s', (_what, body, message) => {
    const p = one(body);
    expect(p.errors.map((d) => d.message).join('\n')).toMatch(message);
    expect(p.errors[0]!.span!.start.line).toBeGreaterThan(4);
  });
});
