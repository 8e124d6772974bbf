// ELF inputs to `patchc apply`: the committed demo binaries (examples/paravirt/bin/demo-{x86_64,i386}) with
// examples/paravirt/paravirt-demo.rules, truncated at header boundaries and at random points, with lying
// header fields (offsets, sizes, counts), sections past the end or overlapping, garbage site tables and
// ops tables, string tables without terminators, huge counts in tiny files.
//
// The property: the CLI returns (no exception); exit 0 (sites refused are reported) with an output of the
// input's length, or exit 2 with an error message (and then no output file at all); never exit 1 without
// --strict; the input file is byte-for-byte unchanged; no temporary file is left. (The ELF reader's own
// malformed-input tests are test/binary/elf-malformed.test.ts; this runs the whole command.)
import fc from 'fast-check';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseElf } from '../../src/binary/elf/read.js';
import type { ElfFile } from '../../src/binary/elf/types.js';
import { cli, describeThrown, repoRoot, sha256, strayTemps } from './harness.js';

export const DEMO_RULES = join(repoRoot, 'examples/paravirt/paravirt-demo.rules');
export const DEMO_BINS = { x86_64: join(repoRoot, 'examples/paravirt/bin/demo-x86_64'), i386: join(repoRoot, 'examples/paravirt/bin/demo-i386') } as const;
export type DemoArch = keyof typeof DEMO_BINS;

const EHDR = {
  32: { class: 4, data: 5, type: 16, machine: 18, phoff: 28, shoff: 32, ehsize: 40, phentsize: 42, phnum: 44, shentsize: 46, shnum: 48, shstrndx: 50 },
  64: { class: 4, data: 5, type: 16, machine: 18, phoff: 32, shoff: 40, ehsize: 52, phentsize: 54, phnum: 56, shentsize: 58, shnum: 60, shstrndx: 62 },
} as const;
const EHDR_W = { class: 1, data: 1, type: 2, machine: 2, phoff: 0, shoff: 0, ehsize: 2, phentsize: 2, phnum: 2, shentsize: 2, shnum: 2, shstrndx: 2 } as const;
const SHDR = {
  32: { name: [0, 4], type: [4, 4], flags: [8, 4], addr: [12, 4], offset: [16, 4], size: [20, 4], link: [24, 4], info: [28, 4], addralign: [32, 4], entsize: [36, 4] },
  64: { name: [0, 4], type: [4, 4], flags: [8, 8], addr: [16, 8], offset: [24, 8], size: [32, 8], link: [40, 4], info: [44, 4], addralign: [48, 8], entsize: [56, 8] },
} as const;
const PHDR = {
  32: { type: [0, 4], offset: [4, 4], vaddr: [8, 4], filesz: [16, 4], memsz: [20, 4], flags: [24, 4] },
  64: { type: [0, 4], flags: [4, 4], offset: [8, 8], vaddr: [16, 8], filesz: [32, 8], memsz: [40, 8] },
} as const;

type EhdrField = keyof (typeof EHDR)[32];
type ShdrField = keyof (typeof SHDR)[32];
type PhdrField = keyof (typeof PHDR)[32];

/** Values a lying field takes: edges, and values relative to the file ('len', 'len-1', 'orig+1', ...). */
export type FieldValue = { abs: bigint } | { rel: 'len' | 'len-1' | 'len+1' | 'orig+1' | 'orig-1' | 'orig*2' | 'half' };
const arbValue: fc.Arbitrary<FieldValue> = fc.oneof(
  fc.constantFrom(0n, 1n, 2n, 0x7fn, 0xffn, 0x100n, 0x7fffn, 0xffffn, 0x10000n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0xffffffffffffffffn, 0x20000000000000n).map((abs) => ({ abs })),
  fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }).map((abs) => ({ abs })),
  fc.constantFrom('len' as const, 'len-1' as const, 'len+1' as const, 'orig+1' as const, 'orig-1' as const, 'orig*2' as const, 'half' as const).map((rel) => ({ rel })),
);

