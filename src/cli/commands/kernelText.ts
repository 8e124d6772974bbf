// What predict and verify-text share: the kernel image, its rule set, symbols and CPU file, loaded and checked.
import { checkSymbolsMatch, loadKernelOrElf, loadSymbols, type ElfFile, type SymbolTable } from '../../binary/index.js';
import { hasErrors } from '../../diag/diagnostic.js';
import type { CpuFeatureSet } from '../../kernel/cpuFeatures.js';
import { ARCHES } from '../../model/arch.js';
import type { PatchTable } from '../../table/types.js';
import { EXIT, reportDiagnostics, UsageError, type Io } from '../io.js';
import { loadTableForArch } from '../loadTable.js';
import { readCpu } from './apply.js';

export const kernelTextOptions = {
  rules: { type: 'string' },
  arch: { type: 'string' },
  symbols: { type: 'string' },
  cpu: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface KernelInputs {
  elf: ElfFile;
  table: PatchTable;
  symbols: SymbolTable | undefined;
  cpu: CpuFeatureSet | undefined;
}

/** The inputs, or an exit code (diagnostics printed). `needCpu`: --cpu is required. */
export async function loadKernelInputs(values: { rules?: string; arch?: string; symbols?: string; cpu?: string }, input: string, io: Io, needCpu: boolean): Promise<KernelInputs | number> {
  if (!values.rules) throw new UsageError('--rules FILE is required');
  if (needCpu && values.cpu === undefined) throw new UsageError('--cpu FILE is required (the CPU the kernel boots on)');
  const binary = await loadKernelOrElf(input);
  const arch = values.arch ?? binary.elf.arch;
  if (!ARCHES.has(arch)) throw new UsageError(`unknown architecture '${arch}'`);
  const t = loadTableForArch(values.rules, arch, io);
  if (!t.ok) return t.exit;
  if (!t.table.textTables?.length) io.err(`warning: ${values.rules} declares no texttable (a table compiled to YAML/JSON does not carry them: give the rule file): only paravirt and alternatives are predicted\n`);
  const cpu = values.cpu !== undefined ? readCpu(values.cpu, t.table, io) : undefined;
  if (values.cpu !== undefined && !cpu) return EXIT.usage;
  const symbols = await loadSymbols(binary.elf, values.symbols !== undefined ? { systemMap: values.symbols } : {});
  if (symbols && values.symbols !== undefined) {
    const mismatch = checkSymbolsMatch(binary.elf, symbols);
    reportDiagnostics(io, mismatch, new Map());
    if (hasErrors(mismatch)) return EXIT.usage;
  }
  return { elf: binary.elf, table: t.table, symbols, cpu };
}
