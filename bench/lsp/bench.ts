// Figures for issue 15: time from an edit to fresh diagnostics on the largest shipped rule file, and the
// language server's memory over a long simulated session. Run: npm run bench:lsp [-- EDITS]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startServer } from '../../test/lsp/client.js';
import { DEFAULT_DEBOUNCE_MS } from '../../src/lsp/server.js';
import { editedText, rssMb, session } from '../../test/lsp/session.js';

const root = new URL('../../', import.meta.url).pathname;
process.chdir(root);
const edits = Number(process.argv[2] ?? 5000);

function ruleFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? ruleFiles(p) : n.endsWith('.rules') ? [p] : [];
  });
}
const largest = [...ruleFiles('rules'), ...ruleFiles('examples')].sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
const path = resolve(largest);
const text = readFileSync(path, 'utf8');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}`);
console.log(`largest shipped rule file: ${largest} (${text.length} bytes, ${text.split('\n').length - 1} lines, with its imports)`);

for (const debounce of [0, DEFAULT_DEBOUNCE_MS]) {
  const client = await startServer(debounce);
  await client.open(path, text);
  const times: number[] = [];
  for (let n = 1; n <= 30; n++) {
    const t0 = performance.now();
    await client.change(path, editedText(text, n));
    times.push(performance.now() - t0);
  }
  console.log(`didChange -> publishDiagnostics, debounce ${debounce} ms: median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms (30 edits)`);
  await client.close();
}

const client = await startServer(0);
await client.open(path, text);
await session(client, path, text, 200);
const before = rssMb(client.child.pid!);
const t0 = performance.now();
console.log(`session of ${edits} edits (each compiled; every third adds an error, the next removes it):`);
console.log(`  server RSS after warm-up (200 edits): ${before.toFixed(1)} MB`);
await session(client, path, text, edits, (n, rss) => console.log(`  after ${n} edits: ${rss.toFixed(1)} MB`));
const after = rssMb(client.child.pid!);
console.log(`  growth: ${(after - before).toFixed(1)} MB over ${edits} edits; ${((performance.now() - t0) / edits).toFixed(1)} ms per edit`);
await client.close();
