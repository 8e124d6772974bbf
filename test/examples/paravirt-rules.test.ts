// The example rule files compile cleanly for both architectures, and the verifier proves every contract it
// can check (the identities); the other rules (flags, no-ops, calls, the trap, the store) are opaque to it
// and are covered by running the patched programs (paravirt-patched.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleSet } from '../../src/model/load.js';
import { compileTables } from '../../src/table/compile.js';
import { verifyTable } from '../../src/verify/index.js';
import { ARCHES, DEMO_RULES, INLINE_STORE_RULES, patchc } from './paravirt.js';

const IDENTITIES = ['pte_val', 'make_pte', 'pmd_val', 'make_pmd', 'pgd_val', 'make_pgd', 'ident32'];

describe.each([
  ['paravirt-demo.rules', DEMO_RULES],
  ['paravirt-inline-store.rules', INLINE_STORE_RULES],
])('examples/paravirt/%s', (_name, file) => {
  it('compiles for both architectures with no diagnostics', async () => {
    // A real file: patchc writes atomically (temporary file + rename), so `-o /dev/null` would replace the device.
    const dir = mkdtempSync(join(tmpdir(), 'patchc-paravirt-rules-'));
    try {
      const r = await patchc(['compile', file, '--arch', ARCHES.join(','), '-o', join(dir, 'tables.yaml')]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(ARCHES)('%s: every identity op is proved, nothing is violated', (arch) => {
    const loaded = loadRuleSet(file);
    const compiled = compileTables(loaded.ruleset, [arch], loaded.sources);
    const { verdicts, diagnostics } = verifyTable(compiled.tables[0]!, loaded.ruleset);
    expect(diagnostics.map((d) => d.message)).toEqual([]);
    expect(verdicts.filter((v) => v.verdict === 'violated')).toEqual([]);
    const proved = verdicts.filter((v) => v.verdict === 'proved').map((v) => v.op);
    expect(proved.sort()).toEqual([...IDENTITIES].sort());
  });
});
