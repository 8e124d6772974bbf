// GNU `.intel_syntax noprefix` operands: `QWORD PTR fs:[rax+rbx*8+16]`, `OFFSET sym`, bare numbers as immediates,
// bare symbols as memory (as GNU reads them).
import { OperandError } from './att.js';
import { ExprError, ExprParser } from './expr.js';
import type { RawOperand } from './lexer.js';
import type { Expr, MemOperand, Operand, Rounding } from './operands.js';
import { attachDecorations, peelDecorations, roundingOperand } from './decorations.js';
import { lookupRegister, type RegInfo } from './registers.js';

const SIZE_WORDS: Record<string, number> = {
  byte: 1, word: 2, dword: 4, fword: 6, qword: 8, mmword: 8, tbyte: 10, tword: 10, oword: 16, xmmword: 16,
  ymmword: 32, zmmword: 64,
};

function parseExpr(text: string, base: number, end: number): Expr {
  const p = new ExprParser(text, 0, { intel: true });
  try {
    const e = p.parse();
    if (text.slice(p.pos).trim() !== '') throw new OperandError(`junk '${text.slice(p.pos).trim()}' in expression`, base + p.pos, end);
    return e;
  } catch (e) {
    if (e instanceof ExprError) throw new OperandError(e.message, base + e.at, end);
    throw e;
  }
}

function reg(s: string): RegInfo | undefined {
  return lookupRegister(s.replace(/\s+/g, ''));
}

