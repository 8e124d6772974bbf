// Linux v5.3–v5.9 arch/x86/kernel/paravirt_patch.c hand-typed its native replacements as bytes
// (patch_data_xxl, patch_data_lock). Those bytes are public facts, recorded with their source in
// test/fixtures/linux/paravirt_patch-5.x.json; the shipped rules, compiled by patchc, must reproduce every one.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRuleSet } from '../../src/model/load.js';
import { compileTables } from '../../src/table/compile.js';

interface FixtureEntry {
  arch: 'x86_64' | 'i386';
  table: 'xxl' | 'lock';
  field: string;
  bytes: string;
  op: string;
  insn: string;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/linux/paravirt_patch-5.x.json', import.meta.url), 'utf8')) as { entries: FixtureEntry[] };
const loaded = loadRuleSet(new URL('../../rules/linux/paravirt-5.x.rules', import.meta.url).pathname);
const compiled = compileTables(loaded.ruleset, ['x86_64', 'i386'], loaded.sources);

describe("rules/linux/paravirt-5.x.rules reproduces Linux 5.x's hand-typed tables", () => {
  it('compiles without errors', () => {
    expect([...loaded.diagnostics, ...compiled.diagnostics].filter((d) => d.severity === 'error')).toEqual([]);
  });

  it.each(fixture.entries.map((e) => [`${e.arch} patch_data_${e.table}.${e.field} (${e.insn})`, e] as const))('%s', (_, e) => {
    const table = compiled.tables.find((t) => t.arch === e.arch)!;
    const entry = table.entries.find((x) => {
      const s = x.selector;
      if (e.field === 'mov64') return s.kind === 'target' && s.symbol === '_paravirt_ident_64';
      if (e.table === 'lock') return s.kind === 'target' && s.symbol.endsWith(`native_${e.field}`);
      return s.kind === 'op' && s.op === e.op;
    });
    expect(entry, 'a rule for this field').toBeDefined();
    expect(Buffer.from(entry!.bytes).toString('hex')).toBe(e.bytes);
  });
});
