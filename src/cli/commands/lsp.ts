import { parseArgs } from 'node:util';
import { EXIT, UsageError, type Io } from '../io.js';

export const lspHelp = `usage: patchc lsp [--stdio] [--debounce MS]

Runs the language server for rule files over stdin/stdout (the Language Server Protocol): diagnostics
as you type (the same codes as patchc check), quick fixes, hover (bytes, disassembly, verdicts), completion,
go to definition, references, rename, outline, semantic tokens and formatting (patchc fmt).
  --stdio       accepted for editors that pass it; stdio is the only transport
  --debounce MS quiet time after an edit before the file is rebuilt (default 200)
`;

export async function lspCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { stdio: { type: 'boolean' }, debounce: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    io.out(lspHelp);
    return EXIT.ok;
  }
  const debounceMs = values.debounce === undefined ? undefined : Number(values.debounce);
  if (debounceMs !== undefined && !(Number.isInteger(debounceMs) && debounceMs >= 0)) throw new UsageError(`--debounce takes milliseconds, found '${values.debounce}'`);
  // The server is loaded only here: the other commands do not pay for the protocol library.
  const { serve } = await import('../../lsp/server.js');
  await serve(process.stdin, process.stdout, debounceMs !== undefined ? { debounceMs } : {});
  return EXIT.ok;
}
