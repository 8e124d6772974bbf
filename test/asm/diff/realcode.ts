// Real code for the differential test: objdump's disassembly of binaries on this machine, normalized
// into lines GNU as reassembles. GNU's reassembly (not the original bytes) is the reference, because
// objdump's text does not pin down every encoding choice (e.g. which of two mov opcodes was used).

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { CorpusBitness, CorpusSyntax } from './corpus-format.js';

export interface RealCodeSample {
  name: string;
  binary: string;
  syntax: CorpusSyntax;
  bitness: CorpusBitness;
  /** How many distinct instructions to keep (the first ones in disassembly order). */
  limit: number;
}

const LIB64 = '/usr/lib/x86_64-linux-gnu';

/** Fixed binaries; a sample whose binary is missing on this machine is skipped (and says so). */
export const REALCODE_SAMPLES: RealCodeSample[] = [
  { name: 'ls-att-64', binary: '/usr/bin/ls', syntax: 'att', bitness: 64, limit: 3000 },
  { name: 'ls-intel-64', binary: '/usr/bin/ls', syntax: 'intel', bitness: 64, limit: 3000 },
  { name: 'ls-attnp-64', binary: '/usr/bin/ls', syntax: 'attnp', bitness: 64, limit: 1000 },
  { name: 'libz-att-64', binary: `${LIB64}/libz.so.1`, syntax: 'att', bitness: 64, limit: 2000 },
  { name: 'libm-intel-64', binary: `${LIB64}/libm.so.6`, syntax: 'intel', bitness: 64, limit: 3000 },
  { name: 'libcrypto-att-64', binary: `${LIB64}/libcrypto.so.3`, syntax: 'att', bitness: 64, limit: 3000 },
  { name: 'libresolv-att-32', binary: '/usr/lib32/libresolv.so.2', syntax: 'att', bitness: 32, limit: 3000 },
  { name: 'libresolv-intel-32', binary: '/usr/lib32/libresolv.so.2', syntax: 'intel', bitness: 32, limit: 3000 },
  { name: 'ld-att-32', binary: '/usr/lib32/ld-linux.so.2', syntax: 'att', bitness: 32, limit: 2000 },
];

export interface ExtractStats {
  seen: number;
  droppedBranches: number;
  droppedOther: number;
}

// Direct branches print an absolute target (`jne 4012 <x>`), which as would turn into a relocation
// against an absolute address; they are covered by the corpus's label blocks instead.
const DIRECT_BRANCH = /^(?:(?:bnd|notrack|ds|cs)\s+)*(?:j[a-z]+|call[lqw]?|loop[a-z]*|xbegin)\s+[0-9a-f]+$/;

/** One objdump instruction line -> the text to assemble, or null when it cannot be reassembled. */
export function normalizeObjdumpInsn(text: string, syntax: CorpusSyntax): string | 'branch' | null {
  let t = text.replace(/\s+#.*$/, '').replace(/\s*<[^>]*>/g, '').replace(/\s+/g, ' ').trim();
  if (t === '' || t.includes('(bad)') || t.startsWith('.')) return null;
  if (DIRECT_BRANCH.test(t)) return 'branch';
  if (syntax === 'attnp') t = t.replaceAll('%', '');
  return t;
}

/**
 * Runs objdump and keeps the first `limit` distinct normalized instructions. objdump is stopped as soon
 * as enough lines were read, so big libraries cost no more than small ones.
 */
export async function extractSample(s: RealCodeSample): Promise<{ items: string[]; stats: ExtractStats }> {
  if (!existsSync(s.binary)) throw new Error(`${s.binary} not found`);
  const args = ['-d', '--no-show-raw-insn', ...(s.syntax === 'intel' ? ['-M', 'intel'] : []), s.binary];
  const seen = new Set<string>();
  const stats: ExtractStats = { seen: 0, droppedBranches: 0, droppedOther: 0 };
  await new Promise<void>((resolvePromise, reject) => {
    const child = spawn('objdump', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      child.kill();
      resolvePromise();
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (done) return;
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^\s*[0-9a-f]+:\t(.*)$/.exec(line);
        if (!m) continue;
        stats.seen++;
        const n = normalizeObjdumpInsn(m[1] ?? '', s.syntax);
        if (n === 'branch') stats.droppedBranches++;
        else if (n === null) stats.droppedOther++;
        else seen.add(n);
        if (seen.size >= s.limit) return finish();
      }
    });
    child.on('error', reject);
    child.on('close', () => finish());
  });
  return { items: [...seen].slice(0, s.limit), stats };
}
