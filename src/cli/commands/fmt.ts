import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../../binary/atomicWrite.js';
import { error } from '../../diag/diagnostic.js';
import { SourceText } from '../../diag/source.js';
import { readTextFile } from '../../model/load.js';
import { formatRules } from '../../syntax/format.js';
import { EXIT, reportDiagnostics, UsageError, type Io } from '../io.js';

export const fmtHelp = `usage: patchc fmt FILE... [--check | --write]

Prints a rule file in the canonical layout (indentation, spacing, aligned '->' and trailing comments;
lines, comments and meaning unchanged).
  (default)  print the formatted file on stdout (one FILE)
  --check    print the files that are not formatted; exit 1 if there is any (for CI)
  --write    rewrite the files that are not formatted, atomically
A file that does not parse is reported and never rewritten.
Exit: 0 ok, 1 errors in a file or (--check) a file not formatted, 2 usage or I/O error.
`;

export async function fmtCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { check: { type: 'boolean' }, write: { type: 'boolean', short: 'w' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    io.out(fmtHelp);
    return EXIT.ok;
  }
  if (!positionals.length) throw new UsageError('fmt takes at least one rule file');
  if (values.check && values.write) throw new UsageError('--check and --write exclude each other');
  if (!values.check && !values.write && positionals.length > 1) throw new UsageError('printing on stdout takes one file; use --write or --check for several');
  let exit: number = EXIT.ok;
  const worse = (code: number): void => {
    exit = Math.max(exit, code);
  };
  for (const file of positionals) {
    const read = readTextFile(resolve(file));
    if ('error' in read) {
      reportDiagnostics(io, [error('file-unreadable', `cannot read ${file}: ${read.error}`)], new Map());
      worse(EXIT.usage);
      continue;
    }
    const src = new SourceText(file, read.text);
    const formatted = formatRules(src);
    if (formatted.text === undefined) {
      reportDiagnostics(io, formatted.diagnostics, new Map([[file, src]]));
      worse(EXIT.rules);
      continue;
    }
    if (values.check) {
      if (formatted.text !== read.text) {
        io.out(`${file}\n`);
        worse(EXIT.rules);
      }
    } else if (values.write) {
      if (formatted.text !== read.text) await writeFileAtomic(file, new TextEncoder().encode(formatted.text));
    } else io.out(formatted.text);
  }
  return exit;
}
