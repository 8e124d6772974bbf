// Synthetic kallsyms tables for tests, laid out and encoded as the kernel's scripts/kallsyms.c
// (write_src) writes them in Linux 6.1 and 6.12, built into a stripped ELF by GNU as and ld. The token
// compression is a greedy pair merge of our own (the format does not depend on how the tokens were
// chosen, only on the table expanding them).

import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, readBytes, run } from './fixtures.js';

export interface SynthSymbol {
  name: string;
  kind: string;
  address: bigint;
  /** A per-CPU symbol under --absolute-percpu: its address is stored as is. */
  absolute?: boolean;
}

export type SynthLayout = '6.1' | '6.1-noseqs' | '6.12';
export type SynthEncoding = 'absolute' | 'base-relative' | 'base-relative, absolute percpu';

export interface SynthTables {
  blob: Uint8Array;
  /** Offsets in the blob. */
  at: Record<'numSyms' | 'names' | 'markers' | 'tokenTable' | 'tokenIndex' | 'addresses', number> & { relativeBase?: number; seqsOfNames?: number };
  /** Offset in the blob of each symbol's names entry. */
  entries: number[];
}

function tokenize(seqs: number[][]): Uint8Array[] {
  const tokens: (Uint8Array | undefined)[] = new Array(256);
  for (const s of seqs) for (const c of s) tokens[c] = Uint8Array.of(c);
  for (let slot = 255; slot >= 0; slot--) {
    if (tokens[slot]) continue;
    const count = new Map<number, number>();
    for (const s of seqs) for (let i = 0; i + 1 < s.length; i++) count.set(s[i]! * 256 + s[i + 1]!, (count.get(s[i]! * 256 + s[i + 1]!) ?? 0) + 1);
    let best = -1;
    let bestCount = 0;
    for (const [k, v] of count) if (v > bestCount || (v === bestCount && k < best)) [best, bestCount] = [k, v];
    if (bestCount === 0) break;
    const a = best >> 8;
    const b = best & 0xff;
    tokens[slot] = Uint8Array.from([...tokens[a]!, ...tokens[b]!]);
    for (const s of seqs) {
      for (let i = 0; i + 1 < s.length; i++) if (s[i] === a && s[i + 1] === b) s.splice(i, 2, slot);
    }
  }
  return Array.from(tokens, (t) => t ?? new Uint8Array(0));
}

class Blob {
  bytes: number[] = [];
  constructor(readonly ptrSize: number) {}
  label(): number {
    while (this.bytes.length % this.ptrSize) this.bytes.push(0);
    return this.bytes.length;
  }
  u(v: bigint | number, size: number): void {
    let x = BigInt.asUintN(size * 8, BigInt(v));
    for (let i = 0; i < size; i++, x >>= 8n) this.bytes.push(Number(x & 0xffn));
  }
}

