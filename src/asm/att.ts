// AT&T operand syntax: `%reg` (or a bare register name, as with `.att_syntax noprefix`), `$imm`, `*` indirection,
// `seg:disp(base,index,scale)`. Operands come back in Intel order.
import { ExprError, ExprParser } from './expr.js';
import type { RawOperand } from './lexer.js';
import type { Expr, MemOperand, Operand, Rounding } from './operands.js';
import { attachDecorations, peelDecorations, roundingOperand } from './decorations.js';
import { lookupRegister, type RegInfo } from './registers.js';

export { InsnError as OperandError } from './errors.js';
import { InsnError as OperandError } from './errors.js';

const REG_RE = /^%?\s*([a-z][a-z0-9]*(\s*\(\s*[0-7]\s*\))?)/i;

/** Reads a register at the start of `s` (with or without `%`); `requirePercent` for places a symbol could stand. */
function readRegister(s: string, requirePercent: boolean): { info: RegInfo; len: number } | undefined {
  if (requirePercent && !s.startsWith('%')) return undefined;
  const m = REG_RE.exec(s);
  if (!m) return undefined;
  const name = m[1]!.replace(/\s+/g, '').toLowerCase();
  const info = lookupRegister(name);
  if (!info) {
    if (s.startsWith('%')) return undefined;
    return undefined;
  }
  // A bare name followed by more identifier characters is a symbol, not a register.
  const next = s[m[0].length];
  if (next !== undefined && /[\w.$]/.test(next)) return undefined;
  return { info, len: m[0].length };
}

function parseExprAt(text: string, from: number, base: number): { expr: Expr; end: number } {
  const p = new ExprParser(text, from, { intel: false });
  try {
    const expr = p.parse();
    return { expr, end: p.pos };
  } catch (e) {
    if (e instanceof ExprError) throw new OperandError(e.message, base + e.at, base + text.length);
    throw e;
  }
}

export interface AttOperands {
  operands: Operand[];
  indirect: boolean;
  rounding?: Rounding;
}

export function parseAttOperand(raw: RawOperand): { op: Operand; indirect: boolean } {
  let text = raw.text;
  let base = raw.start;
  let indirect = false;
  if (text.startsWith('*')) {
    indirect = true;
    const t = text.slice(1);
    base += 1 + (t.length - t.trimStart().length);
    text = t.trimStart();
  }
  const span = { start: raw.start, end: raw.end };
  if (text.length === 0) throw new OperandError('missing operand', raw.start, raw.end);
  if (text.startsWith('$')) {
    const { expr, end } = parseExprAt(text, 1, base);
    if (text.slice(end).trim() !== '') throw new OperandError(`junk '${text.slice(end).trim()}' after immediate`, base + end, raw.end);
    return { op: { kind: 'imm', expr, ...span }, indirect };
  }
  let pos = 0;
  let seg: RegInfo | undefined;
  const reg = readRegister(text, false);
  if (reg) {
    const after = text.slice(reg.len).trimStart();
    if (after.startsWith(':')) {
      if (reg.info.cls !== 'seg') throw new OperandError(`'${reg.info.name}' is not a segment register`, base, base + reg.len);
      seg = reg.info;
      pos = text.length - after.length + 1;
    } else if (after === '') {
      return { op: { kind: 'reg', info: reg.info, ...span }, indirect };
    } else {
      throw new OperandError(`junk '${after}' after register`, base + reg.len, raw.end);
    }
  }
  while (text[pos] === ' ' || text[pos] === '\t') pos++;
  // Memory: [disp](base,index,scale) or a bare expression.
  let disp: Expr = { value: 0n };
  let hasDisp = false;
  if (text[pos] !== '(' || !looksLikeAddressParen(text.slice(pos))) {
    const r = parseExprAt(text, pos, base);
    disp = r.expr;
    hasDisp = true;
    pos = r.end;
    while (text[pos] === ' ' || text[pos] === '\t') pos++;
  }
  const mem: MemOperand = { kind: 'mem', scale: 1, disp, bare: true, ...span };
  if (seg) mem.seg = seg;
  if (pos >= text.length) {
    if (!hasDisp) throw new OperandError('missing address', raw.start, raw.end);
    return { op: mem, indirect };
  }
  if (text[pos] !== '(') throw new OperandError(`junk '${text.slice(pos)}' in operand`, base + pos, raw.end);
  const close = text.indexOf(')', pos);
  if (close < 0) throw new OperandError("missing ')'", base + pos, raw.end);
  if (text.slice(close + 1).trim() !== '') throw new OperandError(`junk '${text.slice(close + 1).trim()}' after ')'`, base + close + 1, raw.end);
  mem.bare = false;
  const parts = text.slice(pos + 1, close).split(',').map((x) => x.trim());
  if (parts.length > 3) throw new OperandError('too many parts in address', base + pos, base + close + 1);
  const regPart = (s: string, what: string): RegInfo | undefined => {
    if (s === '') return undefined;
    const r = readRegister(s, false);
    if (!r || r.len !== s.length) throw new OperandError(`bad ${what} register '${s}'`, base + pos, base + close + 1);
    return r.info;
  };
  const b = regPart(parts[0] ?? '', 'base');
  if (b) mem.base = b;
  // GNU: `(%ecx,)` is "expecting index register or scale factor after ','" (`(%ecx,%eax,)` and `(,%eax)` are fine).
  if (parts.length === 2 && parts[1] === '') throw new OperandError("expecting an index register or scale factor after ','", base + pos, base + close + 1);
  if (parts.length >= 2) {
    const ix = regPart(parts[1] ?? '', 'index');
    if (ix) mem.index = ix;
    else if ((parts[2] ?? '') !== '') throw new OperandError('scale without index register', base + pos, base + close + 1);
  }
  if (parts.length === 3 && parts[2] !== '') {
    const sc = Number(parts[2]);
    if (![1, 2, 4, 8].includes(sc)) {
      throw new OperandError(`scale factor of ${parts[2]} is not 1, 2, 4 or 8`, base + pos, base + close + 1);
    }
    mem.scale = sc;
  }
  return { op: mem, indirect };
}

/** `(` opens an address when what follows is a register or a comma, not a parenthesised expression. */
function looksLikeAddressParen(s: string): boolean {
  const inner = s.slice(1).trimStart();
  if (inner.startsWith('%') || inner.startsWith(',')) return true;
  return readRegister(inner, false) !== undefined;
}

export function parseAttOperands(raws: RawOperand[]): AttOperands {
  const ops: Operand[] = [];
  let indirect = false;
  let rounding: Rounding | undefined;
  for (const written of raws) {
    const mode = roundingOperand(written);
    if (mode) {
      if (rounding) throw new OperandError(`duplicated '${written.text}'`, written.start, written.end);
      // `at` counts Intel-order operands before it; fixed below once the count is known.
      rounding = { mode, at: ops.length, start: written.start, end: written.end };
      continue;
    }
    const { raw, deco } = peelDecorations(written, false);
    const r = parseAttOperand(raw);
    if (r.indirect) indirect = true;
    ops.push(attachDecorations(r.op, deco));
  }
  if (rounding) rounding.at = ops.length - rounding.at;
  const extra = rounding ? { rounding } : {};
  // GNU keeps the written order when every operand is an immediate (`enter $16,$0`, `ljmp $sel,$off`).
  if (ops.every((o) => o.kind === 'imm')) return { operands: ops, indirect, ...extra };
  return { operands: ops.reverse(), indirect, ...extra };
}
