// The same verdicts whether the bytes come from patchc's assembler or from GNU as: the verifier judges
// machine code, and GNU as is an outside reference for what each rule's text means.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { resolveAbiNames } from '../../src/model/abiNames.js';
import type { PatchTable } from '../../src/table/types.js';
import { selectorKey } from '../../src/model/check.js';
import { compileFile, FIXTURES, gnuAs, hasGnuAs, verifyTables, type Compiled } from './helpers.js';
import { join } from 'node:path';

/** Re-assembles every instruction rule with GNU as; rules with relocations (call/jmp SYMBOL) keep patchc's bytes. */
function withGnuBytes(c: Compiled): Compiled {
  const tables: PatchTable[] = c.tables.map((t) => {
    const ar = c.ruleset.arches.get(t.arch)!;
    return {
      ...t,
      entries: t.entries.map((e) => {
        const rule = ar.rules.find((r) => selectorKey(r.selector) === selectorKey(e.selector))!;
        if (rule.replacement.kind !== 'asm' || e.relocations.length) return e;
        const op = rule.selector.kind === 'op' ? c.ruleset.ops.get(rule.selector.op) : undefined;
        const syntax = rule.replacement.syntax;
        const lines = rule.replacement.instructions.flatMap((ins) => {
          const r = resolveAbiNames(ins.text, op, ar.arch, syntax);
          return r.kind === 'rewritten' ? r.instructions : [ins.text];
        });
        return { ...e, bytes: gnuAs(lines, ar.arch.wordBits, syntax), relocations: [] };
      }),
    };
  });
  return { ...c, tables };
}

const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.rules')).sort();

describe.skipIf(!hasGnuAs())('verdicts on GNU as bytes', () => {
  for (const f of fixtures) {
    it(`${f}: same verdicts and diagnostics as through patchc's assembler`, () => {
      const compiled = compileFile(join(FIXTURES, f));
      expect(compiled.pipeline).toEqual([]);
      const ours = verifyTables(compiled);
      const theirs = verifyTables(withGnuBytes(compiled));
      const summary = (v: typeof ours) => v.verdicts.map((x) => `${x.arch} ${x.op}: ${x.verdict}`);
      expect(summary(theirs)).toEqual(summary(ours));
      expect(theirs.diagnostics.map((d) => d.code)).toEqual(ours.diagnostics.map((d) => d.code));
    });
  }
});