export type ElfMutation =
  | { kind: 'truncate'; boundary: number }
  | { kind: 'truncateAt'; fraction: number }
  | { kind: 'ehdr'; field: EhdrField; value: FieldValue }
  | { kind: 'shdr'; sec: number; field: ShdrField; value: FieldValue }
  | { kind: 'phdr'; ph: number; field: PhdrField; value: FieldValue }
  | { kind: 'sites'; at: number; bytes: number[] }
  | { kind: 'sitesFill'; byte: number }
  | { kind: 'section'; name: '.data' | '.text' | '.symtab' | '.strtab' | '.shstrtab' | '.rodata'; at: number; bytes: number[] }
  | { kind: 'unterminate'; name: '.strtab' | '.shstrtab' | '.dynstr' }
  | { kind: 'overlap'; a: number; b: number }
  | { kind: 'pastEnd'; sec: number; back: number }
  | { kind: 'hugeCount'; keep: number; which: 'sh' | 'ph' | 'both' };

export interface ElfCase {
  arch: DemoArch;
  muts: ElfMutation[];
}

const arbBytes = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 48 });

export const arbElfMutation: fc.Arbitrary<ElfMutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('truncate' as const), boundary: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncateAt' as const), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('ehdr' as const), field: fc.constantFrom(...(Object.keys(EHDR[32]) as EhdrField[])), value: arbValue }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('shdr' as const), sec: fc.nat(), field: fc.constantFrom(...(Object.keys(SHDR[32]) as ShdrField[])), value: arbValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('phdr' as const), ph: fc.nat(), field: fc.constantFrom(...(Object.keys(PHDR[32]) as PhdrField[])), value: arbValue }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('sites' as const), at: fc.nat(), bytes: arbBytes }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sitesFill' as const), byte: fc.constantFrom(0, 0xff, 0x41, 0x80) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('section' as const), name: fc.constantFrom('.data' as const, '.text' as const, '.symtab' as const, '.strtab' as const, '.shstrtab' as const, '.rodata' as const), at: fc.nat(), bytes: arbBytes }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unterminate' as const), name: fc.constantFrom('.strtab' as const, '.shstrtab' as const, '.dynstr' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('overlap' as const), a: fc.nat(), b: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('pastEnd' as const), sec: fc.nat(), back: fc.integer({ min: 0, max: 64 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('hugeCount' as const), keep: fc.integer({ min: 0, max: 400 }), which: fc.constantFrom('sh' as const, 'ph' as const, 'both' as const) }) },
);

export const arbElfCase: fc.Arbitrary<ElfCase> = fc.record({
  arch: fc.constantFrom('x86_64' as const, 'i386' as const),
  muts: fc.array(arbElfMutation, { minLength: 1, maxLength: 3 }),
});

interface Base {
  data: Uint8Array;
  elf: ElfFile;
  boundaries: number[];
}
const bases = new Map<DemoArch, Base>();

/** Every place a truncation loses something the headers declare: header fields, tables, section ends. */
function boundaries(elf: ElfFile, len: number): number[] {
  const h = elf.header;
  const set = new Set<number>();
  const around = (n: number): void => [n - 1, n, n + 1].forEach((c) => c >= 0 && c < len && set.add(c));
  for (const f of Object.values(EHDR[h.class])) around(f);
  around(h.ehsize);
  for (let i = 0; i <= h.phnum; i++) around(h.phoff + i * h.phentsize);
  for (let i = 0; i <= h.shnum; i++) around(h.shoff + i * h.shentsize);
  for (const s of elf.sections) if (s.fileSize > 0) (around(s.offset), around(s.offset + s.fileSize));
  for (const p of elf.programHeaders) (around(p.offset), around(p.offset + p.filesz));
  const sites = elf.sections.find((s) => s.name === '.pv_sites');
  if (sites) for (let o = 0; o <= sites.fileSize; o += 4) set.add(sites.offset + o);
  return [...set].sort((a, b) => a - b);
}

