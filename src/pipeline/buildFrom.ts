// The whole front half in one call: rule files → checked model → patch tables → proved contracts.
// The CLI's compile, check and apply go through here (build.ts: files from the disk), and so does the
// browser playground (files in memory), so no table leaves patchc unverified.
import type { Diagnostic } from '../diag/diagnostic.js';
import type { SourceText } from '../diag/source.js';
import { loadRuleSetFrom, type RuleFiles } from '../model/loadFrom.js';
import type { RuleSet } from '../model/ruleset.js';
import { compileTables } from '../table/compile.js';
import type { PatchTable } from '../table/types.js';
import { verifyTable, type OpVerdict } from '../verify/index.js';

export interface BuildResult {
  ruleset: RuleSet;
  tables: PatchTable[];
  verdicts: OpVerdict[];
  diagnostics: Diagnostic[];
  sources: Map<string, SourceText>;
}

/**
 * A check of names the model layer cannot know (a kernel version's CPU feature names live above it, in
 * src/kernel): faces that build tables pass `checkFeatureNames` from there.
 */
export type RuleSetCheck = (ruleset: RuleSet) => Diagnostic[];

/** `arches` undefined: every architecture the rule set has rules for. */
export function buildTablesFrom(path: string, files: RuleFiles, arches?: (available: string[]) => string[], checks: readonly RuleSetCheck[] = []): BuildResult {
  const loaded = loadRuleSetFrom(path, files);
  for (const check of checks) loaded.diagnostics.push(...check(loaded.ruleset));
  const wanted = arches ? arches([...loaded.ruleset.arches.keys()]) : [...loaded.ruleset.arches.keys()];
  const compiled = compileTables(loaded.ruleset, wanted, loaded.sources);
  // An arch block whose name was not understood is already an error; "no block for x86_64" would only echo it.
  const badArchName = loaded.diagnostics.some((d) => d.code === 'unknown-arch');
  const diagnostics = [...loaded.diagnostics, ...compiled.diagnostics.filter((d) => !(badArchName && d.code === 'no-rules-for-arch'))];
  const verdicts: OpVerdict[] = [];
  for (const t of compiled.tables) {
    const v = verifyTable(t, loaded.ruleset);
    diagnostics.push(...v.diagnostics);
    verdicts.push(...v.verdicts);
    // The table records each rule's verdict, so review sees what was proved.
    t.entries.forEach((e, i) => {
      const verdict = v.verdicts[i];
      if (verdict) e.verdict = { verdict: verdict.verdict, ...(verdict.basis ? { basis: verdict.basis } : {}), details: verdict.details };
    });
  }
  return { ruleset: loaded.ruleset, tables: compiled.tables, verdicts, diagnostics, sources: loaded.sources };
}
