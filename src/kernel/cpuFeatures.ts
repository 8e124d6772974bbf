// A CPU's x86 feature bits, read from a file, as the kernel's `boot_cpu_data.x86_capability` would hold them
// (NCAPINTS capability words, then NBUGINTS bug words; bit = word*32+bit). The alternatives pass decides per
// site with boot_cpu_has(feature), so this is its input. Accepted forms:
//   cpuinfo  /proc/cpuinfo as printed by a running Linux: its `flags` and `bugs` lines (first processor;
//            the others are checked against it). cpuinfo shows only named bits, so every other bit is unknown.
//   names    feature names (cpuinfo names, X86_FEATURE_*/X86_BUG_* macros, any case) or word*32+bit numbers,
//            white-space separated, `#` comments. The list is the whole set: every bit not named is clear.
//   words    the capability array as 32-bit hex words, word 0 first (gdb's `x/24wx` output, and its
//            `p/x boot_cpu_data.x86_capability` output with `<repeats N times>`, are accepted as printed).
//   binary   the same array as raw little-endian bytes (gdb `dump binary memory`).
// Names resolve through the given kernel version's table. Any error gives no set, only diagnostics.
import { error, warning, type Diagnostic } from '../diag/diagnostic.js';
import { SourceText } from '../diag/source.js';
import { nearestSeveral } from '../model/suggest.js';
import type { CpuFeatureTable, FeatureKind } from './cpuFeatureTable.js';

export type CpuFeatureFormat = 'cpuinfo' | 'names' | 'words' | 'binary';
export const CPU_FEATURE_FORMATS: readonly CpuFeatureFormat[] = ['cpuinfo', 'names', 'words', 'binary'];

export interface CpuFeatureSet {
  table: CpuFeatureTable;
  format: CpuFeatureFormat;
  file: string;
  /** The capability words, as the kernel's x86_capability array. */
  words: Uint32Array;
  /** Bits the input could not speak for (cpuinfo hides them): a rule set must say what the kernel sets. */
  unknown: Uint32Array;
}

export type FeatureState = 'set' | 'clear' | 'unknown';

export function featureState(set: CpuFeatureSet, bit: number): FeatureState {
  const w = bit >>> 5;
  const m = 1 << (bit & 31);
  if (w >= set.words.length) throw new RangeError(`feature bit ${bit} beyond ${set.words.length} words`);
  if (set.unknown[w]! & m) return 'unknown';
  return set.words[w]! & m ? 'set' : 'clear';
}

/**
 * The set with some bits' states supplied from elsewhere (a rule set saying what the kernel sets where the input
 * could not speak, e.g. X86_FEATURE_ALWAYS under cpuinfo): those bits become known.
 */
export function withAssumed(set: CpuFeatureSet, states: Iterable<readonly [bit: number, on: boolean]>): CpuFeatureSet {
  const words = set.words.slice();
  const unknown = set.unknown.slice();
  for (const [bit, on] of states) {
    if (bit < 0 || bit >= words.length * 32) throw new RangeError(`feature bit ${bit} beyond ${words.length} words`);
    const w = bit >>> 5;
    const m = 1 << (bit & 31);
    words[w] = on ? words[w]! | m : words[w]! & ~m;
    unknown[w]! &= ~m;
  }
  return { ...set, words, unknown };
}

/** Every set bit, ascending. */
export function setBits(words: Uint32Array): number[] {
  const out: number[] = [];
  words.forEach((w, i) => {
    for (let b = 0; b < 32; b++) if ((w >>> b) & 1) out.push(i * 32 + b);
  });
  return out;
}

export interface CpuFeatureParse {
  set?: CpuFeatureSet;
  diagnostics: Diagnostic[];
}

export interface CpuFeatureOptions {
  /** The caller knows the form; otherwise detectCpuFeatureFormat decides. */
  format?: CpuFeatureFormat;
}

export function parseCpuFeatures(file: string, data: Uint8Array | string, table: CpuFeatureTable, opts: CpuFeatureOptions = {}): CpuFeatureParse {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const format = opts.format ?? detectCpuFeatureFormat(bytes, table);
  if (format === 'binary') return readBinary(file, bytes, table);
  const src = new SourceText(file, typeof data === 'string' ? data : new TextDecoder().decode(bytes));
  if (format === 'cpuinfo') return readCpuinfo(src, table);
  return format === 'words' ? readWords(src, table) : readNames(src, table);
}

// ---- format detection --------------------------------------------------------------------------------------

