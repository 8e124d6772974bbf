// The shipped x86 feature name tables, one per Linux version (generated: scripts/kernel/gen-cpufeatures.ts).
import { InputError } from '../../diag/diagnostic.js';
import { didYouMean } from '../../model/suggest.js';
import { CpuFeatureTable } from '../cpuFeatureTable.js';
import { LINUX_6_1_CPU_FEATURES } from './linux-6.1.js';
import { LINUX_6_12_CPU_FEATURES } from './linux-6.12.js';

export { LINUX_6_1_CPU_FEATURES, LINUX_6_12_CPU_FEATURES };

export const CPU_FEATURE_TABLES: ReadonlyMap<string, CpuFeatureTable> = new Map(
  [LINUX_6_1_CPU_FEATURES, LINUX_6_12_CPU_FEATURES].map((d) => [d.name, new CpuFeatureTable(d)]),
);

/** The table for `linux-6.1` / `linux-6.12` (or `6.1` / `6.12`). */
export function cpuFeatureTable(name: string): CpuFeatureTable {
  const t = CPU_FEATURE_TABLES.get(name) ?? CPU_FEATURE_TABLES.get(`linux-${name}`);
  if (!t) {
    const known = [...CPU_FEATURE_TABLES.keys()];
    throw new InputError(`no CPU feature table for '${name}' (known: ${known.join(', ')}) ${didYouMean(name, known).join(' ')}`.trim());
  }
  return t;
}
