// Test fixtures: small ELF files built at test time with GNU as/ld/gcc, and parsers for `readelf -W`
// output, which is the outside reference the parsed view is compared against.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedKernelDir = path.resolve(repoRoot, '../shared/linux/6.1.0-56-cloud-amd64');
export const haveSharedKernel = existsSync(path.join(sharedKernelDir, 'vmlinuz-6.1.0-56-cloud-amd64'));

export function run(cmd: string, args: string[], input?: Uint8Array): Buffer {
  return execFileSync(cmd, args, { input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Like run, but returns stdout whatever the exit status (lz4 -dc fails on data after the frame). */
export function runAnyStatus(cmd: string, args: string[], input?: Uint8Array): Buffer {
  const r = spawnSync(cmd, args, { input, maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  return r.stdout;
}

export function makeTempDir(prefix = 'patchc-binary-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// A program with code, read-only data, a .parainstructions-like table, data, bss, local and global
// symbols, and a sized function.
const ASM = `
.globl _start, data_word, helper
.text
_start:
  call helper
  call *pv_slot
  mov $60, %eax
  ret
helper:
  nop
  ret
.type helper, @function
.size helper, .-helper
.section .rodata
msg: .asciz "hello"
.data
data_word: .long 0x12345678
pv_slot: .long helper
.type data_word, @object
.size data_word, 4
.bss
buf: .space 64
.section .parainstructions,"a"
.long _start
.byte 1, 6
`;

const LIB_C = 'int counter = 3;\nint bump(int x) { return x + counter++; }\nstatic int hidden(void) { return 7; }\nint (*fp)(void) = hidden;\n';

export interface Fixtures {
  /** Where the built fixtures live: shared between test files, never written by tests. */
  dir: string;
  /** A fresh directory for this test file's outputs. */
  scratch: string;
  elf32exec: string;
  elf64exec: string;
  elf32rel: string;
  elf64rel: string;
  /** A gcc-built shared object: .dynsym, many section types, RELRO etc. */
  so64: string;
  cleanup: () => void;
}

/**
 * Builds the fixtures once per machine and source version (several test files run in parallel and each
 * toolchain run costs hundreds of milliseconds): built in a private directory, then renamed into place;
 * whoever loses the rename race uses the winner's copy.
 */
export function buildFixtures(): Fixtures {
  const key = createHash('sha256').update(ASM).update(LIB_C).update(run('ld', ['--version']).subarray(0, 80)).digest('hex').slice(0, 16);
  const dir = path.join(tmpdir(), `patchc-binary-fixtures-${key}`);
  const p = (n: string): string => path.join(dir, n);
  if (!existsSync(path.join(dir, 'done'))) {
    const { dir: build, cleanup } = makeTempDir('patchc-binary-build-');
    const b = (n: string): string => path.join(build, n);
    writeFileSync(b('prog.s'), ASM);
    run('as', ['--32', b('prog.s'), '-o', b('prog32.o')]);
    run('ld', ['-m', 'elf_i386', b('prog32.o'), '-o', b('prog32')]);
    run('as', ['--64', b('prog.s'), '-o', b('prog64.o')]);
    run('ld', ['-m', 'elf_x86_64', b('prog64.o'), '-o', b('prog64')]);
    writeFileSync(b('lib.c'), LIB_C);
    run('gcc', ['-shared', '-fPIC', '-O1', b('lib.c'), '-o', b('lib.so')]);
    writeFileSync(b('done'), '');
    try {
      renameSync(build, dir);
    } catch {
      cleanup();
      if (!existsSync(path.join(dir, 'done'))) throw new Error(`cannot build test fixtures in ${dir}`);
    }
  }
  const { dir: scratch, cleanup } = makeTempDir();
  return { dir, scratch, elf32exec: p('prog32'), elf64exec: p('prog64'), elf32rel: p('prog32.o'), elf64rel: p('prog64.o'), so64: p('lib.so'), cleanup };
}

/**
 * A relocatable object with 65,300 sections: more than e_shnum can hold, so it uses extended numbering
 * (e_shnum 0, e_shstrndx SHN_XINDEX) and its last symbol needs .symtab_shndx. Cached like buildFixtures.
 */
export function buildManySections(): string {
  let asm = '.globl last\n';
  for (let i = 0; i < 65300; i++) asm += `.section s${i},"a"\n.byte 1\n`;
  asm += 'last: .byte 2\n';
  const key = createHash('sha256').update(asm).update(run('as', ['--version']).subarray(0, 80)).digest('hex').slice(0, 16);
  const file = path.join(tmpdir(), `patchc-binary-many-${key}.o`);
  if (!existsSync(file)) {
    const { dir, cleanup } = makeTempDir('patchc-binary-build-');
    writeFileSync(path.join(dir, 'many.s'), asm);
    run('as', ['--64', path.join(dir, 'many.s'), '-o', path.join(dir, 'many.o')]);
    renameSync(path.join(dir, 'many.o'), file);
    cleanup();
  }
  return file;
}

export function readBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(file));
}

// ---- readelf -W output parsers ----

export interface RefSection {
  index: number;
  name: string;
  type: string;
  addr: bigint;
  offset: number;
  size: bigint;
  entsize: bigint;
  flags: string;
  link: number;
  info: number;
  align: bigint;
}

/** `readelf -S -W`. Names sit at a fixed column (after "[Nr] "); a blank there is an empty name. */
export function readelfSections(file: string): RefSection[] {
  const text = run('readelf', ['-S', '-W', file]).toString('latin1');
  const out: RefSection[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*\[\s*(\d+)\] (.*)$/.exec(line);
    if (!m) continue;
    const rest = m[2]!;
    let name = '';
    let tail = rest;
    if (!rest.startsWith(' ')) {
      const sp = rest.indexOf(' ');
      name = rest.slice(0, sp);
      tail = rest.slice(sp);
    }
    const t = tail.trim().split(/\s+/);
    if (t.length !== 8 && t.length !== 9) throw new Error(`unexpected readelf line: ${line}`);
    const flags = t.length === 9 ? t[5]! : '';
    const [lk, inf, al] = t.slice(-3);
    out.push({
      index: Number(m[1]),
      name,
      type: t[0]!,
      addr: BigInt(`0x${t[1]}`),
      offset: parseInt(t[2]!, 16),
      size: BigInt(`0x${t[3]}`),
      entsize: BigInt(`0x${t[4]}`),
      flags,
      link: Number(lk),
      info: Number(inf),
      align: BigInt(al!),
    });
  }
  return out;
}

export interface RefSegment {
  type: string;
  offset: number;
  vaddr: bigint;
  paddr: bigint;
  filesz: number;
  memsz: bigint;
  flags: string;
  align: bigint;
}

/** `readelf -l -W`: the Program Headers table. */
export function readelfSegments(file: string): RefSegment[] {
  const text = run('readelf', ['-l', '-W', file]).toString('latin1');
  const out: RefSegment[] = [];
  let inTable = false;
  for (const line of text.split('\n')) {
    if (/^\s*Type\s+Offset/.test(line)) {
      inTable = true;
      continue;
    }
    if (!inTable) continue;
    if (line.trim() === '' || /Section to Segment/.test(line)) break;
    if (/^\s*\[/.test(line)) continue; // [Requesting program interpreter: ...]
    const t = line.trim().split(/\s+/);
    out.push({
      type: t[0]!,
      offset: parseInt(t[1]!, 16),
      vaddr: BigInt(t[2]!),
      paddr: BigInt(t[3]!),
      filesz: parseInt(t[4]!, 16),
      memsz: BigInt(t[5]!),
      flags: t.slice(6, -1).join(''),
      align: BigInt(t[t.length - 1]!),
    });
  }
  return out;
}

export interface RefSymbol {
  num: number;
  value: bigint;
  size: bigint;
  type: string;
  bind: string;
  vis: string;
  ndx: string;
  name: string;
}

/** `readelf -s -W`, per table name ('.symtab', '.dynsym'). Version suffixes (@GLIBC...) are dropped. */
export function readelfSymbols(file: string): Map<string, RefSymbol[]> {
  const text = run('readelf', ['-s', '-W', file]).toString('latin1');
  const out = new Map<string, RefSymbol[]>();
  let current: RefSymbol[] | undefined;
  for (const line of text.split('\n')) {
    const h = /^Symbol table '([^']+)'/.exec(line);
    if (h) {
      current = [];
      out.set(h[1]!, current);
      continue;
    }
    const m = /^\s*(\d+): ([0-9a-f]+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s?(.*)$/.exec(line);
    if (!m || !current) continue;
    const size = m[3]!.startsWith('0x') ? BigInt(m[3]!) : BigInt(m[3]!);
    current.push({
      num: Number(m[1]),
      value: BigInt(`0x${m[2]}`),
      size,
      type: m[4]!,
      bind: m[5]!,
      vis: m[6]!,
      ndx: m[7]!,
      name: m[8]!.replace(/@.*$/, '').trim(),
    });
  }
  return out;
}

export interface RefHeader {
  type: string;
  machine: string;
  entry: bigint;
  phoff: number;
  shoff: number;
  phnum: number;
  shnum: number;
  shstrndx: number;
}

export function readelfHeader(file: string): RefHeader {
  const text = run('readelf', ['-h', '-W', file]).toString('latin1');
  const field = (label: string): string => {
    const m = new RegExp(`^\\s*${label}:\\s*(.*)$`, 'm').exec(text);
    if (!m) throw new Error(`readelf -h: no ${label}`);
    return m[1]!.trim();
  };
  return {
    type: field('Type').split(' ')[0]!,
    machine: field('Machine'),
    entry: BigInt(field('Entry point address')),
    phoff: parseInt(field('Start of program headers'), 10),
    shoff: parseInt(field('Start of section headers'), 10),
    phnum: parseInt(field('Number of program headers'), 10),
    shnum: parseInt(field('Number of section headers'), 10),
    shstrndx: parseInt(field('Section header string table index'), 10),
  };
}