const HEX_WORD = /^(?:0x)?[0-9a-f]+$/i;
const BIT_NUMBER = /^(\d+)\*32\+(\d+)$/;
/** gdb's `x/24wx` prefixes each line with the address and `<symbol+offset>:`. */
const GDB_PREFIX = /^\s*0x[0-9a-f]+(?:\s*<[^>]*>)?:/i;
/** `$1 = {0x178bfbfd, 0x0 <repeats 11 times>, ...}`: what gdb's `p/x boot_cpu_data.x86_capability` prints. */
const GDB_PRINT = /^\s*\$\d+\s*=\s*\{/;

function looksBinary(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b < 0x20 && b !== 9 && b !== 10 && b !== 13) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return false;
  } catch {
    return true;
  }
}

export function detectCpuFeatureFormat(bytes: Uint8Array, table: CpuFeatureTable): CpuFeatureFormat {
  if (looksBinary(bytes)) return 'binary';
  const text = new TextDecoder().decode(bytes);
  if (/^(flags|processor)[ \t]*:/m.test(text)) return 'cpuinfo';
  if (GDB_PRINT.test(text)) return 'words';
  const tokens = text.split('\n').flatMap((l) => stripComment(l).replace(GDB_PREFIX, '').split(/\s+/).filter(Boolean));
  if (tokens.length === 0 || !tokens.every((t) => HEX_WORD.test(t))) return 'names';
  // `ace`, `fma`, `abm` are hex and cpuinfo names: a list of nothing but such names is a names list.
  const named = (t: string): boolean => table.cpuinfoBit(t, 'flag') !== undefined || table.cpuinfoBit(t, 'bug') !== undefined;
  return tokens.every(named) ? 'names' : 'words';
}

function stripComment(line: string): string {
  const i = line.indexOf('#');
  return i < 0 ? line : line.slice(0, i);
}

interface Token {
  text: string;
  start: number;
}

/** Tokens of a line (comment removed), with offsets into the whole text. */
function lineTokens(line: string, lineStart: number): Token[] {
  const out: Token[] = [];
  for (const m of stripComment(line).matchAll(/\S+/g)) out.push({ text: m[0], start: lineStart + m.index! });
  return out;
}

function* lines(src: SourceText): Generator<{ text: string; start: number }> {
  let start = 0;
  for (const text of src.text.split('\n')) {
    yield { text: text.replace(/\r$/, ''), start };
    start += text.length + 1;
  }
}

function emptySet(table: CpuFeatureTable): Uint32Array {
  return new Uint32Array(table.words);
}

function setBit(words: Uint32Array, bit: number): void {
  words[bit >>> 5]! |= 1 << (bit & 31);
}

function done(table: CpuFeatureTable, format: CpuFeatureFormat, file: string, words: Uint32Array, unknown: Uint32Array, diagnostics: Diagnostic[]): CpuFeatureParse {
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  return { set: { table, format, file, words, unknown }, diagnostics };
}

const emptyInput = (src: SourceText): Diagnostic =>
  error('cpu-features-empty', `${src.file} holds no CPU features (no names, words or cpuinfo lines)`, src.span(0, 0), [
    'to say "no feature set", write the capability words as zeros',
  ]);

// ---- names -------------------------------------------------------------------------------------------------

function unknownNameText(name: string, table: CpuFeatureTable, kinds: readonly FeatureKind[] = ['flag', 'bug']): { message: string; hints: string[]; nearest: string[] } {
  const hints: string[] = [];
  // A macro suffix is not a cpuinfo name when cpuinfo spells it differently (XMM is "sse") or hides it.
  for (const prefix of ['X86_FEATURE_', 'X86_BUG_']) {
    const e = table.macro(prefix + name);
    if (e && !/^x86_/i.test(name)) hints.push(`${e.macro} is ${e.cpuinfo ? `'${e.cpuinfo}' in cpuinfo` : 'not shown in cpuinfo'}; write that`);
  }
  const candidates = /^x86_/i.test(name) ? table.macroNames() : kinds.flatMap((k) => [...table.cpuinfoNames(k)]);
  const near = nearestSeveral(name, candidates);
  if (near.length) hints.push(`nearest: ${near.join(', ')}`);
  const what = kinds.length === 1 && kinds[0] === 'bug' ? 'bug name' : 'feature name';
  return { message: `'${name}' is not a ${what} Linux ${table.data.linuxVersion} knows`, hints, nearest: near };
}

/** A feature written by name (macro, cpuinfo name of either line, or word*32+bit) → its bit, or why not. */
export type FeatureLookup = { bit: number } | { problem: 'unknown' | 'bad-bit' | 'ambiguous'; message: string; hints: string[]; nearest?: string[] };