export function base(arch: DemoArch): Base {
  let b = bases.get(arch);
  if (!b) {
    const data = new Uint8Array(readFileSync(DEMO_BINS[arch]));
    const elf = parseElf(data, arch);
    bases.set(arch, (b = { data, elf, boundaries: boundaries(elf, data.length) }));
  }
  return b;
}

function put(d: Uint8Array, at: number, width: number, v: bigint): void {
  for (let i = 0; i < width && at + i < d.length; i++) if (at + i >= 0) d[at + i] = Number((v >> BigInt(8 * i)) & 0xffn);
}
function get(d: Uint8Array, at: number, width: number): bigint {
  let v = 0n;
  for (let i = width - 1; i >= 0; i--) v = (v << 8n) | BigInt(d[at + i] ?? 0);
  return v;
}
function resolveValue(v: FieldValue, orig: bigint, len: number, width: number): bigint {
  const mask = (1n << BigInt(8 * width)) - 1n;
  if ('abs' in v) return v.abs & mask;
  const L = BigInt(len);
  const r = { len: L, 'len-1': L - 1n, 'len+1': L + 1n, 'orig+1': orig + 1n, 'orig-1': orig - 1n, 'orig*2': orig * 2n, half: L / 2n }[v.rel];
  return r & mask;
}

/** The mutated bytes of a case (a fresh copy; the base is never touched). */
export function mutateElf(c: ElfCase): Uint8Array {
  const b = base(c.arch);
  const cls = b.elf.header.class;
  const word = cls === 64 ? 8 : 4;
  let d = b.data.slice();
  const secs = b.elf.sections;
  const sec = (i: number) => secs[i % secs.length]!;
  const named = (n: string) => secs.find((s) => s.name === n);
  const shdrAt = (i: number) => b.elf.header.shoff + (i % b.elf.header.shnum) * b.elf.header.shentsize;
  for (const m of c.muts) {
    switch (m.kind) {
      case 'truncate':
        d = d.slice(0, b.boundaries[m.boundary % b.boundaries.length]!);
        break;
      case 'truncateAt':
        d = d.slice(0, Math.floor(d.length * m.fraction));
        break;
      case 'ehdr': {
        const at = EHDR[cls][m.field];
        const w = EHDR_W[m.field] || word;
        put(d, at, w, resolveValue(m.value, get(d, at, w), d.length, w));
        break;
      }
      case 'shdr': {
        const [off, w] = SHDR[cls][m.field];
        const at = shdrAt(m.sec) + off;
        put(d, at, w, resolveValue(m.value, get(d, at, w), d.length, w));
        break;
      }
      case 'phdr': {
        const h = b.elf.header;
        if (h.phnum === 0) break;
        const [off, w] = PHDR[cls][m.field];
        const at = h.phoff + (m.ph % h.phnum) * h.phentsize + off;
        put(d, at, w, resolveValue(m.value, get(d, at, w), d.length, w));
        break;
      }
      case 'sites':
      case 'section': {
        const s = named(m.kind === 'sites' ? '.pv_sites' : m.name);
        if (!s || s.fileSize === 0) break;
        const at = s.offset + (m.at % s.fileSize);
        for (let i = 0; i < m.bytes.length && at + i < s.offset + s.fileSize && at + i < d.length; i++) d[at + i] = m.bytes[i]!;
        break;
      }
      case 'sitesFill': {
        const s = named('.pv_sites');
        if (s) d.fill(m.byte, s.offset, Math.min(d.length, s.offset + s.fileSize));
        break;
      }
      case 'unterminate': {
        const s = named(m.name);
        if (!s) break;
        for (let i = s.offset; i < Math.min(d.length, s.offset + s.fileSize); i++) if (d[i] === 0) d[i] = 0x41;
        break;
      }
      case 'overlap': {
        const [ao, aw] = SHDR[cls].offset;
        const [so, sw] = SHDR[cls].size;
        const src = shdrAt(m.b);
        const dst = shdrAt(m.a);
        put(d, dst + ao, aw, get(d, src + ao, aw) + BigInt(m.b % 7));
        put(d, dst + so, sw, get(d, src + so, sw));
        break;
      }
      case 'pastEnd': {
        const at = shdrAt(m.sec);
        put(d, at + SHDR[cls].offset[0], SHDR[cls].offset[1], BigInt(Math.max(0, d.length - m.back)));
        put(d, at + SHDR[cls].size[0], SHDR[cls].size[1], 0x1000n + BigInt(m.back));
        break;
      }
      case 'hugeCount': {
        d = d.slice(0, Math.min(d.length, m.keep));
        if (d.length < 64) break;
        const E = EHDR[cls];
        if (m.which !== 'ph') (put(d, E.shnum, 2, 0xffffn), put(d, E.shoff, word, BigInt(E.shstrndx + 2)));
        if (m.which !== 'sh') (put(d, E.phnum, 2, 0xfffen), put(d, E.phoff, word, BigInt(cls === 64 ? 64 : 52)));
        break;
      }
    }
  }
  return d;
}