export function parseIntelOperand(raw: RawOperand): Operand {
  // `[ebx][ecx*4]` is GNU shorthand for `[ebx+ecx*4]`; rewritten in place so offsets stay put.
  let text = raw.text.includes('][') || /\]\s+\[/.test(raw.text) ? raw.text.replace(/\](\s*)\[/g, (_m, sp: string) => '+' + sp + ' ') : raw.text;
  let base = raw.start;
  const span = { start: raw.start, end: raw.end };
  const eat = (n: number): void => {
    const t = text.slice(n);
    base += n + (t.length - t.trimStart().length);
    text = t.trimStart();
  };
  let size: number | undefined;
  // `DWORD BCST [rax]`: an EVEX broadcast of DWORD elements.
  const sm = /^([a-z]+)\s+(ptr|bcst)\b/i.exec(text);
  const bcst = sm?.[2]!.toLowerCase() === 'bcst';
  if (sm) {
    const sz = SIZE_WORDS[sm[1]!.toLowerCase()];
    if (sz === undefined) throw new OperandError(`unknown operand size '${sm[1]}'`, base, base + sm[1]!.length);
    size = sz;
    eat(sm[0].length);
  }
  const om = /^offset\s+(flat\s*:\s*)?/i.exec(text);
  if (om) {
    if (size !== undefined) throw new OperandError('OFFSET cannot have a size', raw.start, raw.end);
    eat(om[0].length);
    return { kind: 'imm', expr: parseExpr(text, base, raw.end), ...span };
  }
  const whole = reg(text);
  if (whole) {
    if (size !== undefined) throw new OperandError(`a register operand cannot have '${sm![1]} PTR'`, raw.start, raw.end);
    return { kind: 'reg', info: whole, ...span };
  }
  let seg: RegInfo | undefined;
  const segm = /^([a-z]{2})\s*:/i.exec(text);
  if (segm) {
    const r = reg(segm[1]!);
    if (r && r.cls === 'seg') {
      seg = r;
      eat(segm[0].length);
    }
  }
  const open = text.indexOf('[');
  if (open < 0) {
    if (text === '') throw new OperandError('missing operand', raw.start, raw.end);
    if (bcst) throw new OperandError('BCST needs a bracketed memory operand', raw.start, raw.end);
    const expr = parseExpr(text, base, raw.end);
    if (seg === undefined && size === undefined && expr.symbol === undefined) return { kind: 'imm', expr, ...span };
    const mem: MemOperand = { kind: 'mem', scale: 1, disp: expr, bare: true, ...span };
    if (seg) mem.seg = seg;
    if (size !== undefined) mem.size = size;
    return mem;
  }
  const close = text.lastIndexOf(']');
  if (close < open) throw new OperandError("missing ']'", base + open, raw.end);
  const before = text.slice(0, open).trim();
  const after = text.slice(close + 1).trim();
  const inner = text.slice(open + 1, close);
  const mem: MemOperand = { kind: 'mem', scale: 1, disp: { value: 0n }, bare: false, ...span };
  if (seg) mem.seg = seg;
  if (size !== undefined) mem.size = size;
  if (bcst) mem.bcst = {};
  // Split the bracket contents into signed terms; registers become base/index, the rest is the displacement.
  const dispParts: string[] = [];
  if (before !== '') dispParts.push('+(' + before + ')');
  if (after !== '') {
    if (!/^[+-]/.test(after)) throw new OperandError(`junk '${after}' after ']'`, base + close + 1, raw.end);
    dispParts.push(after);
  }
  let depth = 0;
  let from = 0;
  const terms: { sign: string; t: string }[] = [];
  const flush = (to: number, sign: string): void => {
    const t = inner.slice(from, to).trim();
    if (t !== '') terms.push({ sign, t });
  };
  let sign = '+';
  for (let i = 0; i <= inner.length; i++) {
    const c = inner[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    if (i === inner.length || (depth === 0 && (c === '+' || c === '-') && i > from && inner.slice(from, i).trim() !== '')) {
      flush(i, sign);
      if (i < inner.length) sign = c!;
      from = i + 1;
    } else if (depth === 0 && (c === '+' || c === '-') && inner.slice(from, i).trim() === '') {
      sign = sign === c ? '+' : c === '-' ? '-' : sign;
      from = i + 1;
    }
  }
  const where = { s: base + open, e: base + close + 1 };
  for (const { sign: sg, t } of terms) {
    const r = reg(t);
    if (r) {
      if (sg === '-') throw new OperandError(`cannot subtract register '${t}'`, where.s, where.e);
      if (mem.base === undefined && r.cls !== 'xmm' && r.cls !== 'ymm') mem.base = r;
      else if (mem.index === undefined) mem.index = r;
      else throw new OperandError('too many registers in address', where.s, where.e);
      continue;
    }
    const sc = /^(\w+)\s*\*\s*(\w+)$/.exec(t);
    if (sc) {
      const [a, b] = [sc[1]!, sc[2]!];
      const ra = reg(a);
      const rb = reg(b);
      const r2 = ra ?? rb;
      const n = ra ? b : a;
      if (r2) {
        if (sg === '-') throw new OperandError(`cannot subtract register '${t}'`, where.s, where.e);
        const scale = Number(n);
        if (![1, 2, 4, 8].includes(scale)) throw new OperandError(`scale factor of ${n} is not 1, 2, 4 or 8`, where.s, where.e);
        if (mem.index !== undefined) {
          if (mem.base === undefined) {
            mem.base = mem.index;
          } else throw new OperandError('too many registers in address', where.s, where.e);
        }
        mem.index = r2;
        mem.scale = scale;
        continue;
      }
    }
    dispParts.push(sg + '(' + t + ')');
  }
  if (dispParts.length > 0) {
    const dtext = dispParts.join('');
    try {
      mem.disp = parseExpr(dtext, where.s, where.e);
    } catch (e) {
      if (e instanceof OperandError) throw new OperandError(e.message, where.s, where.e);
      throw e;
    }
  }
  // `[rip+x]`: rip can only be the base.
  return mem;
}

export function parseIntelOperands(raws: RawOperand[]): IntelOperands {
  // `jmp 0x10:0x1000` (direct far): selector and offset become two immediates, as AT&T writes them.
  const only = raws.length === 1 ? raws[0]! : undefined;
  const far = only && !only.text.includes('[') ? /^([^:]+?)\s*:\s*([^:]+)$/.exec(only.text) : null;
  // Only a numeric selector makes it a far pointer; `fs:0x10`, `DWORD PTR gs:x` are memory.
  if (only && far && /^\s*(0x[0-9a-f]+|[0-9]+|[0-9][0-9a-f]*h)\s*$/i.test(far[1]!)) {
    const selText = far[1]!;
    const offStart = only.start + only.text.length - far[2]!.length;
    return [
      { kind: 'imm', expr: parseExpr(selText, only.start, only.start + selText.length), start: only.start, end: only.start + selText.length },
      { kind: 'imm', expr: parseExpr(far[2]!, offStart, only.end), start: offStart, end: only.end },
    ];
  }
  return parseDecorated(raws);
}

/** The operands with their AVX-512 decorations; a rounding operand (`{rn-sae}`, or one after a register) is set aside. */
function parseDecorated(raws: RawOperand[]): IntelOperands {
  const ops: Operand[] = [];
  let rounding: Rounding | undefined;
  const setRounding = (r: Rounding): void => {
    if (rounding) throw new OperandError('duplicated rounding operand', r.start, r.end);
    rounding = r;
  };
  for (const written of raws) {
    const mode = roundingOperand(written);
    if (mode) {
      setRounding({ mode, at: ops.length, start: written.start, end: written.end });
      continue;
    }
    const { raw, deco } = peelDecorations(written, true);
    const op = parseIntelOperand(raw);
    // GNU's Intel syntax takes no `{1toN}` after a numeric absolute address (`[0x10]{1to16}` is an operand type
    // mismatch there; `DWORD BCST [0x10]` and `DWORD PTR foo{1to16}` are fine).
    if (deco?.bcstCount !== undefined && op.kind === 'mem' && !op.base && !op.index && op.disp.symbol === undefined) {
      throw new OperandError('GNU as refuses a {1toN} broadcast after an absolute address; write DWORD BCST [addr]', deco.start, deco.end);
    }
    ops.push(attachDecorations(op, deco));
    if (deco?.rounding) setRounding({ mode: deco.rounding, at: ops.length, start: deco.start, end: deco.end });
  }
  return Object.assign(ops, rounding ? { rounding } : {});
}

/** Intel operands, and the rounding operand when there is one. */
export type IntelOperands = Operand[] & { rounding?: Rounding };
