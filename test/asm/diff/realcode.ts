// Real code for the differential test: objdump's disassembly of binaries on this machine, normalized
// into lines GNU as reassembles. GNU's reassembly (not the original bytes) is the reference, because
// objdump's text does not pin down every encoding choice (e.g. which of two mov opcodes was used).

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { CorpusBitness, CorpusSyntax } from './corpus-format.js';
import { readElfSections } from './elf.js';
import { gnuAssembleItems } from './gnu.js';
import { BRANCH_PREFIXES, normalizeObjdumpInsn } from './objdump-text.js';

export { normalizeObjdumpInsn } from './objdump-text.js';

export interface RealCodeSample {
  name: string;
  binary: string;
  syntax: CorpusSyntax;
  bitness: CorpusBitness;
  /**
   * lines:  distinct single instructions, direct branches dropped;
   * blocks: runs of consecutive instructions assembled together, direct branches whose target lies in
   *         the run turned into labels (so relaxation is exercised on real control flow).
   */
  mode?: 'lines' | 'blocks';
  /** How many items to keep (the first ones in disassembly order). */
  limit: number;
  /**
   * Where in .text to start, as a fraction of its size (default: the beginning). Lets a sample skip the
   * PLT-like stubs at the start of a big library and land in its real code; objdump resynchronizes
   * after the first few bytes if the address falls inside an instruction.
   */
  startAt?: number;
  /** Keep only instructions whose objdump text matches (the AVX-512 samples: zmm, xmm16+, masks...). */
  only?: RegExp;
}

// What only EVEX encodes, as objdump prints it: zmm, xmm16-31/ymm16-31, opmask registers, broadcasts, rounding.
const EVEX_TEXT = /zmm|[xy]mm(1[6-9]|2\d|3[01])|\bk[0-7]\b|%k[0-7]|\{1to|sae\}|BCST/;

const LIB64 = '/usr/lib/x86_64-linux-gnu';

/** Fixed binaries; a sample whose binary is missing on this machine is skipped (and says so). */
export const REALCODE_SAMPLES: RealCodeSample[] = [
  { name: 'ls-att-64', binary: '/usr/bin/ls', syntax: 'att', bitness: 64, limit: 1200 },
  { name: 'ls-intel-64', binary: '/usr/bin/ls', syntax: 'intel', bitness: 64, limit: 1200 },
  { name: 'ls-attnp-64', binary: '/usr/bin/ls', syntax: 'attnp', bitness: 64, limit: 400 },
  { name: 'libz-att-64', binary: `${LIB64}/libz.so.1`, syntax: 'att', bitness: 64, limit: 600 },
  { name: 'libm-intel-64', binary: `${LIB64}/libm.so.6`, syntax: 'intel', bitness: 64, limit: 1200 },
  { name: 'libcrypto-att-64', binary: `${LIB64}/libcrypto.so.3`, syntax: 'att', bitness: 64, limit: 1200, startAt: 0.7 },
  { name: 'libcrypto-intel-64', binary: `${LIB64}/libcrypto.so.3`, syntax: 'intel', bitness: 64, limit: 1000, startAt: 0.5 },
  { name: 'libresolv-att-32', binary: '/usr/lib32/libresolv.so.2', syntax: 'att', bitness: 32, limit: 1000 },
  { name: 'libresolv-intel-32', binary: '/usr/lib32/libresolv.so.2', syntax: 'intel', bitness: 32, limit: 1000 },
  { name: 'ld-att-32', binary: '/usr/lib32/ld-linux.so.2', syntax: 'att', bitness: 32, limit: 600 },
  { name: 'libc-evex-att-64', binary: `${LIB64}/libc.so.6`, syntax: 'att', bitness: 64, limit: 1500, only: EVEX_TEXT },
  { name: 'libc-evex-intel-64', binary: `${LIB64}/libc.so.6`, syntax: 'intel', bitness: 64, limit: 1500, only: EVEX_TEXT },
  { name: 'libcrypto-evex-att-64', binary: `${LIB64}/libcrypto.so.3`, syntax: 'att', bitness: 64, limit: 1000, only: EVEX_TEXT },
  { name: 'ls-att-64-blocks', binary: '/usr/bin/ls', syntax: 'att', bitness: 64, mode: 'blocks', limit: 120 },
  { name: 'ls-intel-64-blocks', binary: '/usr/bin/ls', syntax: 'intel', bitness: 64, mode: 'blocks', limit: 120 },
  { name: 'libresolv-att-32-blocks', binary: '/usr/lib32/libresolv.so.2', syntax: 'att', bitness: 32, mode: 'blocks', limit: 100 },
];

/** Instructions per block in 'blocks' mode. */
const BLOCK_LEN = 24;

export interface ExtractStats {
  seen: number;
  /** Direct branches turned into branches to labels (blocks mode). */
  branchesToLabels: number;
  droppedBranches: number;
  droppedOther: number;
}

interface RawInsn {
  addr: number;
  text: string;
}

/** Runs objdump, handing each instruction line (address, text) to `take` until it returns false. */
function startAddress(s: RealCodeSample): string[] {
  if (!s.startAt) return [];
  const text = readElfSections(new Uint8Array(readFileSync(s.binary))).find((x) => x.name === '.text');
  if (!text) return [];
  return [`--start-address=0x${(text.addr + Math.floor(text.bytes.length * s.startAt)).toString(16)}`];
}