export const ELF_TIME_LIMIT_MS = 15_000;

/** Exit-2 messages about something missing rather than malformed: they need not name an offset. */
export const NO_OFFSET_NEEDED = /cannot locate ops table|no section '|has no symbols|not in the symbol table/;

export interface ElfCheck {
  failure?: string;
  ms: number;
  exit?: number;
  /** For exit 2: whether the message names a file offset (0x...). */
  namesOffset?: boolean;
  message?: string;
}

/** Writes the case, runs apply (with --report half the time), checks every property. */
export async function checkElfCase(c: ElfCase, dir: string, rules = DEMO_RULES): Promise<ElfCheck> {
  const input = join(dir, `in-${c.arch}.elf`);
  const out = join(dir, 'out.elf');
  const report = join(dir, 'report.json');
  const bytes = mutateElf(c);
  writeFileSync(input, bytes);
  const before = sha256(input);
  const withReport = c.muts.length % 2 === 1;
  const argv = ['apply', '--rules', rules, input, '-o', out, ...(withReport ? ['--report', report] : [])];
  const r = await cli(argv);
  const res = (failure?: string): ElfCheck => ({ ms: r.ms, exit: r.code, ...(failure ? { failure } : {}) });
  if (r.thrown !== undefined) return res(`exception: ${describeThrown(r.thrown)}`);
  if (sha256(input) !== before) return res('the input file changed');
  if (r.ms > ELF_TIME_LIMIT_MS) return res(`took ${r.ms.toFixed(0)} ms`);
  const temps = strayTemps(dir);
  if (temps.length) return res(`temporary files left: ${temps.join(', ')}`);
  if (/internal error/i.test(r.err)) return res(`internal error: ${r.err.slice(0, 300)}`);
  if (r.code === 0) {
    if (!existsSync(out)) return res('exit 0 without output');
    if (statSync(out).size !== bytes.length) return res(`output is ${statSync(out).size} bytes, input ${bytes.length}`);
    if (!/\d+ sites: \d+ patched, \d+ already applied, \d+ refused/.test(r.out)) return res(`exit 0 without a summary: ${r.out.slice(0, 200)}`);
    if (withReport && !existsSync(report)) return res('exit 0 without the report');
    return res();
  }
  if (r.code === 2) {
    if (existsSync(out)) return res('exit 2 but the output was written');
    if (existsSync(report)) return res('exit 2 but the report was written');
    const line = r.err.trim().split('\n')[0] ?? '';
    if (!/^patchc apply: .*error: \S/.test(line)) return res(`exit 2 without an error message: ${JSON.stringify(r.err.slice(0, 300))}`);
    const namesOffset = /0x[0-9a-f]+/.test(line);
    // Something absent (a symbol, a section) has no offset to name; everything malformed must have one.
    if (!namesOffset && !NO_OFFSET_NEEDED.test(line)) return res(`exit 2 without a file offset: ${JSON.stringify(line.slice(0, 300))}`);
    return { ...res(), namesOffset, message: line };
  }
  return res(`exit ${r.code}: ${r.err.slice(0, 300)}`);
}
