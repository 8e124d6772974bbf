// A statement's *shape*: its AT&T text with a plain-number immediate (`$0x10`, `$-1`) and a plain-number
// displacement (`0x8(%rax)`, `-0x18(%rbp)`) replaced by range classes; in Intel syntax, an operand that is a plain
// number (`0x10`, `-1`) and a displacement that closes a bracket (`[rax+0x8]`, `[rbp-0x18]`). The numbers take part in choosing an
// encoding only through range tests (fits a signed byte, fits imm32 sign-extended, is 1, is 3, is 0, ...), and
// the class records every one of those tests, so two statements with the same shape get the same encoding
// except for the bytes of the immediate and displacement fields (shapeCache.ts relies on this).
//
// Only the simplest spellings are classed; anything else (expressions, symbols, octal, `1f`, scales, `%st(1)`)
// stays in the key verbatim, which is always correct.
import { isBlank } from './lexer.js';

export interface Shape {
  key: string;
  /** hashText of the key's pieces and marks as scanAttNumbers computes it (shapeCache.ts files templates by it). */
  hash: number;
  /** The key's parts: mode (`64att`), head and operand text with the numbers' spans (shapePieces). */
  mode: string;
  head: string;
  ops: string;
  immAt: number;
  immEnd: number;
  dispAt: number;
  dispEnd: number;
  /** Classes of the immediate and displacement (-1: none), and whether the immediate's marker comes first. */
  immCls: number;
  dispCls: number;
  immFirst: boolean;
  /** The immediate's value, when the statement has a classed immediate. */
  imm?: number;
  /** The displacement's value, when the statement has a classed displacement. */
  disp?: number;
}

// Longest literals classed: their values stay exact as JavaScript numbers (below 2^53).
const MAX_HEX_DIGITS = 13;
const MAX_DEC_DIGITS = 15;

const C_0 = 48;
const C_9 = 57;
const C_DOLLAR = 36;
const C_MINUS = 45;
const C_COMMA = 44;
const C_STAR = 42;
const C_COLON = 58;
const C_LPAREN = 40;
const C_PLUS = 43;
const C_RBRACKET = 93;

function isIdentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 36;
}

/** A hex digit's value, or -1. */
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

// literalAt's result, kept in module scope: the quick path scans every line and allocates nothing per line.
let litEnd = 0;
let litValue = 0;

/** Whether a plain literal (`0x1f`, `42`, `0`) starts at `i` of s (ending by `to`): sets litEnd and litValue. */
function literalAt(s: string, i: number, to: number): boolean {
  const c = s.charCodeAt(i);
  if (i >= to || c < C_0 || c > C_9) return false;
  let end: number;
  // Digits summed by hand (parseInt would need a slice of each literal): at most 13 hex or 15 decimal digits,
  // so every partial value is exact.
  let value = 0;
  const x = i + 1 < to ? s.charCodeAt(i + 1) : 0;
  if (c === C_0 && (x === 120 || x === 88) /* x X */) {
    end = i + 2;
    for (let d = hexValue(s.charCodeAt(end)); end < to && d >= 0; d = hexValue(s.charCodeAt(++end))) value = value * 16 + d;
    const digits = end - i - 2;
    if (digits === 0 || digits > MAX_HEX_DIGITS) return false;
  } else {
    end = i + 1;
    value = c - C_0;
    // A leading 0 means octal to GAS: only a lone 0 is classed.
    if (c !== C_0) {
      for (let d = s.charCodeAt(end); end < to && d >= C_0 && d <= C_9; d = s.charCodeAt(++end)) value = value * 10 + (d - C_0);
    }
    if (end - i > MAX_DEC_DIGITS) return false;
  }
  // `1f`, `0b101`, `010`, `0x10h`: not a plain literal.
  if (end < to && isIdentChar(s.charCodeAt(end))) return false;
  litEnd = end;
  litValue = value;
  return true;
}

