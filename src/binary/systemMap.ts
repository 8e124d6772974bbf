// System.map: the kernel's symbol list, written by scripts/mksysmap from `nm -n vmlinux`. One symbol per
// line: `<hex address> <nm type letter> <name>`. /proc/kallsyms has the same shape plus an optional
// `[module]` column, which is accepted too. Files may be xz- or gzip-compressed (Debian ships
// System.map-*.xz in some packages); the compression is recognized by its magic, not the file name.

import { promises as fs } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { InputError, type Diagnostic } from '../diag/diagnostic.js';
import { hex, latin1 } from './bytes.js';
import { XZ_MAGIC, hasMagic, unxz } from './decompress.js';
import { kallsymsSymbolTable } from './kallsyms/read.js';
import { ksymtabSymbolTable, withExports } from './ksymtab.js';
import { elfSymbolTable, SymbolTable, type SymbolEntry } from './symbols.js';
import { findSection, sectionsAtVaddr } from './elf/layout.js';
import { SHF_EXECINSTR, type ElfFile } from './elf/types.js';

/** An error in a text input: carries the 1-based line number besides the message. */
export class TextInputError extends InputError {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'InputError';
  }
}

const LINE = /^([0-9A-Fa-f]{1,16})[ \t]+([A-Za-z?])[ \t]+(\S+)(?:[ \t]+\[(\S+)\])?[ \t]*$/;

/** Parses System.map text; blank lines are skipped, anything else malformed is a TextInputError. */
export function parseSystemMap(text: string, fileName: string): SymbolEntry[] {
  const out: SymbolEntry[] = [];
  let line = 0;
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    line++;
    let s = text.slice(pos, nl);
    pos = nl + 1;
    if (s.endsWith('\r')) s = s.slice(0, -1);
    if (s.trim() === '') continue;
    const m = LINE.exec(s);
    if (!m) {
      throw new TextInputError(`malformed System.map line (expected "<hex address> <type> <name>"): ${JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}...` : s)}`, fileName, line);
    }
    const a = m[1]!;
    // Two halves as numbers are cheaper than BigInt parsing a string.
    const address = a.length <= 8 ? BigInt(parseInt(a, 16)) : (BigInt(parseInt(a.slice(0, -8), 16)) << 32n) | BigInt(parseInt(a.slice(-8), 16));
    out.push({ name: m[3]!, address, kind: m[2]! });
  }
  return out;
}

/** Reads a System.map file (plain, .xz or .gz) into a SymbolTable. */
export async function loadSystemMap(path: string): Promise<SymbolTable> {
  let data: Uint8Array;
  try {
    data = await fs.readFile(path);
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (hasMagic(data, 0, XZ_MAGIC)) data = await unxz(data, path);
  else if (hasMagic(data, 0, [0x1f, 0x8b])) {
    try {
      data = gunzipSync(data);
    } catch (e) {
      throw new InputError(`cannot decompress ${path}: ${e instanceof Error ? e.message : String(e)}`, { file: path, offset: 0 });
    }
  }
  return new SymbolTable('system.map', parseSystemMap(latin1(data, 0, data.length), path));
}

export interface SymbolOptions {
  /** A System.map (plain, .xz or .gz) to use when the ELF has no .symtab. */
  systemMap?: string;
}

/**
 * The symbols for `elf`: its .symtab if it has one, else the System.map given, else the kernel's own
 * kallsyms tables (a vmlinux extracted from a vmlinuz has no .symtab, and distributions ship the real
 * System.map only in debug packages) with the exported symbols they lack from __ksymtab (kallsyms without
 * KALLSYMS_ALL has no data symbols), else the export tables alone, else its .dynsym; undefined when there
 * are none. Kernel tables that are there but do not decode are an InputError, not a fall-through: the
 * user should know.
 */
export async function loadSymbols(elf: ElfFile, options: SymbolOptions = {}): Promise<SymbolTable | undefined> {
  if (elf.symtab.length > 1) return elfSymbolTable(elf, 'symtab');
  if (options.systemMap !== undefined) return loadSystemMap(options.systemMap);
  const kallsyms = kallsymsSymbolTable(elf);
  if (kallsyms) return withExports(elf, kallsyms);
  const exports = ksymtabSymbolTable(elf);
  if (exports) return exports;
  if (elf.dynsym.length > 1) return elfSymbolTable(elf, 'dynsym');
  return undefined;
}

/** Symbols the kernel's linker script puts at section starts: a System.map of another build misses them. */
const ANCHORS: readonly [symbol: string, section: string][] = [
  ['_text', '.text'],
  ['__parainstructions', '.parainstructions'],
  ['__alt_instructions', '.altinstructions'],
  ['__bss_start', '.bss'],
];

/**
 * Checks that a System.map belongs to this binary (a map from another build gives wrong addresses, and
 * patching with them corrupts the kernel): section-start symbols must equal their sections' addresses
 * (error), and text symbols must lie in executable sections (a warning past 1% of them, since a few
 * linker-script markers legitimately sit at section ends).
 */
export function checkSymbolsMatch(elf: ElfFile, symbols: SymbolTable): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = { file: elf.fileName, offset: 0 };
  for (const [name, secName] of ANCHORS) {
    const sym = symbols.get(name);
    const sec = findSection(elf, secName);
    if (!sym || !sec) continue;
    if (sym.address !== sec.addr) {
      out.push({
        severity: 'error',
        code: 'symbols-mismatch',
        message: `symbol ${name} is at ${hex(sym.address)} but section ${secName} starts at ${hex(sec.addr)}: the symbols (${symbols.source}) are not from this binary`,
        at,
      });
    }
  }
  let text = 0;
  let outside = 0;
  for (const s of symbols.symbols) {
    if (s.kind !== 'T' && s.kind !== 't') continue;
    text++;
    const secs = sectionsAtVaddr(elf, s.address);
    if (!secs.some((x) => (x.flags & SHF_EXECINSTR) !== 0n)) outside++;
  }
  if (text > 0 && outside * 100 > text) {
    out.push({
      severity: 'warning',
      code: 'symbols-mismatch',
      message: `${outside} of ${text} text symbols (${symbols.source}) are not in an executable section of this binary`,
      at,
    });
  }
  return out;
}
