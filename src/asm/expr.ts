// Constant expressions as GAS accepts them in operands: integers in C-like bases, the usual operators, and at most
// one symbol added (or with a constant subtracted) - enough for `foo+8(%rip)` without an expression evaluator.
import type { Expr } from './operands.js';

export class ExprError {
  constructor(public readonly message: string, public readonly at: number) {}
}

const MASK64 = (1n << 64n) - 1n;
const GNU_ONLY_REGISTER = /^(tmm[0-7]|flat)$/i;

/**
 * GNU's location counter (`.`, and `$` in Intel syntax): the address of the start of the statement. It travels as
 * this symbol name, which no real symbol can have, so every place that handles symbols sees it; block.ts resolves
 * it to the statement itself and refuses it where GNU would need the block's address. It never reaches a
 * relocation.
 */
export const HERE = '.';

/** GAS evaluates in 64 bits; keep values as signed 64-bit so `0xffffffffffffffff` and `-1` compare equal. */
export function toSigned64(v: bigint): bigint {
  const m = v & MASK64;
  return m >= 1n << 63n ? m - (1n << 64n) : m;
}

export interface ExprParseOptions {
  intel: boolean;
}

/** Parses an expression from `src` starting at `pos`; stops at the first character that cannot continue it. */
export class ExprParser {
  pos: number;
  /** Intel `$` was read: GNU evaluates a difference of `$`s inconsistently (`[rip+$-$]` is not `[rip]`). */
  private dollar = false;
  constructor(private readonly src: string, start: number, private readonly opts: ExprParseOptions) {
    this.pos = start;
  }

  private skipWs(): void {
    while (this.pos < this.src.length && (this.src[this.pos] === ' ' || this.src[this.pos] === '\t')) this.pos++;
  }

  private peek(): string {
    this.skipWs();
    return this.src[this.pos] ?? '';
  }

  parse(): Expr {
    const start = this.pos;
    const e = this.parseBinary(0);
    // GAS works in 64 bits and rejects constants that do not fit; values in range wrap like GAS's.
    if (e.value > MASK64 || e.value < -(1n << 63n)) throw new ExprError('value does not fit in 64 bits', start);
    if (e.symbol === undefined) e.value = toSigned64(e.value);
    return e;
  }

  // Precedence levels as in GAS: | ^ & (lowest) ... + - ... * / % << >> (highest binary).
  private static readonly levels: string[][] = [['|'], ['^'], ['&'], ['+', '-'], ['*', '/', '%', '<<', '>>']];

  private matchOp(level: number): string | undefined {
    this.skipWs();
    for (const op of ExprParser.levels[level]!) {
      if (this.src.startsWith(op, this.pos)) {
        // `|` vs `||` and similar are not GAS operand syntax; a lone operator is enough here.
        return op;
      }
    }
    return undefined;
  }

  private parseBinary(level: number): Expr {
    if (level >= ExprParser.levels.length) return this.parseUnary();
    let left = this.parseBinary(level + 1);
    for (;;) {
      const op = this.matchOp(level);
      if (op === undefined) return left;
      const opAt = this.pos;
      this.pos += op.length;
      const right = this.parseBinary(level + 1);
      if (op === '-' && this.dollar && left.symbol === HERE && right.symbol === HERE) {
        throw new ExprError("GNU as does not evaluate a difference of '$' location counters consistently; write '.' for the location counter", opAt);
      }
      left = combine(left, op, right, opAt);
    }
  }

