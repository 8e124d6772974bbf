import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../../binary/atomicWrite.js';
import { hasErrors } from '../../diag/diagnostic.js';
import { archHints, archNames } from '../../model/arch.js';
import { buildTables } from '../../pipeline/build.js';
import { writeTables, type TableFormat } from '../../table/writers.js';
import { EXIT, reportDiagnostics, UsageError, type Io } from '../io.js';
import { checkFeatureNames } from '../../kernel/ruleFeatures.js';

export const compileHelp = `usage: patchc compile FILE [--arch i386|x86_64|all] [--format yaml|json|c] [-o OUT]

Compiles a rule file (and its imports) into one patch table per architecture.
  --arch     which architecture(s); default: all that the rule set has rules for
  --format   yaml (default, for review), json, or c (a header like Linux's paravirt_patch.c)
  -o OUT     write to OUT (atomically); default: stdout
Exit: 0 ok, 1 errors in the rules, 2 usage or I/O error.
`;

export function parseArchOption(value: string | undefined, available: string[]): string[] {
  if (value === undefined || value === 'all') return available.length ? available : archNames();
  const list = value.split(',');
  for (const a of list) if (!archNames().includes(a)) throw new UsageError(`unknown architecture '${a}' (${[...archHints(a).slice(0, -1), `known: ${archNames().join(', ')}, all`].join('; ')})`);
  return list;
}

export async function compileCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { arch: { type: 'string' }, format: { type: 'string', default: 'yaml' }, output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.out(compileHelp);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('compile takes exactly one rule file');
  const format = values.format as TableFormat;
  if (!['yaml', 'json', 'c'].includes(format)) throw new UsageError(`unknown format '${format}' (yaml, json, c)`);
  // Everything is compiled and verified even when checking found errors, so all of them are reported in
  // one run; nothing is written unless everything is clean.
  const built = buildTables(positionals[0]!, (available) => parseArchOption(values.arch, available), undefined, [checkFeatureNames]);
  if (built.diagnostics.some((d) => d.code === 'file-unreadable')) {
    reportDiagnostics(io, built.diagnostics, built.sources);
    return EXIT.usage;
  }
  reportDiagnostics(io, built.diagnostics, built.sources);
  if (hasErrors(built.diagnostics)) return EXIT.rules;
  const text = writeTables(built.tables, format);
  if (values.output) await writeFileAtomic(values.output, new TextEncoder().encode(text));
  else io.out(text);
  return EXIT.ok;
}