/** The tables for `symbols` (in address order), in a version's layout and one address encoding. */
export function encodeKallsyms(symbols: readonly SynthSymbol[], layout: SynthLayout, encoding: SynthEncoding, ptrSize: 4 | 8): SynthTables {
  const n = symbols.length;
  const seqs = symbols.map((s) => Array.from(s.kind + s.name, (c) => c.charCodeAt(0)));
  const tokens = tokenize(seqs);
  const b = new Blob(ptrSize);
  const at: Partial<SynthTables['at']> = {};
  const entries: number[] = [];
  const addresses = () => {
    at.addresses = b.label();
    if (encoding === 'absolute') {
      for (const s of symbols) b.u(s.address, ptrSize);
      return;
    }
    const base = symbols.find((s) => !s.absolute)!.address;
    for (const s of symbols) {
      if (encoding === 'base-relative') b.u(s.address - base, 4);
      else b.u(s.absolute ? s.address : base - s.address - 1n, 4);
    }
    at.relativeBase = b.label();
    b.u(base, ptrSize);
  };
  const names = () => {
    at.numSyms = b.label();
    b.u(n, 4);
    at.names = b.label();
    const markers: number[] = [];
    seqs.forEach((s, i) => {
      if ((i & 0xff) === 0) markers.push(b.bytes.length - at.names!);
      entries.push(b.bytes.length);
      if (s.length <= 0x7f) b.bytes.push(s.length);
      else b.bytes.push((s.length & 0x7f) | 0x80, s.length >> 7);
      b.bytes.push(...s);
    });
    at.markers = b.label();
    for (const m of markers) b.u(m, 4);
  };
  const seqsOfNames = () => {
    at.seqsOfNames = b.label();
    const order = symbols.map((_, i) => i);
    order.sort((x, y) => {
      const p = symbols[x]!;
      const q = symbols[y]!;
      if (p.name !== q.name) return p.name < q.name ? -1 : 1;
      if (p.address !== q.address) return p.address < q.address ? -1 : 1;
      return x - y;
    });
    for (const i of order) b.bytes.push((i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
  };
  const tokenTables = () => {
    at.tokenTable = b.label();
    const idx: number[] = [];
    for (const t of tokens) {
      idx.push(b.bytes.length - at.tokenTable!);
      b.bytes.push(...t, 0);
    }
    at.tokenIndex = b.label();
    for (const i of idx) b.u(i, 2);
  };
  if (layout === '6.12') {
    names();
    tokenTables();
    addresses();
    seqsOfNames();
  } else {
    addresses();
    names();
    if (layout === '6.1') seqsOfNames();
    tokenTables();
  }
  b.label();
  return { blob: Uint8Array.from(b.bytes), at: at as SynthTables['at'], entries };
}

export const TEXT_BASE = { 8: 0xffffffff81000000n, 4: 0xc1000000n } as const;
/** Bytes of .rodata before the tables (so that they do not start the section). */
export const RODATA_LEAD = 4096;

/** A stripped ELF whose .rodata holds `blob` after RODATA_LEAD bytes of other data. */
export function buildKallsymsElf(blob: Uint8Array, ptrSize: 4 | 8): Uint8Array {
  const { dir, cleanup } = makeTempDir('patchc-kallsyms-');
  try {
    const lines = ['.globl _start', '.text', '_start:', '.fill 0x10000, 1, 0x90', '.section .rodata, "a"', '.balign 8', `.fill ${RODATA_LEAD}, 1, 0x5a`];
    for (let i = 0; i < blob.length; i += 32) lines.push(`.byte ${Array.from(blob.subarray(i, i + 32)).join(',')}`);
    lines.push('.fill 4096, 1, 0xa5', '');
    writeFileSync(path.join(dir, 'k.s'), lines.join('\n'));
    run('as', [ptrSize === 8 ? '--64' : '--32', path.join(dir, 'k.s'), '-o', path.join(dir, 'k.o')]);
    run('ld', ['-m', ptrSize === 8 ? 'elf_x86_64' : 'elf_i386', '-s', `-Ttext=0x${TEXT_BASE[ptrSize].toString(16)}`, path.join(dir, 'k.o'), '-o', path.join(dir, 'k')]);
    return readBytes(path.join(dir, 'k'));
  } finally {
    cleanup();
  }
}

/** Deterministic symbols: aliases, duplicate local names, names long enough for two-byte lengths, per-CPU symbols. */
export function synthSymbols(count: number, ptrSize: 4 | 8, percpu: boolean): SynthSymbol[] {
  let seed = 12345;
  const rnd = (k: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % k;
  };
  const words = ['init', 'read', 'write', 'page', 'irq', 'lock', 'sched', 'net', 'dev', 'queue', 'alloc', 'free'];
  const kinds = ['T', 't', 't', 'T', 'D', 'd', 'r', 'R', 'b', 'B', 'W'];
  const out: SynthSymbol[] = [];
  if (percpu) for (let i = 0; i < 12; i++) out.push({ name: `percpu_var_${i}`, kind: 'A', address: BigInt(i * 0x40), absolute: true });
  let addr = TEXT_BASE[ptrSize];
  out.push({ name: '_text', kind: 'T', address: addr });
  for (let i = out.length; i < count; i++) {
    let name = `${words[rnd(words.length)]}_${words[rnd(words.length)]}_${i}`;
    if (i % 97 === 5) name = '__func__.0';
    if (i === 300 || i === 301) name = Array.from({ length: 420 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789_'[rnd(37)]).join('');
    out.push({ name, kind: kinds[rnd(kinds.length)]!, address: addr });
    if (rnd(5) !== 0) addr += BigInt(1 + rnd(60));
  }
  return out;
}
