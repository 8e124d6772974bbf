// Reference bytes from GNU as, computed at test time.
//
// One `as` run per corpus file: every item goes into its own section (.t<N>), so after assembly the
// bytes of item N are exactly the contents of section .t<N>, read straight out of the ELF object.
// GNU deletes the object when any line has an error, so lines with errors are blanked (their section
// stays, empty) and the file is assembled again; diagnostics are mapped back to items by line number.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CorpusBitness, CorpusSyntax } from './corpus-format.js';
import { SHT_REL, SHT_RELA, readElf, readRelocations, type ElfObject } from './elf.js';

const run = promisify(execFile);

/**
 * ok:          assembled silently.
 * error:       GNU rejects the item.
 * warn-refuse: GNU assembles it only after changing a value ("0x1ff shortened to 0xff"): patchc must refuse.
 * warn:        GNU assembles it with some other warning: patchc may refuse, or must produce GNU's bytes.
 */
export type GnuVerdict = 'ok' | 'error' | 'warn-refuse' | 'warn';

export interface GnuItemResult {
  verdict: GnuVerdict;
  /** Present unless verdict is 'error'. */
  bytes?: Uint8Array;
  messages: string[];
  /** GNU left a relocation in the item's section: the bytes alone are not the whole truth. */
  hasRelocations: boolean;
  /**
   * The relocations in patchc's terms (see Relocation in src/asm/types.ts), sorted by offset; undefined
   * when some relocation has a type outside the plain data / pc-relative ones (GOT, TLS, ...).
   */
  relocations?: ComparableReloc[];
}

export interface ComparableReloc {
  offset: number;
  size: number;
  pcRelative: boolean;
  symbol: string;
  addend: number;
}

// ELF relocation type -> field size and pc-relativity. PLT32 is what GNU emits for `call foo`: for a
// block that is placed by patchc, it means the same as PC32.
const X86_64_TYPES: Record<number, [number, boolean]> = { 1: [8, false], 2: [4, true], 4: [4, true], 10: [4, false], 11: [4, false], 12: [2, false], 13: [2, true], 14: [1, false], 15: [1, true], 24: [8, true] };
const I386_TYPES: Record<number, [number, boolean]> = { 1: [4, false], 2: [4, true], 4: [4, true], 20: [2, false], 21: [2, true], 22: [1, false], 23: [1, true] };

function signedLE(bytes: Uint8Array, offset: number, size: number): number {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[offset + i] ?? 0);
  return Number(BigInt.asIntN(size * 8, v));
}

/** Relocations of each .t<N> section, converted to patchc's form; null marks an unsupported type. */
function relocationsBySection(obj: ElfObject): Map<string, ComparableReloc[] | null> {
  const out = new Map<string, ComparableReloc[] | null>();
  const types = obj.is64 ? X86_64_TYPES : I386_TYPES;
  for (const sec of obj.sections) {
    if (sec.type !== SHT_REL && sec.type !== SHT_RELA) continue;
    const target = obj.sections[sec.info];
    if (!target) continue;
    let list: ComparableReloc[] | null = [];
    for (const r of readRelocations(obj, sec)) {
      const t = types[r.type];
      if (!t || list === null) {
        list = null;
        continue;
      }
      const [size, pcRelative] = t;
      // REL keeps the addend in the field itself.
      const addend = r.addend !== undefined ? Number(r.addend) : signedLE(target.bytes, r.offset, size);
      list.push({ offset: r.offset, size, pcRelative, symbol: r.symbol, addend });
    }
    out.set(target.name, list === null ? null : list.sort((a, b) => a.offset - b.offset));
  }
  return out;
}

// Warnings after which GNU's bytes no longer say what the source said.
const VALUE_CHANGING_WARNING = /shortened|truncated|out of range|overflow|too large|does not fit/i;

const SYNTAX_DIRECTIVE: Record<CorpusSyntax, string> = {
  intel: '.intel_syntax noprefix',
  att: '.att_syntax prefix',
  attnp: '.att_syntax noprefix',
};

export interface GnuOptions {
  syntax: CorpusSyntax;
  bitness: CorpusBitness;
  /** Path of the `as` binary; default "as". */
  as?: string;
}

interface Diagnostic {
  line: number;
  kind: 'Error' | 'Warning';
  message: string;
}

function buildSource(items: readonly string[], syntax: CorpusSyntax, blank: ReadonlySet<number>): {
  text: string;
  lineToItem: number[];
} {
  const out: string[] = [SYNTAX_DIRECTIVE[syntax]];
  const lineToItem: number[] = [-1, -1]; // 1-based line numbers; line 1 is the directive.
  items.forEach((item, n) => {
    out.push(`.section .t${n},"ax"`);
    lineToItem.push(n);
    if (blank.has(n)) return;
    for (const l of item.split('\n')) {
      out.push(l);
      lineToItem.push(n);
    }
  });
  return { text: out.join('\n') + '\n', lineToItem };
}

