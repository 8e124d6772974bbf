// The kernel layer: reading a kernel build's own patch data (ALTERNATIVEs) and checking rule sets against it.
// It may use diag, binary, asm, model, table and apply; never cli.
import { applyTable } from '../apply/apply.js';
import type { ElfFile, SymbolTable } from '../binary/index.js';
import { InputError } from '../diag/diagnostic.js';
import type { PatchTable } from '../table/types.js';
import { readAltInstructions } from './altinstructions.js';
import { layoutFromAltTable } from './altTable.js';
import { crosscheck, type CrosscheckReport } from './crosscheck.js';
import { kernelNops } from './kernelNops.js';
import { KERNEL_PROFILES, LINUX_6_1_X86_64_BARE_METAL, type KernelProfile } from './layout.js';

export { AltIndex, MAX_ALTERNATIVES, readAltInstructions, type AltInstr } from './altinstructions.js';
export { applies, crosscheck, patchcShape, type AltSummary, type CrosscheckInput, type CrosscheckReport, type Disagreement, type DisagreementKind, type OpRow, type PatchcShape, type SiteNote } from './crosscheck.js';
export { kernelNops } from './kernelNops.js';
export { layoutFromAltTable, readAltTable, type AltTableRead } from './altTable.js';
export { altTableOf, loadCpuFor, runAlternatives, type AlternativesRun, type CpuLoad } from './alternatives.js';
export { defaultProfile, featureLabel, KERNEL_PROFILES, LINUX_6_1_I386_BARE_METAL, LINUX_6_1_X86_ALT, LINUX_6_1_X86_64_BARE_METAL, type AltInstrLayout, type KernelProfile, type KnownFeature } from './layout.js';
export { rebaseReplacement, type RebaseResult } from './rebase.js';
export { crosscheckJson, crosscheckText, disassemble } from './report.js';

/**
 * The whole check on one binary: patchc's results at every site of the table's sitetable (nothing is
 * written) against the kernel's ALTERNATIVEs, read with the profile's layout and padded with the
 * kernel's own NOPs (read via `symbols` when given).
 */
export function crosscheckKernel(elf: ElfFile, table: PatchTable, symbols: SymbolTable | undefined, profile: KernelProfile = LINUX_6_1_X86_64_BARE_METAL): CrosscheckReport {
  if (profile.arch !== table.arch) throw new InputError(`kernel profile ${profile.name} is for ${profile.arch}; the table is for ${table.arch}`);
  // The rule set's alttable, when it has one, says the layout; the profile's is for rule sets without.
  const def = table.altTables?.[0];
  const layout = (def && layoutFromAltTable(def)) ?? profile.layout;
  const alts = readAltInstructions(elf, layout);
  const run = applyTable(elf, table, symbols);
  return crosscheck({ results: run.results, alts, profile, nops: kernelNops(elf, symbols, profile), bitness: table.bitness });
}

export function profileNames(): string[] {
  return [...KERNEL_PROFILES.keys()];
}
export { CpuFeatureTable, type CpuFeatureEntry, type CpuFeatureTableData, type FeatureKind } from './cpuFeatureTable.js';
export { CPU_FEATURE_TABLES, cpuFeatureTable, LINUX_6_1_CPU_FEATURES, LINUX_6_12_CPU_FEATURES } from './cpufeatures/index.js';
export { CPU_FEATURE_FORMATS, detectCpuFeatureFormat, featureState, parseCpuFeatures, setBits, withAssumed, type CpuFeatureFormat, type CpuFeatureOptions, type CpuFeatureParse, type CpuFeatureSet, type FeatureState } from './cpuFeatures.js';