export function lookupFeature(name: string, table: CpuFeatureTable): FeatureLookup {
  const num = BIT_NUMBER.exec(name);
  if (num) {
    const w = Number(num[1]);
    const b = Number(num[2]);
    if (w < table.words && b < 32) return { bit: w * 32 + b };
    return { problem: 'bad-bit', message: `${name}: bit numbers are word*32+bit with word < ${table.words} (NCAPINTS ${table.data.ncapints} + NBUGINTS ${table.data.nbugints}) and bit < 32`, hints: [] };
  }
  if (/^x86_(feature|bug)_/i.test(name)) {
    const e = table.macro(name);
    if (e) return { bit: e.bit };
  } else {
    const flag = table.cpuinfoBit(name, 'flag');
    const bug = table.cpuinfoBit(name, 'bug');
    if (flag !== undefined && bug !== undefined) {
      return { problem: 'ambiguous', message: `'${name}' is a cpuinfo name both on the flags line (${table.label(flag)}) and on the bugs line (${table.label(bug)})`, hints: [`write ${table.label(flag)} or ${table.label(bug)}`] };
    }
    const bit = flag ?? bug;
    if (bit !== undefined) return { bit };
  }
  return { problem: 'unknown', ...unknownNameText(name, table) };
}

function nameBit(src: SourceText, tok: Token, table: CpuFeatureTable, diags: Diagnostic[]): number | undefined {
  const r = lookupFeature(tok.text, table);
  if ('bit' in r) return r.bit;
  const code = r.problem === 'bad-bit' ? 'cpu-bad-bit' : r.problem === 'ambiguous' ? 'cpu-ambiguous-feature' : 'cpu-unknown-feature';
  diags.push(error(code, r.message, src.span(tok.start, tok.start + tok.text.length), r.hints));
  return undefined;
}

function readNames(src: SourceText, table: CpuFeatureTable): CpuFeatureParse {
  const words = emptySet(table);
  const diags: Diagnostic[] = [];
  let count = 0;
  for (const l of lines(src)) {
    for (const tok of lineTokens(l.text, l.start)) {
      count++;
      const bit = nameBit(src, tok, table, diags);
      if (bit !== undefined) setBit(words, bit);
    }
  }
  if (count === 0) diags.push(emptyInput(src));
  return done(table, 'names', src.file, words, emptySet(table), diags);
}

// ---- hex words -------------------------------------------------------------------------------------------

function wordCountHint(table: CpuFeatureTable): string {
  return `Linux ${table.data.linuxVersion}'s x86_capability is NCAPINTS ${table.data.ncapints} + NBUGINTS ${table.data.nbugints} = ${table.words} words (gdb: x/${table.words}wx &boot_cpu_data.x86_capability)`;
}

interface WordItem extends Token {
  /** gdb's print compresses runs: `0x0 <repeats 11 times>`. */
  repeat: number;
}

function gdbPrintItems(src: SourceText, diags: Diagnostic[]): WordItem[] {
  const open = src.text.indexOf('{');
  const close = src.text.lastIndexOf('}');
  if (close < open || src.text.slice(close + 1).trim() !== '') {
    diags.push(error('cpu-bad-word', "gdb's print output without its closing '}'", src.span(open, open + 1)));
    return [];
  }
  const items: WordItem[] = [];
  const body = src.text.slice(open + 1, close);
  for (const m of body.matchAll(/[^,]+/g)) {
    const lead = m[0].length - m[0].trimStart().length;
    const text = m[0].trim();
    const rep = /^(\S+)\s+<repeats (\d+) times>$/.exec(text);
    items.push({ text: rep ? rep[1]! : text, start: open + 1 + m.index! + lead, repeat: rep ? Number(rep[2]) : 1 });
  }
  return items;
}

function plainItems(src: SourceText): WordItem[] {
  const items: WordItem[] = [];
  for (const l of lines(src)) {
    const prefix = GDB_PREFIX.exec(l.text)?.[0].length ?? 0;
    for (const tok of lineTokens(l.text.slice(prefix), l.start + prefix)) items.push({ ...tok, repeat: 1 });
  }
  return items;
}

function readWords(src: SourceText, table: CpuFeatureTable): CpuFeatureParse {
  const words = emptySet(table);
  const diags: Diagnostic[] = [];
  let n = 0;
  for (const tok of GDB_PRINT.test(src.text) ? gdbPrintItems(src, diags) : plainItems(src)) {
    const span = src.span(tok.start, tok.start + tok.text.length);
    const digits = tok.text.replace(/^0x/i, '');
    const good = HEX_WORD.test(tok.text) && digits !== '';
    if (!good) diags.push(error('cpu-bad-word', `'${tok.text}' is not a hex word`, span));
    else if (digits.replace(/^0+(?=.)/, '').length > 8) diags.push(error('cpu-bad-word', `'${tok.text}' does not fit in 32 bits`, span));
    else if (n + tok.repeat > table.words && n <= table.words) {
      diags.push(error('cpu-word-count', `word ${table.words + 1}: more than ${table.words} words`, span, [wordCountHint(table)]));
    }
    for (let r = 0; r < tok.repeat; r++, n++) if (n < table.words && good) words[n] = Number.parseInt(digits, 16) >>> 0;
  }
  if (n === 0 && !diags.length) diags.push(emptyInput(src));
  else if (n > 0 && n < table.words) {
    const end = src.text.replace(/\s+$/, '').length;
    diags.push(error('cpu-word-count', `${n} word${n === 1 ? '' : 's'}, expected ${table.words}`, src.span(end, end), [wordCountHint(table)]));
  }
  return done(table, 'words', src.file, words, emptySet(table), diags);
}