function parseDiagnostics(stderr: string): { diags: Diagnostic[]; unlocated: string[] } {
  const diags: Diagnostic[] = [];
  const unlocated: string[] = [];
  for (const l of stderr.split('\n')) {
    if (l === '' || l.endsWith('Assembler messages:')) continue;
    const m = /:(\d+): (Error|Warning): (.*)$/.exec(l);
    if (m) diags.push({ line: Number(m[1]), kind: m[2] as 'Error' | 'Warning', message: m[3] ?? '' });
    else unlocated.push(l);
  }
  return { diags, unlocated };
}

/** GNU printed a diagnostic it did not tie to a line (e.g. an undefined numeric label `1f`). */
class UnlocatedDiagnostic extends Error {}

export async function gnuAssembleItems(items: readonly string[], opts: GnuOptions): Promise<GnuItemResult[]> {
  try {
    return await assembleOnce(items, opts);
  } catch (e) {
    if (!(e instanceof UnlocatedDiagnostic)) throw e;
    // Find the culprit by halving: a lone item that still gets an unlocated error is an error item.
    if (items.length === 1) return [{ verdict: 'error', messages: [e.message], hasRelocations: false }];
    const mid = Math.ceil(items.length / 2);
    const [a, b] = await Promise.all([gnuAssembleItems(items.slice(0, mid), opts), gnuAssembleItems(items.slice(mid), opts)]);
    return [...a, ...b];
  }
}

async function assembleOnce(items: readonly string[], opts: GnuOptions): Promise<GnuItemResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'patchc-gnu-'));
  try {
    const src = join(dir, 'in.s');
    const obj = join(dir, 'out.o');
    const blank = new Set<number>();
    const messages = new Map<number, string[]>();
    const warnedItems = new Map<number, 'warn' | 'warn-refuse'>();
    for (let attempt = 0; ; attempt++) {
      const { text, lineToItem } = buildSource(items, opts.syntax, blank);
      await writeFile(src, text);
      let stderr: string;
      let failed = false;
      try {
        stderr = (await run(opts.as ?? 'as', [`--${opts.bitness}`, '-o', obj, src], { maxBuffer: 1 << 28 })).stderr;
      } catch (e) {
        const err = e as { stderr?: string; code?: unknown };
        if (err.code === 'ENOENT') throw new Error(`GNU as not found ('${opts.as ?? 'as'}'): the differential tests need binutils`);
        if (typeof err.stderr !== 'string') throw e;
        stderr = err.stderr;
        failed = true;
      }
      const { diags, unlocated } = parseDiagnostics(stderr);
      if (unlocated.length > 0) throw new UnlocatedDiagnostic(unlocated.map((l) => l.replace(/^[^:]*: /, '')).join('; '));
      let newErrors = 0;
      warnedItems.clear();
      for (const d of diags) {
        const n = lineToItem[d.line];
        if (n === undefined || n < 0) throw new Error(`GNU as complained about line ${d.line} outside any item: ${d.message}`);
        if (d.kind === 'Error') {
          if (!blank.has(n)) newErrors++;
          blank.add(n);
          const list = messages.get(n) ?? [];
          list.push(`Error: ${d.message}`);
          messages.set(n, list);
        } else {
          const prev = warnedItems.get(n);
          warnedItems.set(n, prev === 'warn-refuse' || VALUE_CHANGING_WARNING.test(d.message) ? 'warn-refuse' : 'warn');
          if (attempt === 0 || !messages.has(n)) {
            const list = messages.get(n) ?? [];
            list.push(`Warning: ${d.message}`);
            messages.set(n, list);
          }
        }
      }
      if (failed && newErrors === 0) throw new Error(`GNU as failed without a located error:\n${stderr}`);
      if (failed) {
        if (attempt >= 4) throw new Error('GNU as keeps finding new errors; giving up');
        continue;
      }
      const elf = readElf(new Uint8Array(await readFile(obj)));
      const content = new Map<string, Uint8Array>();
      for (const s of elf.sections) content.set(s.name, s.bytes);
      const relocs = relocationsBySection(elf);
      return items.map((_, n): GnuItemResult => {
        const msgs = messages.get(n) ?? [];
        if (blank.has(n)) return { verdict: 'error', messages: msgs, hasRelocations: false };
        const bytes = content.get(`.t${n}`);
        if (bytes === undefined) throw new Error(`section .t${n} missing from GNU output`);
        const rel = relocs.get(`.t${n}`);
        const res: GnuItemResult = {
          verdict: warnedItems.get(n) ?? 'ok',
          bytes: Uint8Array.from(bytes),
          messages: msgs,
          hasRelocations: rel !== undefined,
        };
        if (rel) res.relocations = rel;
        return res;
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function hex(bytes: Uint8Array | undefined): string {
  if (bytes === undefined) return '-';
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
