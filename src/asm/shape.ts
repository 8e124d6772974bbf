// A statement's *shape*: its AT&T text with a plain-number immediate (`$0x10`, `$-1`) and a plain-number
// displacement (`0x8(%rax)`, `-0x18(%rbp)`) replaced by range classes. The numbers take part in choosing an
// encoding only through range tests (fits a signed byte, fits imm32 sign-extended, is 1, is 3, is 0, ...), and
// the class records every one of those tests, so two statements with the same shape get the same encoding
// except for the bytes of the immediate and displacement fields (shapeCache.ts relies on this).
//
// Only the simplest spellings are classed; anything else (expressions, symbols, octal, `1f`, scales, `%st(1)`)
// stays in the key verbatim, which is always correct.

export interface Shape {
  key: string;
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

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

function isIdentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 36;
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** A plain literal at `i` (`0x1f`, `42`, `0`): its end and value; undefined for anything else. */
function literalAt(s: string, i: number): { end: number; value: number } | undefined {
  const c = s.charCodeAt(i);
  if (c < C_0 || c > C_9) return undefined;
  let end: number;
  let value: number;
  const x = s.charCodeAt(i + 1);
  if (c === C_0 && (x === 120 || x === 88) /* x X */) {
    end = i + 2;
    while (end < s.length && isHexDigit(s.charCodeAt(end))) end++;
    const digits = end - i - 2;
    if (digits === 0 || digits > MAX_HEX_DIGITS) return undefined;
    value = parseInt(s.slice(i + 2, end), 16);
  } else {
    end = i + 1;
    // A leading 0 means octal to GAS: only a lone 0 is classed.
    if (c !== C_0) while (end < s.length && s.charCodeAt(end) >= C_0 && s.charCodeAt(end) <= C_9) end++;
    if (end - i > MAX_DEC_DIGITS) return undefined;
    value = c === C_0 ? 0 : parseInt(s.slice(i, end), 10);
  }
  // `1f`, `0b101`, `010`, `0x10h`: not a plain literal.
  if (end < s.length && isIdentChar(s.charCodeAt(end))) return undefined;
  return { end, value };
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

/**
 * The shape of `head` (prefixes and mnemonic, verbatim) followed by AT&T operand text `ops`, or undefined when
 * nothing in it is classed (the text itself is then the key) or it contains the marker character.
 */
export function attShape(head: string, ops: string): Shape | undefined {
  let imm: number | undefined;
  let disp: number | undefined;
  let key = '';
  let copied = 0;
  // At the start of an operand: after the mnemonic, a comma, `*`, or a segment register's colon.
  let atStart = true;
  for (let i = 0; i < ops.length; i++) {
    const c = ops.charCodeAt(i);
    if (c === 0) return undefined;
    if (isSpace(c)) continue;
    if (c === C_COMMA || c === C_STAR || c === C_COLON) {
      atStart = true;
      continue;
    }
    if (!atStart) continue;
    atStart = false;
    if (c === C_DOLLAR && imm === undefined) {
      // `$N` / `$-N` as the whole operand.
      let j = i + 1;
      const neg = ops.charCodeAt(j) === C_MINUS;
      if (neg) j++;
      const lit = literalAt(ops, j);
      if (!lit) continue;
      let k = lit.end;
      while (k < ops.length && isSpace(ops.charCodeAt(k))) k++;
      if (k < ops.length && ops.charCodeAt(k) !== C_COMMA) continue;
      imm = neg ? -lit.value : lit.value;
      key += `${ops.slice(copied, i + 1)}${MARK}i${immClass(imm)}${MARK}`;
      copied = lit.end;
      i = lit.end - 1;
    } else if ((c === C_MINUS || (c >= C_0 && c <= C_9)) && disp === undefined) {
      // `N(` / `-N(` opening the operand (after any segment override).
      const neg = c === C_MINUS;
      const lit = literalAt(ops, neg ? i + 1 : i);
      if (!lit || ops.charCodeAt(lit.end) !== C_LPAREN) continue;
      disp = neg ? -lit.value : lit.value;
      key += `${ops.slice(copied, i)}${MARK}d${dispClass(disp)}${MARK}`;
      copied = lit.end;
      i = lit.end - 1;
    }
  }
  if (imm === undefined && disp === undefined) return undefined;
  const shape: Shape = { key: head + key + ops.slice(copied) };
  if (imm !== undefined) shape.imm = imm;
  if (disp !== undefined) shape.disp = disp;
  return shape;
}
