// A simulated editing session against `patchc lsp`: edits that break and mend a rule file, each followed by
// a request that needs the fresh analysis (so every edit is compiled, none is skipped by the debounce),
// and the server's resident memory read from /proc along the way.
import { readFileSync } from 'node:fs';
import { HoverRequest } from 'vscode-languageserver-protocol/node';
import { uri, type Client } from './client.js';

/** The server process's resident set, in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** The n-th edit of a session: every third one has an error (an undeclared op), the next mends it. */
export function editedText(text: string, n: number): string {
  const marker = `# edit ${n}\n`;
  return n % 3 === 1 ? `${text}${marker}arch x86_64 {\n  not_an_op_${n} -> nop\n}\n` : `${text}${marker}`;
}

export async function session(client: Client, path: string, text: string, edits: number, sample?: (n: number, rss: number) => void): Promise<void> {
  for (let n = 1; n <= edits; n++) {
    void client.change(path, editedText(text, n));
    await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uri(path) }, position: { line: 0, character: 1 } });
    if (sample && n % 500 === 0) sample(n, rssMb(client.child.pid!));
  }
}
