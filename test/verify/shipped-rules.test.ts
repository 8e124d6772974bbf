// Every rule set we ship must verify: contracts proved, everything else explicitly opaque.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFile, REPO, verifyTables } from './helpers.js';

const files = (readdirSync(join(REPO, 'rules'), { recursive: true }) as string[]).filter((f) => f.endsWith('.rules')).sort();

describe('shipped rule sets', () => {
  it('exist', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const f of files) {
    it(`rules/${f}: every contract proved or explicitly opaque`, () => {
      const v = verifyTables(compileFile(join(REPO, 'rules', f)));
      expect(v.pipeline).toEqual([]);
      expect(v.diagnostics).toEqual([]);
      const bad = v.verdicts.filter((x) => x.verdict !== 'proved' && x.verdict !== 'opaque');
      expect(bad.map((x) => `${x.arch} ${x.op}: ${x.verdict} ${x.details.join(' | ')}`)).toEqual([]);
      for (const x of v.verdicts) {
        const op = v.ruleset.ops.get(x.op);
        if (op?.contracts.some((c) => c.kind !== 'opaque')) expect(x.verdict, `${x.arch} ${x.op}`).toBe('proved');
      }
    });
  }
});
