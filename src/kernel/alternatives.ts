// The alternatives pass on one kernel image for one CPU: the rule set's `alttable` says where the table is and
// whose pass it is (`pass linux-6.1`), the CPU's features come from a file in any form cpuFeatures.ts reads,
// resolved through the feature table the alttable names (`features linux-6.1`).
import { applyAlternatives, ALT_OUTCOMES, type AltEntryResult, type AltOutcome, type AltPassRules } from '../apply/altLoop.js';
import { patcherMemory } from '../apply/altMemory.js';
import type { ElfFile, ElfPatcher, SymbolTable } from '../binary/index.js';
import { error, InputError, warning, type Diagnostic } from '../diag/diagnostic.js';
import type { AltTableDef } from '../model/altTable.js';
import type { NopTable } from '../model/nops.js';
import { didYouMean } from '../model/suggest.js';
import type { PatchTable } from '../table/types.js';
import { linux61Rules } from './altPass61.js';
import { linux612Rules } from './altPass612.js';
import { readAltTable } from './altTable.js';
import { ALT_PASS_NAMES, type AltPassName } from './altPassNames.js';
import type { CpuFeatureTable } from './cpuFeatureTable.js';
import { featureState, parseCpuFeatures, withAssumed, type CpuFeatureSet } from './cpuFeatures.js';
import { cpuFeatureTable } from './cpufeatures/index.js';

type PassFactory = (o: { has: (f: number) => boolean | undefined; nops: NopTable; bitness: 32 | 64; symbol?: (name: string) => bigint | undefined }) => AltPassRules;
// Keyed by the names altPassNames.ts lists: the compiler holds the two lists in step.
const PASSES: Record<AltPassName, PassFactory> = {
  'linux-6.1': linux61Rules,
  'linux-6.12': linux612Rules,
};


/** The table's one alttable, or an InputError saying there is none. */
export function altTableOf(table: PatchTable): AltTableDef {
  const defs = table.altTables ?? [];
  if (defs.length === 0) throw new InputError(`the rule set declares no alttable for ${table.arch} (needed for --cpu: where the kernel's ALTERNATIVE table is)`);
  if (defs.length > 1) throw new InputError(`the rule set has ${defs.length} alttables for ${table.arch}; one is supported`);
  return defs[0]!;
}

/** What reading a CPU file needs of a rule set: its feature table and what it assumes. */
export type CpuSource = Pick<AltTableDef, 'name' | 'span' | 'features' | 'assume'>;

/** The alttable when there is one, else the rule set's `features` line (for conditional rules alone). */
export function cpuSourceOf(table: PatchTable): CpuSource {
  const defs = table.altTables ?? [];
  if (defs.length) return altTableOf(table);
  if (table.features !== undefined) {
    const nowhere = { line: 0, col: 0, offset: 0 };
    return { name: 'features', features: table.features, assume: [], span: { file: table.ruleset, start: nowhere, end: nowhere } };
  }
  throw new InputError(`--cpu: the rule set names no CPU feature table (an alttable, or a line \`features linux-6.12\`), so a CPU's features mean nothing to it`);
}

export interface CpuLoad {
  set?: CpuFeatureSet;
  diagnostics: Diagnostic[];
}

/** The CPU file read with the feature table the alttable names, the rule set's `assume` lines filled in. */
export function loadCpuFor(def: CpuSource, file: string, data: Uint8Array): CpuLoad {
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
  const set = withAssumed(r.set, unknown);
  const xenpv = table.macro('X86_FEATURE_XENPV')?.bit;
  if (xenpv !== undefined && featureState(set, xenpv) === 'set') {
    diagnostics.push(warning('cpu-xenpv', `${file} has X86_FEATURE_XENPV set: a Xen PV guest`, { file, start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } }, [
      "xen_start_kernel() fills pv_ops with Xen's functions before any patching; patchc reads pv_ops as linked (the native functions), so the call targets it writes at paravirt sites are not the ones a Xen guest runs",
      'entries that test XENPV (ALT_NOT_XEN) are decided correctly; the direct calls are not',
    ]));
  }
  return { set, diagnostics };
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
  const pass = (ALT_PASS_NAMES as readonly string[]).includes(def.pass) ? PASSES[def.pass as AltPassName] : undefined;
  if (!pass) throw new InputError(`alttable ${def.name}: no alternatives pass '${def.pass}' (known: ${ALT_PASS_NAMES.join(', ')}) ${def.span.file}:${def.span.start.line}`);
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
