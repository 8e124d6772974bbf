// The quick path for a block that is one plain statement (AT&T or Intel) whose shape already has a remembered encoding
// (shapeCache.ts): its bytes come straight from the template, without lexing into statements or running the
// block's label layout, relaxation and fixup passes. `patchc asm --file` assembles each line as a block, so for a
// big file this is nearly every line, and it allocates nothing per line.
//
// The result must be exactly what block.ts would return for the same text, so the path only takes text the lexer
// would split the same way: printable ASCII and blanks, no statement separator, comment, label, pseudo prefix or
// prefix word, and a lower-case instruction word first. The template is then looked up by the same key block.ts's
// shapeOf builds (mode, mnemonic as written, operand text up to the trimmed end); anything else takes the full path.
import { isBlank, PREFIX_WORDS } from './lexer.js';
import { hashText, modeHash, newNumberSpans, scanNumbers } from './shape.js';
import { findTemplate, writeFields } from './shapeCache.js';
import type { AsmBlockResult, AsmOptions } from './types.js';

/** A character of the lexer's instruction word (`[\w.]`) other than an upper-case letter. */
function isLowerWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 46;
}

// The first character the quick path leaves to the lexer: a separator, comment, label or segment colon, pseudo
// prefix, block comment, or anything but printable ASCII and blanks. A line ends at a newline, which is one too.
const NOT_PLAIN = /[;#:{/\x00-\x08\x0a\x0e-\x1f\x7f-\uffff]/g;

// Prefix words by length, so a word is compared only with the few of its own length.
const PREFIXES_BY_LENGTH: string[][] = [];
for (const w of PREFIX_WORDS) (PREFIXES_BY_LENGTH[w.length] ??= []).push(w);

/** Whether text[from, to) is a prefix word (`lock`, `rex.w`, ...) or starts with `rex` (`rex.wb`). */
function isPrefixWord(text: string, from: number, to: number): boolean {
  if (text.startsWith('rex', from)) return true;
  const same = PREFIXES_BY_LENGTH[to - from];
  if (same) for (const w of same) if (text.startsWith(w, from)) return true;
  return false;
}

// The key's mode for each bitness, as block.ts's shapeOf starts it, and the hash of it.
type Mode = { mode: string; hash: number; scan: ReturnType<typeof scanNumbers> };
const modesOf = (syn: 'att' | 'intel'): Map<number, Mode> => new Map([16, 32, 64].map((b) => [b, { mode: `${b}${syn}`, hash: modeHash(`${b}${syn}`), scan: scanNumbers(syn) }]));
const MODES = { att: modesOf('att'), intel: modesOf('intel') };

// What the last successful match found (one line at a time, no allocation).
const spans = newNumberSpans();
let lineStart = 0;
let lineEnd = 0;

/**
 * The bytes of line text[from, to) written into `into` at `at` when the line is one plain statement whose shape
 * has a remembered encoding: their count, or -1 when the line needs assembleBlock. `into` must have 15 bytes
 * free (the longest instruction). (One function, not a matcher and a writer: this is the one hot path of a big
 * file, and V8 then optimizes it once instead of once per caller.)
 */
export function quickLineBytes(text: string, from: number, to: number, opts: AsmOptions, into: Uint8Array, at: number): number {
  const mode = MODES[opts.syntax]?.get(opts.bitness);
  if (!mode) return -1;
  let start = from;
  while (start < to && isBlank(text.charCodeAt(start))) start++;
  let end = to;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  // The instruction word: lower-case letters or `_` first (no `.`: directives take the full path).
  const first = text.charCodeAt(start);
  if (start === end || !((first >= 97 && first <= 122) || first === 95)) return -1;
  let wordEnd = start + 1;
  while (wordEnd < end && isLowerWordChar(text.charCodeAt(wordEnd))) wordEnd++;
  const after = text.charCodeAt(wordEnd);
  if (wordEnd < end && after >= 65 && after <= 90) return -1;
  NOT_PLAIN.lastIndex = wordEnd;
  if (NOT_PLAIN.test(text) && NOT_PLAIN.lastIndex <= end) return -1;
  if (isPrefixWord(text, start, wordEnd)) return -1;
  if (!mode.scan(text, wordEnd, end, spans, hashText(mode.hash, text, start, wordEnd))) return -1;
  const t = findTemplate(mode.mode, text, start, end, spans);
  if (!t) return -1;
  lineStart = start;
  lineEnd = end;
  const b = t.sel.encoded.bytes;
  for (let i = 0; i < b.length; i++) into[at + i] = b[i]!;
  writeFields(t, spans.imm, spans.disp, into, at);
  return b.length;
}

const scratch = new Uint8Array(16);

/** The block's result when `text` is one plain statement with a remembered shape; otherwise undefined. */
export function quickLine(text: string, opts: AsmOptions): AsmBlockResult | undefined {
  const n = quickLineBytes(text, 0, text.length, opts, scratch, 0);
  if (n < 0) return undefined;
  const bytes = scratch.slice(0, n);
  const start = lineStart;
  const end = lineEnd;
  return {
    bytes,
    instructions: [{ text: start === 0 && end === text.length ? text : text.slice(start, end), start, end, offset: 0, bytes }],
    relocations: [],
    errors: [],
    warnings: [],
  };
}