const inRange = (v: number, lo: number, hi: number): boolean => v >= lo && v <= hi;
// The low 16 / 32 bits of v, sign-extended (exact for integers below 2^53).
const sext16 = (v: number): number => (v << 16) >> 16;
const sext32 = (v: number): number => v | 0;

/**
 * Every range test an immediate's value meets in match.ts's immFits (one bit per operand kind it checks) and
 * in select.ts (`int $3`), plus zero.
 */
export function immClass(v: number): number {
  const imm16 = inRange(v, -0x8000, 0xffff);
  const imm32 = inRange(v, -0x80000000, 0xffffffff);
  return (
    (inRange(v, -0x80, 0xff) ? 1 : 0) |
    (inRange(v, 0, 0xff) ? 2 : 0) |
    (v === 1 ? 4 : 0) |
    (imm16 ? 8 : 0) |
    (imm32 ? 16 : 0) |
    (imm16 && inRange(sext16(v), -0x80, 0x7f) ? 32 : 0) |
    (imm32 && inRange(sext32(v), -0x80, 0x7f) ? 64 : 0) |
    (inRange(v, -0x80, 0x7f) ? 128 : 0) |
    (inRange(v, -0x80000000, 0x7fffffff) ? 256 : 0) |
    (v === 3 ? 512 : 0) |
    (v === 0 ? 1024 : 0)
  );
}

/**
 * Every range test a displacement's value meets: zero (no displacement byte), 8-bit at each address size
 * (select's choice of disp8), and the 16- and 32-bit field ranges (select's and iced's refusals).
 */
export function dispClass(v: number): number {
  return (
    (v === 0 ? 1 : 0) |
    (inRange(v, -0x80, 0x7f) ? 2 : 0) |
    (inRange(sext32(v), -0x80, 0x7f) ? 4 : 0) |
    (inRange(sext16(v), -0x80, 0x7f) ? 8 : 0) |
    (inRange(v, -0x80000000, 0x7fffffff) ? 16 : 0) |
    (inRange(v, -0x80000000, 0xffffffff) ? 32 : 0) |
    (inRange(v, -0x8000, 0xffff) ? 64 : 0) |
    (inRange(v, -0x8000, 0x7fff) ? 128 : 0)
  );
}

/** Whether an immediate's class holds this value alone, so an encoding without an immediate field fits all of it. */
export function immPinned(v: number): boolean {
  return v === 0 || v === 1 || v === 3;
}

/** Whether a displacement's class holds this value alone (zero: often no displacement field at all). */
export function dispPinned(v: number): boolean {
  return v === 0;
}

// Stands for a classed number in a key. Text holding it gets no shape, so keys cannot collide with source.
const MARK = '\u0000';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over text[from, to), continuing from h. */
export function hashText(h: number, text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h;
}

/** The hash a shape key starts from: its mode (`64att`). */
export function modeHash(mode: string): number {
  return hashText(FNV_OFFSET, mode, 0, mode.length);
}

/** A number's marker in the hash: kind (1: immediate, 2: displacement) and class, past any character code. */
function hashMark(h: number, kind: number, cls: number): number {
  return Math.imul(h ^ (0x10000 + kind * 0x1000 + cls), FNV_PRIME);
}

/**
 * Where the classed numbers of some AT&T operand text are: each number's span (its sign and digits; the key holds
 * `MARK i class MARK` or `MARK d class MARK` there instead), value and class (-1: none), and the hash of the text
 * with the spans replaced. Filled by scanAttNumbers; one object is reused for every line, so the quick path
 * allocates nothing.
 */
export interface NumberSpans {
  /** immAt < 0: no classed immediate. */
  immAt: number;
  immEnd: number;
  imm: number;
  immCls: number;
  dispAt: number;
  dispEnd: number;
  disp: number;
  dispCls: number;
  hash: number;
}

function resetSpans(out: NumberSpans): void {
  out.immAt = -1;
  out.dispAt = -1;
  out.immCls = -1;
  out.dispCls = -1;
}

export function newNumberSpans(): NumberSpans {
  return { immAt: -1, immEnd: 0, imm: 0, immCls: -1, dispAt: -1, dispEnd: 0, disp: 0, dispCls: -1, hash: 0 };
}

