// AVX-512 operand decorations as GNU as 2.40 reads them: `{%k1}` / `{k1}` opmask, `{z}` zeroing, `{1toN}`
// broadcast after an operand, and `{rn-sae}`, `{rd-sae}`, `{ru-sae}`, `{rz-sae}`, `{sae}` as an operand of their
// own (Intel also after the last register). GNU takes them lower case and without blanks inside the braces,
// with blanks allowed before each group.
import type { RawOperand } from './lexer.js';
import type { MemOperand, Operand, RoundingMode } from './operands.js';
import { lookupRegister, type RegInfo } from './registers.js';
import { InsnError } from './errors.js';

const ROUNDING: Record<string, RoundingMode> = { '{rn-sae}': 'rn', '{rd-sae}': 'rd', '{ru-sae}': 'ru', '{rz-sae}': 'rz', '{sae}': 'sae' };
const BCST_COUNTS = new Set([2, 4, 8, 16, 32]);

export interface Decorations {
  mask?: RegInfo;
  zeroing?: boolean;
  bcstCount?: number;
  /** Intel `zmm1{rn-sae}`: a rounding group after the operand. */
  rounding?: RoundingMode;
  start: number;
  end: number;
}

/** The rounding an operand written alone (`{rn-sae}`) stands for. */
export function roundingOperand(raw: RawOperand): RoundingMode | undefined {
  return raw.text.startsWith('{') ? ROUNDING[raw.text] : undefined;
}

/** Strips the `{...}` groups at the end of an operand; `raw` comes back shortened when there were any. */
export function peelDecorations(raw: RawOperand, intel: boolean): { raw: RawOperand; deco?: Decorations } {
  let text = raw.text;
  if (!text.endsWith('}')) return { raw };
  const deco: Decorations = { start: raw.end, end: raw.end };
  while (text.endsWith('}')) {
    const open = text.lastIndexOf('{');
    if (open <= 0) break;
    const group = text.slice(open);
    const at = raw.start + open;
    const fail = (why: string): never => {
      throw new InsnError(why, at, at + group.length);
    };
    const inner = group.slice(1, -1);
    const rc = ROUNDING[group];
    const bc = /^1to(\d+)$/.exec(inner);
    if (inner === 'z') {
      if (deco.zeroing) fail("duplicated '{z}'");
      deco.zeroing = true;
    } else if (bc) {
      const n = Number(bc[1]);
      if (!BCST_COUNTS.has(n)) fail(`unsupported broadcast '${group}'`);
      if (deco.bcstCount !== undefined) fail(`duplicated '${group}'`);
      deco.bcstCount = n;
    } else if (rc && intel) {
      if (deco.rounding) fail(`duplicated '${group}'`);
      deco.rounding = rc;
    } else {
      const r = lookupRegister(inner.startsWith('%') ? inner.slice(1) : inner);
      if (!r || r.cls !== 'k') fail(`unknown vector operation '${group}'`);
      if (deco.mask) fail(`duplicated '${group}'`);
      deco.mask = r!;
    }
    deco.start = at;
    text = text.slice(0, open).trimEnd();
  }
  if (deco.start === raw.end) return { raw };
  return { raw: { text, start: raw.start, end: raw.start + text.length }, deco };
}

/** Puts parsed decorations on the operand they follow (a broadcast only on memory, nothing on an immediate). */
export function attachDecorations(op: Operand, deco: Decorations | undefined): Operand {
  if (!deco) return op;
  const where = (why: string): InsnError => new InsnError(why, deco.start, deco.end);
  if (op.kind === 'imm') throw where('an immediate cannot carry a mask, broadcast or rounding');
  if (deco.bcstCount !== undefined && op.kind !== 'mem') throw where('a broadcast needs a memory operand');
  const out = { ...op, end: deco.end, decoStart: deco.start, decoEnd: deco.end };
  if (deco.mask) out.mask = deco.mask;
  if (deco.zeroing) out.zeroing = true;
  if (deco.bcstCount !== undefined) (out as MemOperand).bcst = { ...(out as MemOperand).bcst, count: deco.bcstCount };
  return out;
}
