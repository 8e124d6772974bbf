import { parseArgs } from 'node:util';
import { hasErrors } from '../../diag/diagnostic.js';
import { loadRuleSet } from '../../model/load.js';
import { compileTables } from '../../table/compile.js';
import { EXIT, reportDiagnostics, UsageError, type Io } from '../io.js';
import { parseArchOption } from './compile.js';

export const checkHelp = `usage: patchc check FILE [--arch i386|x86_64|all]

Parses, checks and assembles a rule file without writing a table; prints diagnostics only.
Exit: 0 no errors, 1 errors in the rules, 2 usage or I/O error.
`;

export async function checkCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { arch: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    io.out(checkHelp);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('check takes exactly one rule file');
  const loaded = loadRuleSet(positionals[0]!);
  if (loaded.diagnostics.some((d) => d.code === 'file-unreadable')) {
    reportDiagnostics(io, loaded.diagnostics, loaded.sources);
    return EXIT.usage;
  }
  const compiled = compileTables(loaded.ruleset, parseArchOption(values.arch, [...loaded.ruleset.arches.keys()]), loaded.sources);
  const diags = [...loaded.diagnostics, ...compiled.diagnostics];
  reportDiagnostics(io, diags, loaded.sources);
  if (hasErrors(diags)) return EXIT.rules;
  const n = compiled.tables.reduce((s, t) => s + t.entries.length, 0);
  io.out(`${loaded.ruleset.name}: ${loaded.ruleset.ops.size} ops, ${n} rules on ${compiled.tables.map((t) => t.arch).join(', ')}: ok\n`);
  return EXIT.ok;
}