/**
 * Finds the classed numbers of AT&T operand text `ops[from, to)`: false when there are none (the text itself is
 * then the key) or the text holds the marker character. This is the one definition of what a shape classes, and
 * of its hash: `h` (the hash of what comes before the operands) continued over the text, markers for spans.
 */
export function scanAttNumbers(ops: string, from: number, to: number, out: NumberSpans, h: number): boolean {
  resetSpans(out);
  // At the start of an operand: after the mnemonic, a comma, `*`, or a segment register's colon.
  let atStart = true;
  for (let i = from; i < to; i++) {
    const c = ops.charCodeAt(i);
    if (c === 0) return false;
    const hPrev = h;
    h = Math.imul(h ^ c, FNV_PRIME);
    if (isBlank(c)) continue;
    if (c === C_COMMA || c === C_STAR || c === C_COLON) {
      atStart = true;
      continue;
    }
    if (!atStart) continue;
    atStart = false;
    if (c === C_DOLLAR && out.immAt < 0) {
      // `$N` / `$-N` as the whole operand.
      let j = i + 1;
      const neg = j < to && ops.charCodeAt(j) === C_MINUS;
      if (neg) j++;
      if (!literalAt(ops, j, to)) continue;
      let k = litEnd;
      while (k < to && isBlank(ops.charCodeAt(k))) k++;
      if (k < to && ops.charCodeAt(k) !== C_COMMA) continue;
      out.immAt = i + 1;
      out.immEnd = litEnd;
      out.imm = neg ? -litValue : litValue;
      out.immCls = immClass(out.imm);
      h = hashMark(h, 1, out.immCls);
      i = litEnd - 1;
    } else if ((c === C_MINUS || (c >= C_0 && c <= C_9)) && out.dispAt < 0) {
      // `N(` / `-N(` opening the operand (after any segment override): the span starts here, so the hash of this
      // character is taken back.
      const neg = c === C_MINUS;
      if (!literalAt(ops, neg ? i + 1 : i, to) || litEnd >= to || ops.charCodeAt(litEnd) !== C_LPAREN) continue;
      out.dispAt = i;
      out.dispEnd = litEnd;
      out.disp = neg ? -litValue : litValue;
      out.dispCls = dispClass(out.disp);
      h = hashMark(hPrev, 2, out.dispCls);
      i = litEnd - 1;
    }
  }
  out.hash = h;
  return out.immAt >= 0 || out.dispAt >= 0;
}

/**
 * scanAttNumbers for GNU Intel operand text: an immediate is an operand that is a plain number, alone from the
 * operand's start (after the mnemonic or a comma: after a segment's colon a number is an address) to its end; a
 * displacement is a plain number after `+` or `-` that closes a bracket (`[rax+0x8]`; the `-` is part of the span,
 * the `+` is not). Nothing else is classed: `[0x10]`, `[rax+8+8]`, `[rax+rbx*4]`'s scale stay in the key.
 */
export function scanIntelNumbers(ops: string, from: number, to: number, out: NumberSpans, h: number): boolean {
  resetSpans(out);
  let atStart = true;
  for (let i = from; i < to; i++) {
    const c = ops.charCodeAt(i);
    if (c === 0) return false;
    const hPrev = h;
    h = Math.imul(h ^ c, FNV_PRIME);
    if (isBlank(c)) continue;
    if (c === C_COMMA) {
      atStart = true;
      continue;
    }
    const start = atStart;
    atStart = false;
    if (start && (c === C_MINUS || (c >= C_0 && c <= C_9)) && out.immAt < 0) {
      const neg = c === C_MINUS;
      if (!literalAt(ops, neg ? i + 1 : i, to)) continue;
      let k = litEnd;
      while (k < to && isBlank(ops.charCodeAt(k))) k++;
      if (k < to && ops.charCodeAt(k) !== C_COMMA) continue;
      out.immAt = i;
      out.immEnd = litEnd;
      out.imm = neg ? -litValue : litValue;
      out.immCls = immClass(out.imm);
      h = hashMark(hPrev, 1, out.immCls);
      i = litEnd - 1;
    } else if ((c === C_PLUS || c === C_MINUS) && out.dispAt < 0) {
      if (!literalAt(ops, i + 1, to) || litEnd >= to || ops.charCodeAt(litEnd) !== C_RBRACKET) continue;
      const neg = c === C_MINUS;
      // `+` stays in the key (its hash is kept); `-` belongs to the number.
      out.dispAt = neg ? i : i + 1;
      out.dispEnd = litEnd;
      out.disp = neg ? -litValue : litValue;
      out.dispCls = dispClass(out.disp);
      h = hashMark(neg ? hPrev : h, 2, out.dispCls);
      i = litEnd - 1;
    }
  }
  out.hash = h;
  return out.immAt >= 0 || out.dispAt >= 0;
}