function streamObjdump(s: RealCodeSample, take: (insn: RawInsn) => boolean): Promise<void> {
  const args = ['-d', '--no-show-raw-insn', ...startAddress(s), ...(s.syntax === 'intel' ? ['-M', 'intel'] : []), s.binary];
  return new Promise<void>((resolvePromise, reject) => {
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
        const m = /^\s*([0-9a-f]+):\t(.*)$/.exec(line);
        if (m && !take({ addr: parseInt(m[1] ?? '0', 16), text: m[2] ?? '' })) return finish();
      }
    });
    child.on('error', reject);
    child.on('close', () => finish());
  });
}

const BRANCH_TARGET = new RegExp(`^(${BRANCH_PREFIXES}(?:j[a-z]+|call[lqw]?|loop[a-z]*|xbegin)(?:,p[nt])?)\\s+([0-9a-f]+)$`);

/**
 * Runs of BLOCK_LEN consecutive instructions (objdump's own order). A direct branch into the run becomes
 * `op .Lr<addr>` with the label placed before its target; a branch out of the run is dropped, which is
 * harmless because GNU and patchc assemble the same text.
 */
export async function extractBlocks(s: RealCodeSample): Promise<{ items: string[]; stats: ExtractStats }> {
  if (!existsSync(s.binary)) throw new Error(`${s.binary} not found`);
  const stats: ExtractStats = { seen: 0, branchesToLabels: 0, droppedBranches: 0, droppedOther: 0 };
  const runs: RawInsn[][] = [];
  let run: RawInsn[] = [];
  await streamObjdump(s, (insn) => {
    stats.seen++;
    run.push(insn);
    if (run.length === BLOCK_LEN) {
      runs.push(run);
      run = [];
    }
    return runs.length < s.limit;
  });
  if (runs.length < s.limit && run.length > 0) runs.push(run);

  // Lines GNU cannot reassemble on their own (objdump-only spellings such as `%eiz`) would make the whole
  // block fail; find them with one GNU run over the distinct lines and leave them out.
  const normalized = runs.map((r) => r.map((x) => ({ addr: x.addr, text: normalizeObjdumpInsn(x.text, s.syntax) })));
  const distinct = [...new Set(normalized.flat().map((x) => x.text).filter((t): t is string => t !== null && t !== 'branch'))];
  const gnu = await gnuAssembleItems(distinct, { syntax: s.syntax, bitness: s.bitness });
  const usable = new Set(distinct.filter((_, i) => gnu[i]?.verdict === 'ok' && !gnu[i]?.hasRelocations));

  const items: string[] = [];
  runs.forEach((r, k) => {
    const addrs = new Set(r.map((x) => x.addr));
    const targets = new Set<number>();
    const body: Array<{ addr: number; text: string }> = [];
    r.forEach((x, j) => {
      const t = x.text.replace(/\s+#.*$/, '').replace(/\s*<[^>]*>/g, '').replace(/\s+/g, ' ').trim();
      const b = BRANCH_TARGET.exec(t);
      if (b) {
        const target = parseInt(b[2] ?? '0', 16);
        if (!addrs.has(target)) {
          stats.droppedBranches++;
          return;
        }
        targets.add(target);
        stats.branchesToLabels++;
        body.push({ addr: x.addr, text: `${b[1]} .Lr${target.toString(16)}` });
        return;
      }
      const n = normalized[k]?.[j]?.text;
      if (n === null || n === undefined || n === 'branch' || !usable.has(n)) {
        stats.droppedOther++;
        return;
      }
      body.push({ addr: x.addr, text: n });
    });
    const lines: string[] = [];
    for (const x of body) {
      if (targets.has(x.addr)) {
        lines.push(`.Lr${x.addr.toString(16)}:`);
        targets.delete(x.addr);
      }
      lines.push(x.text);
    }
    // A target whose instruction was left out still needs its label: put it at the end.
    for (const t of [...targets].sort((a, b) => a - b)) lines.push(`.Lr${t.toString(16)}:`);
    if (lines.length > 0) items.push(lines.join('\n'));
  });
  return { items: items.slice(0, s.limit), stats };
}

/**
 * Runs objdump and keeps the first `limit` distinct normalized instructions. objdump is stopped as soon
 * as enough lines were read, so big libraries cost no more than small ones.
 */
export async function extractSample(s: RealCodeSample): Promise<{ items: string[]; stats: ExtractStats }> {
  if (s.mode === 'blocks') return extractBlocks(s);
  if (!existsSync(s.binary)) throw new Error(`${s.binary} not found`);
  const seen = new Set<string>();
  const stats: ExtractStats = { seen: 0, branchesToLabels: 0, droppedBranches: 0, droppedOther: 0 };
  await streamObjdump(s, (insn) => {
    stats.seen++;
    if (s.only && !s.only.test(insn.text)) return true;
    const n = normalizeObjdumpInsn(insn.text, s.syntax);
    if (n === 'branch') stats.droppedBranches++;
    else if (n === null) stats.droppedOther++;
    else seen.add(n);
    return seen.size < s.limit;
  });
  return { items: [...seen].slice(0, s.limit), stats };
}