  private parseUnary(): Expr {
    const c = this.peek();
    if (c === '-' || c === '~' || c === '+') {
      const at = this.pos;
      this.pos++;
      const e = this.parseUnary();
      if (c === '+') return e;
      if (e.symbol !== undefined) throw new ExprError('cannot negate a symbol', at);
      return { value: c === '-' ? -e.value : ~e.value };
    }
    if (c === '(') {
      this.pos++;
      const e = this.parseBinary(0);
      if (this.peek() !== ')') throw new ExprError("expected ')'", this.pos);
      this.pos++;
      return e;
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    this.skipWs();
    const rest = this.src.slice(this.pos);
    let m: RegExpExecArray | null;
    // No MASM-style `10h`: GNU as 2.40's Intel syntax refuses it ("junk `h' after expression").
    if ((m = /^[0-9]+[fb](?![\w$.])/.exec(rest))) {
      this.pos += m[0].length;
      return { value: 0n, symbol: m[0] };
    }
    if ((m = /^0[xX][0-9a-fA-F]+/.exec(rest))) {
      this.pos += m[0].length;
      return { value: checkLiteral(BigInt(m[0]), this.pos - m[0].length) };
    }
    if ((m = /^0[bB][01]+/.exec(rest))) {
      this.pos += m[0].length;
      return { value: BigInt(m[0]) };
    }
    if ((m = /^[0-9]+/.exec(rest))) {
      const text = m[0];
      if (/^[\w$.]/.test(rest.slice(text.length))) throw new ExprError(`bad number '${rest.split(/[^\w$.]/)[0]}'`, this.pos);
      this.pos += text.length;
      // GAS reads a leading 0 as octal.
      if (text.length > 1 && text.startsWith('0')) {
        if (/[89]/.test(text)) throw new ExprError(`bad octal number '${text}'`, this.pos - text.length);
        return { value: BigInt('0o' + text.slice(1)) };
      }
      return { value: checkLiteral(BigInt(text), this.pos - text.length) };
    }
    if ((m = /^'(\\?.)'?/.exec(rest))) {
      this.pos += m[0].length;
      const ch = m[1]!.length === 2 ? m[1]!.slice(1) : m[1]!;
      return { value: BigInt(ch.charCodeAt(0)) };
    }
    if ((m = /^[A-Za-z_.$][\w.$@]*/.exec(rest))) {
      const at = this.pos;
      this.pos += m[0].length;
      const name = m[0];
      // `$` is an ordinary symbol character in AT&T operands (where `$` alone cannot be an expression).
      const here = name === '.' || (this.opts.intel && name === '$');
      if (here) {
        if (name === '$') this.dollar = true;
        return { value: 0n, symbol: HERE };
      }
      if (/^[.$]@/.test(name) && (name[0] === '.' || this.opts.intel)) throw new ExprError(`'${name.slice(1)}' cannot apply to the location counter '${name[0]}'`, at);
      // Register names GNU knows and patchc does not encode are no symbols either (GNU: operand type mismatch,
      // "invalid use of pseudo-register"), though a noprefix or Intel operand would read them as one here.
      if (GNU_ONLY_REGISTER.test(name)) throw new ExprError(`'${name}' is a register to GNU as, which patchc does not encode (AMX tiles, the FLAT pseudo-register)`, at);
      return { value: 0n, symbol: name };
    }
    throw new ExprError(rest.length === 0 ? 'expected an expression' : `unexpected '${rest[0]}' in expression`, this.pos);
  }
}

function checkLiteral(v: bigint, at: number): bigint {
  if (v > MASK64) throw new ExprError('number does not fit in 64 bits', at);
  return v;
}

function combine(a: Expr, op: string, b: Expr, at: number): Expr {
  if (op === '+') {
    if (a.symbol !== undefined && b.symbol !== undefined) throw new ExprError('cannot add two symbols', at);
    const symbol = a.symbol ?? b.symbol;
    return symbol === undefined ? { value: a.value + b.value } : { value: a.value + b.value, symbol };
  }
  if (op === '-') {
    // Both are the start of the same statement (GNU: `.byte .-.` is 0, `(.+4)-.` is 4).
    if (a.symbol === HERE && b.symbol === HERE) return { value: a.value - b.value };
    if (b.symbol === HERE && a.symbol === undefined) throw new ExprError("subtracting the location counter '.' from a constant needs the block's address", at);
    if (b.symbol !== undefined && (a.symbol === HERE || b.symbol === HERE)) throw new ExprError("a difference between the location counter '.' and a symbol is not supported", at);
    if (b.symbol !== undefined) throw new ExprError('symbol differences are not supported here', at);
    return a.symbol === undefined ? { value: a.value - b.value } : { value: a.value - b.value, symbol: a.symbol };
  }
  // objdump's `[esi+eiz*1]`: no register to GNU as 2.40, which reads eiz/riz as a symbol here.
  const pseudoIndex = [a.symbol, b.symbol].find((x) => x !== undefined && /^[er]iz$/i.test(x));
  if (pseudoIndex) throw new ExprError(`'${pseudoIndex}' (objdump's zero index) is not supported: GNU as 2.40 has no such register and reads it as a symbol`, at);
  if (a.symbol !== undefined || b.symbol !== undefined) throw new ExprError(`operator '${op}' needs constants`, at);
  const x = a.value;
  const y = b.value;
  switch (op) {
    case '*': return { value: x * y };
    case '/':
    case '%':
      if (y === 0n) throw new ExprError('division by zero', at);
      return { value: op === '/' ? x / y : x % y };
    case '<<': return { value: toSigned64(x << (y & 63n)) };
    case '>>': return { value: toSigned64(x) >> (y & 63n) };
    case '&': return { value: x & y };
    case '|': return { value: x | y };
    case '^': return { value: x ^ y };
  }
  throw new ExprError(`unknown operator '${op}'`, at);
}
