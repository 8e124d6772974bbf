// A long session must not make the server grow without bound: the largest shipped rule file edited and
// recompiled hundreds of times, with the server's heap capped (a leak of one analysis per edit runs out of
// it) and its resident set compared after a warm-up. bench/lsp/bench.ts runs 5,000 edits for the figures.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { startServer } from './client.js';
import { rssMb, session } from './session.js';

const FILE = resolve('rules/linux/linux-6.1-x86_64.rules');
const HEAP_MB = 160;

it('RSS after 400 more edits stays within a loose bound of the warmed-up server', async () => {
  const client = await startServer(0, [`--max-old-space-size=${HEAP_MB}`]);
  try {
    const text = readFileSync(FILE, 'utf8');
    await client.open(FILE, text);
    await session(client, FILE, text, 100);
    const before = rssMb(client.child.pid!);
    await session(client, FILE, text, 400);
    const after = rssMb(client.child.pid!);
    expect(client.child.exitCode).toBe(null);
    expect(after - before).toBeLessThan(100);
  } finally {
    await client.close();
  }
}, 60_000);