/** The number scanner of a syntax. */
export function scanNumbers(syntax: 'att' | 'intel'): typeof scanAttNumbers {
  return syntax === 'att' ? scanAttNumbers : scanIntelNumbers;
}

const scratch = newNumberSpans();

/**
 * The shape of `mode` (`64att`) and `head` (prefixes and mnemonic, verbatim) followed by AT&T operand text `ops`,
 * or undefined when nothing in it is classed (the text itself is then the key) or it contains the marker character.
 */
export function attShape(mode: string, head: string, ops: string): Shape | undefined {
  return numberShape(scanAttNumbers, mode, head, ops);
}

/** attShape for GNU Intel operand text (mode `64intel`). */
export function intelShape(mode: string, head: string, ops: string): Shape | undefined {
  return numberShape(scanIntelNumbers, mode, head, ops);
}

function numberShape(scan: typeof scanAttNumbers, mode: string, head: string, ops: string): Shape | undefined {
  if (!scan(ops, 0, ops.length, scratch, hashText(modeHash(mode), head, 0, head.length))) return undefined;
  const { immAt, immEnd, imm, immCls, dispAt, dispEnd, disp, dispCls } = scratch;
  const immMark = `${MARK}i${immCls}${MARK}`;
  const dispMark = `${MARK}d${dispCls}${MARK}`;
  let key: string;
  if (immAt < 0) key = `${mode}${head}${ops.slice(0, dispAt)}${dispMark}${ops.slice(dispEnd)}`;
  else if (dispAt < 0) key = `${mode}${head}${ops.slice(0, immAt)}${immMark}${ops.slice(immEnd)}`;
  else if (immAt < dispAt) key = `${mode}${head}${ops.slice(0, immAt)}${immMark}${ops.slice(immEnd, dispAt)}${dispMark}${ops.slice(dispEnd)}`;
  else key = `${mode}${head}${ops.slice(0, dispAt)}${dispMark}${ops.slice(dispEnd, immAt)}${immMark}${ops.slice(immEnd)}`;
  const shape: Shape = { key, hash: scratch.hash, mode, head, ops, immAt, immEnd, dispAt, dispEnd, immCls, dispCls, immFirst: immAt >= 0 && (dispAt < 0 || immAt < dispAt) };
  if (immAt >= 0) shape.imm = imm;
  if (dispAt >= 0) shape.disp = disp;
  return shape;
}

/**
 * The key's text between its markers, head first (the mode left out): what the quick path compares with a line.
 * Only a remembered shape needs them, so they are not built for every statement.
 */
export function shapePieces(shape: Shape): string[] {
  const { head, ops, immAt, immEnd, dispAt, dispEnd } = shape;
  if (immAt < 0) return [head + ops.slice(0, dispAt), ops.slice(dispEnd)];
  if (dispAt < 0) return [head + ops.slice(0, immAt), ops.slice(immEnd)];
  if (immAt < dispAt) return [head + ops.slice(0, immAt), ops.slice(immEnd, dispAt), ops.slice(dispEnd)];
  return [head + ops.slice(0, dispAt), ops.slice(dispEnd, immAt), ops.slice(immEnd)];
}