// ---- raw bytes -----------------------------------------------------------------------------------------------

function readBinary(file: string, bytes: Uint8Array, table: CpuFeatureTable): CpuFeatureParse {
  const want = table.words * 4;
  if (bytes.length !== want) {
    const d: Diagnostic = {
      ...error('cpu-word-count', `${bytes.length} bytes of raw capability words; expected ${want} (${table.words} little-endian u32)`, undefined, [wordCountHint(table)]),
      at: { file, offset: Math.min(bytes.length, want) },
    };
    return { diagnostics: [d] };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words = emptySet(table);
  for (let i = 0; i < table.words; i++) words[i] = view.getUint32(i * 4, true);
  return done(table, 'binary', file, words, emptySet(table), []);
}

// ---- /proc/cpuinfo -----------------------------------------------------------------------------------------

interface Processor {
  /** Offset of its `processor` line (or of the file start), for messages. */
  start: number;
  label: string;
  words: Uint32Array;
  flags: boolean;
  bugs: boolean;
}

function readCpuinfo(src: SourceText, table: CpuFeatureTable): CpuFeatureParse {
  const diags: Diagnostic[] = [];
  const procs: Processor[] = [];
  let cur: Processor | undefined;
  for (const l of lines(src)) {
    const m = /^([^:\t]*?)[ \t]*:[ \t]?(.*)$/.exec(l.text);
    if (!m) continue;
    const key = m[1]!;
    if (key === 'processor' || !cur) {
      cur = { start: l.start, label: key === 'processor' ? `processor ${m[2]!.trim()}` : 'the first processor', words: emptySet(table), flags: false, bugs: false };
      procs.push(cur);
      if (key === 'processor') continue;
    }
    if (key !== 'flags' && key !== 'bugs') continue;
    const kind: FeatureKind = key === 'flags' ? 'flag' : 'bug';
    if (kind === 'flag' ? cur.flags : cur.bugs) {
      diags.push(error('cpu-cpuinfo-repeated', `a second '${key}' line for ${cur.label}`, src.span(l.start, l.start + key.length)));
      continue;
    }
    if (kind === 'flag') cur.flags = true;
    else cur.bugs = true;
    const valueStart = l.start + l.text.length - m[2]!.length;
    for (const tm of m[2]!.matchAll(/\S+/g)) {
      const tok = { text: tm[0], start: valueStart + tm.index! };
      const bit = table.cpuinfoBit(tok.text, kind);
      if (bit === undefined) {
        const t = unknownNameText(tok.text, table, [kind]);
        diags.push(error('cpu-unknown-feature', t.message, src.span(tok.start, tok.start + tok.text.length), t.hints));
      }
      else setBit(cur.words, bit);
    }
  }
  const first = procs.find((p) => p.flags);
  if (!first) {
    diags.push(error('cpu-cpuinfo-no-flags', `${src.file} looks like /proc/cpuinfo but has no 'flags' line`, src.span(0, 0)));
    return { diagnostics: diags };
  }
  const unknown = emptySet(table);
  for (let bit = 0; bit < table.bits; bit++) if (table.cpuinfoName(bit) === undefined) setBit(unknown, bit);
  if (!first.bugs) {
    diags.push(warning('cpu-cpuinfo-no-bugs', `${first.label} has no 'bugs' line: every bug bit is unknown`, src.span(first.start, first.start)));
    for (let bit = table.data.ncapints * 32; bit < table.bits; bit++) setBit(unknown, bit);
  }
  for (const p of procs) {
    if (p === first || !p.flags) continue;
    const differ = setBits(p.words.map((w, i) => w ^ first.words[i]!));
    if (differ.length) {
      const show = (bit: number): string => `${first.words[bit >>> 5]! & (1 << (bit & 31)) ? '-' : '+'}${table.cpuinfoName(bit)}`;
      diags.push(warning('cpu-cpuinfo-processors-differ', `${p.label} differs from ${first.label} (${differ.map(show).join(' ')}); ${first.label} is used`, src.span(p.start, p.start)));
    }
  }
  return done(table, 'cpuinfo', src.file, first.words, unknown, diags);
}
