// The alternatives pass on one kernel image for one CPU: the rule set's `alttable` says where the table is and
// whose pass it is (`pass linux-6.1`), the CPU's features come from a file in any form cpuFeatures.ts reads,
// resolved through the feature table the alttable names (`features linux-6.1`).
import { applyAlternatives, ALT_OUTCOMES, type AltEntryResult, type AltOutcome, type AltPassRules } from '../apply/altLoop.js';
import { patcherMemory } from '../apply/altMemory.js';
import type { ElfFile, ElfPatcher, SymbolTable } from '../binary/index.js';
import { error, InputError, type Diagnostic } from '../diag/diagnostic.js';
import type { AltTableDef } from '../model/altTable.js';
import type { NopTable } from '../model/nops.js';
import { didYouMean } from '../model/suggest.js';
import type { PatchTable } from '../table/types.js';
import { linux61Rules } from './altPass61.js';
import { linux612Rules } from './altPass612.js';
import { readAltTable } from './altTable.js';
import type { CpuFeatureTable } from './cpuFeatureTable.js';
import { featureState, parseCpuFeatures, withAssumed, type CpuFeatureSet } from './cpuFeatures.js';
import { cpuFeatureTable } from './cpufeatures/index.js';

type PassFactory = (o: { has: (f: number) => boolean | undefined; nops: NopTable; bitness: 32 | 64; symbol?: (name: string) => bigint | undefined }) => AltPassRules;
const PASSES: ReadonlyMap<string, PassFactory> = new Map([
  ['linux-6.1', linux61Rules],
  ['linux-6.12', linux612Rules],
]);

/** The table's one alttable, or an InputError saying there is none. */
export function altTableOf(table: PatchTable): AltTableDef {
  const defs = table.altTables ?? [];
  if (defs.length === 0) throw new InputError(`the rule set declares no alttable for ${table.arch} (needed for --cpu: where the kernel's ALTERNATIVE table is)`);
  if (defs.length > 1) throw new InputError(`the rule set has ${defs.length} alttables for ${table.arch}; one is supported`);
  return defs[0]!;
}

export interface CpuLoad {
  set?: CpuFeatureSet;
  diagnostics: Diagnostic[];
}

/** The CPU file read with the feature table the alttable names, the rule set's `assume` lines filled in. */
export function loadCpuFor(def: AltTableDef, file: string, data: Uint8Array): CpuLoad {
  const table = cpuFeatureTable(def.features);
  const r = parseCpuFeatures(file, data, table);
  if (!r.set) return { diagnostics: r.diagnostics };
  const assumed: [number, boolean][] = [];
  const diagnostics = [...r.diagnostics];
  for (const a of def.assume) {
    const bit = table.macro(a.feature)?.bit;
    if (bit === undefined) diagnostics.push(error('unknown-feature', `alttable ${def.name}: '${a.feature}' is not a feature of ${table.name}`, def.span, didYouMean(a.feature, table.macroNames())));
    else assumed.push([bit, a.set]);
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  // Only what the input could not say: a dump of the words is the kernel's own truth and wins.
  const unknown = assumed.filter(([bit]) => featureState(r.set!, bit) === 'unknown');
  return { set: withAssumed(r.set, unknown), diagnostics };
}

export interface AlternativesRun {
  def: AltTableDef;
  features: CpuFeatureTable;
  results: AltEntryResult[];
  byOutcome: Record<AltOutcome, number>;
}

/** `symbols`: the kernel's (6.12's ALT_FLAG_DIRECT_CALL compares a slot with nop_func). */
export function runAlternatives(elf: ElfFile, patcher: ElfPatcher, table: PatchTable, cpu: CpuFeatureSet, symbols?: SymbolTable): AlternativesRun {
  const def = altTableOf(table);
  const pass = PASSES.get(def.pass);
  if (!pass) throw new InputError(`alttable ${def.name}: no alternatives pass '${def.pass}' (known: ${[...PASSES.keys()].join(', ')}) ${def.span.file}:${def.span.start.line}`);
  const read = readAltTable(elf, def, cpu.table.bits);
  const rules = pass({
    has: (f) => {
      const s = featureState(cpu, f);
      return s === 'unknown' ? undefined : s === 'set';
    },
    nops: table.nops,
    bitness: table.bitness,
    ...(symbols ? { symbol: (name: string) => symbols.addressOf(name) } : {}),
  });
  const results = applyAlternatives(read.entries, patcherMemory(elf, patcher), rules);
  const byOutcome = Object.fromEntries(ALT_OUTCOMES.map((o) => [o, 0])) as Record<AltOutcome, number>;
  for (const r of results) byOutcome[r.outcome]++;
  return { def, features: cpu.table, results, byOutcome };
}
