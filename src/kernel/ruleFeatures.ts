// What rule sets say about CPU features, checked against the kernel version's own tables: the feature table
// a rule set names (`features linux-6.12`, an alttable's `features`), its alttable's `pass` and `assume`
// lines, and every rule condition (`if X86_FEATURE_ERMS`). The checker below the kernel layer knows only
// the shape; these names are Linux's, so they are checked here and handed to the pipeline by its callers.
import { error, type Diagnostic, type SourceSpan } from '../diag/diagnostic.js';
import type { RuleSet } from '../model/ruleset.js';
import { didYouMean } from '../model/suggest.js';
import type { PatchTable } from '../table/types.js';
import { ALT_PASS_NAMES } from './altPassNames.js';
import type { CpuFeatureTable } from './cpuFeatureTable.js';
import { featureState, lookupFeature, type CpuFeatureSet } from './cpuFeatures.js';
import { CPU_FEATURE_TABLES } from './cpufeatures/index.js';

const knownTables = (): string[] => [...CPU_FEATURE_TABLES.keys()];

function tableNamed(name: string, span: SourceSpan, what: string, diags: Diagnostic[]): CpuFeatureTable | undefined {
  const t = CPU_FEATURE_TABLES.get(name);
  if (!t) diags.push(error('unknown-feature-table', `${what}: no CPU feature table '${name}'`, span, [...didYouMean(name, knownTables()), `known: ${knownTables().join(', ')}`]));
  return t;
}

function checkName(name: string, table: CpuFeatureTable, span: SourceSpan, what: string, diags: Diagnostic[]): void {
  const r = lookupFeature(name, table);
  if ('bit' in r) return;
  const d = error(r.problem === 'ambiguous' ? 'ambiguous-feature' : 'unknown-feature', `${what}: ${r.message}`, span, r.hints);
  // The closest name as an editor's quick fix, as for a mistyped op (model/check.ts).
  if (r.nearest?.length) d.fixes = [{ span, text: r.nearest[0]! }];
  diags.push(d);
}

/** Every CPU-feature name of the rule set, resolved through the tables it names. */
export function checkFeatureNames(rs: RuleSet): Diagnostic[] {
  const diags: Diagnostic[] = [];
  for (const t of rs.altTables) {
    const fspan = t.valueSpans?.features ?? t.span;
    const table = tableNamed(t.features, fspan, `alttable ${t.name}`, diags);
    if (!(ALT_PASS_NAMES as readonly string[]).includes(t.pass)) {
      diags.push(error('unknown-pass', `alttable ${t.name}: no alternatives pass '${t.pass}'`, t.valueSpans?.pass ?? t.span, [...didYouMean(t.pass, ALT_PASS_NAMES), `known: ${ALT_PASS_NAMES.join(', ')}`]));
    }
    if (table) for (const a of t.assume) checkName(a.feature, table, a.span ?? t.span, `alttable ${t.name}: assume`, diags);
  }
  // A feature table taken from an alttable was checked with it above: one error for one name.
  const fromAltTable = rs.altTables.some((t) => t.features === rs.features?.table);
  const declared = !rs.features ? undefined : fromAltTable ? CPU_FEATURE_TABLES.get(rs.features.table) : tableNamed(rs.features.table, rs.features.span, 'features', diags);
  if (declared) {
    for (const arch of rs.arches.values()) {
      for (const r of arch.rules) if (r.when) checkName(r.when.feature, declared, r.when.span, `rule condition`, diags);
    }
  }
  return diags;
}

/** The table's feature names → the CPU's state (undefined: the input cannot tell, or no such name). */
export function featureTestFor(table: PatchTable, cpu: CpuFeatureSet): (feature: string) => boolean | undefined {
  const cache = new Map<string, boolean | undefined>();
  return (name) => {
    if (cache.has(name)) return cache.get(name);
    const r = lookupFeature(name, cpu.table);
    const s = 'bit' in r ? featureState(cpu, r.bit) : 'unknown';
    const v = s === 'unknown' ? undefined : s === 'set';
    cache.set(name, v);
    return v;
  };
}
