// GNU's own spelling of machine code: objdump over one flat binary holding every instance, each followed
// by NOPs. The NOPs bound the damage when objdump reads an instance with a different length than iced
// (the next instruction objdump starts within 15 bytes, so it is back in step before the next instance).

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Bitness } from './candidate.js';

const run = promisify(execFile);
const PAD = 15;

export interface Spelled {
  /** objdump's text (address comments and symbols still in it), or null. */
  text: string | null;
  /** Why there is no text: objdump read another length, or printed (bad). */
  why?: string;
}

export async function objdumpSpell(instances: readonly Uint8Array[], bits: Bitness, intel: boolean): Promise<Spelled[]> {
  const offsets: number[] = [];
  let size = 0;
  for (const b of instances) {
    offsets.push(size);
    size += b.length + PAD;
  }
  const blob = new Uint8Array(size).fill(0x90);
  instances.forEach((b, i) => blob.set(b, offsets[i]));
  const dir = await mkdtemp(join(tmpdir(), 'patchc-codetable-'));
  try {
    const file = join(dir, 'code.bin');
    await writeFile(file, blob);
    const args = ['-D', '-b', 'binary', '-m', bits === 64 ? 'i386:x86-64' : 'i386', '--insn-width=16', ...(intel ? ['-M', 'intel'] : []), file];
    const { stdout } = await run('objdump', args, { maxBuffer: 1 << 30 });
    const at = new Map<number, { len: number; text: string }>();
    for (const line of stdout.split('\n')) {
      const m = /^\s*([0-9a-f]+):\t([0-9a-f ]+)\t(.*)$/.exec(line);
      if (!m) continue;
      at.set(parseInt(m[1] ?? '', 16), { len: (m[2] ?? '').trim().split(/\s+/).length, text: (m[3] ?? '').trim() });
    }
    return instances.map((b, i): Spelled => {
      const o = at.get(offsets[i] ?? -1);
      if (!o) return { text: null, why: 'objdump out of step' };
      if (o.len !== b.length) return { text: null, why: `objdump reads ${o.len} bytes, iced ${b.length}` };
      if (o.text.includes('(bad)')) return { text: null, why: 'objdump: (bad)' };
      return { text: o.text };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function objdumpVersion(): Promise<string> {
  return ((await run('objdump', ['--version'])).stdout.split('\n')[0] ?? '').trim();
}
