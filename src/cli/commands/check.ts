import { parseArgs } from 'node:util';
import { hasErrors } from '../../diag/diagnostic.js';
import { buildTables } from '../../pipeline/build.js';
import { formatVerdicts } from '../../verify/index.js';
import { EXIT, reportDiagnostics, UsageError, type Io } from '../io.js';
import { parseArchOption } from './compile.js';
import { checkFeatureNames } from '../../kernel/ruleFeatures.js';
import { applyTable } from '../../apply/apply.js';
import { loadKernelOrElf, loadSymbols } from '../../binary/index.js';
import type { PatchTable } from '../../table/types.js';
import { proofsSummaryText } from '../../verify/function/report.js';
import { proveRun } from '../../verify/function/runProofs.js';

export const checkHelp = `usage: patchc check FILE [--arch i386|x86_64|all] [--binary BIN [--symbols MAP]]

Parses, checks, assembles and verifies a rule file without writing a table: prints diagnostics and
the contract verdict of every rule (proved / opaque / not verified / violated).
  --binary BIN   also prove each inline replacement the rules choose in BIN against the function in
                 its slot there (equivalent / differs / not decided); nothing is written
  --symbols MAP  a System.map for a BIN without symbols
Exit: 0 no errors, 1 errors in the rules, 2 usage or I/O error.
`;

export async function checkCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { arch: { type: 'string' }, binary: { type: 'string' }, symbols: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.out(checkHelp);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('check takes exactly one rule file');
  const built = buildTables(positionals[0]!, (available) => parseArchOption(values.arch, available), undefined, [checkFeatureNames]);
  if (built.diagnostics.some((d) => d.code === 'file-unreadable')) {
    reportDiagnostics(io, built.diagnostics, built.sources);
    return EXIT.usage;
  }
  reportDiagnostics(io, built.diagnostics, built.sources);
  if (built.verdicts.length) io.out(`${formatVerdicts(built.verdicts).trimEnd()}\n`);
  if (hasErrors(built.diagnostics)) return EXIT.rules;
  if (values.binary !== undefined) await proveInBinary(built.tables, values.binary, values.symbols, io);
  const n = built.tables.reduce((s, t) => s + t.entries.length, 0);
  io.out(`${built.ruleset.name}: ${built.ruleset.ops.size} ops, ${n} rules on ${built.tables.map((t) => t.arch).join(', ')}: ok\n`);
  return EXIT.ok;
}

/** The rules applied to the binary in memory (nothing written), and their pairs proved. */
async function proveInBinary(tables: PatchTable[], file: string, systemMap: string | undefined, io: Io): Promise<void> {
  const binary = await loadKernelOrElf(file);
  const table = tables.find((t) => t.arch === binary.elf.arch);
  if (!table) throw new UsageError(`${file} is ${binary.elf.arch}; the rules have no table for it`);
  const symbols = await loadSymbols(binary.elf, systemMap !== undefined ? { systemMap } : {});
  const run = applyTable(binary.elf, table, symbols);
  io.out(proofsSummaryText(proveRun(run, binary.elf, symbols)));
}
