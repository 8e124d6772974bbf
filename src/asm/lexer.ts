// Splits a block of assembly text into statements: comments stripped, labels and prefixes peeled off, operand
// text split at top-level commas. Offsets always point back into the original text.

export interface LabelDef {
  name: string;
  start: number;
  end: number;
}

export interface RawOperand {
  text: string;
  start: number;
  end: number;
}

export interface Statement {
  labels: LabelDef[];
  /** Prefix words (`lock`, `rep`, ...) and pseudo prefixes (`{disp32}` as `{disp32}`), lower-cased. */
  prefixes: { word: string; start: number; end: number }[];
  mnemonic?: { text: string; start: number; end: number };
  operands: RawOperand[];
  /** The statement text (labels included), trimmed, with its offsets. */
  text: string;
  start: number;
  end: number;
}

export const PREFIX_WORDS = new Set([
  'lock', 'rep', 'repe', 'repz', 'repne', 'repnz', 'data16', 'data32', 'addr16', 'addr32', 'notrack', 'xacquire',
  'xrelease', 'bnd', 'rex', 'rex64', 'rex.w', 'rex.b', 'rex.x', 'rex.r', 'cs', 'ds', 'es', 'fs', 'gs', 'ss',
]);


/**
 * Calls `each` for the pieces of `text` split at newlines and `;`, `#` comments dropped (GAS x86: `#` to end
 * of line). One piece at a time, so a long text is never held as a list of pieces.
 */
function forEachPiece(text: string, each: (s: string, start: number) => void): void {
  // The common case, one instruction and no comment, without splitting anything.
  if (!text.includes('\n') && !text.includes(';') && !text.includes('#')) {
    each(text, 0);
    return;
  }
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    const hash = findComment(line);
    const body = hash >= 0 ? line.slice(0, hash) : line;
    let at = 0;
    for (;;) {
      const semi = body.indexOf(';', at);
      const part = semi < 0 ? body.slice(at) : body.slice(at, semi);
      each(part, lineStart + at);
      if (semi < 0) break;
      at = semi + 1;
    }
    lineStart = lineEnd + 1;
  }
}

function findComment(line: string): number {
  let inQuote = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inQuote) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inQuote = false;
    } else if (c === 34) inQuote = true;
    else if (c === 35 /* # */) return i;
  }
  return -1;
}

export function splitOperands(s: string, base: number): RawOperand[] {
  const out: RawOperand[] = [];
  let depth = 0;
  let from = 0;
  const push = (to: number): void => {
    const raw = s.slice(from, to);
    const lead = raw.length - raw.trimStart().length;
    const t = raw.trim();
    out.push({ text: t, start: base + from + lead, end: base + from + lead + t.length });
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      push(i);
      from = i + 1;
    }
  }
  if (s.trim().length > 0 || out.length > 0) push(s.length);
  return out;
}

/** Blanks out C-style block comments, keeping every other character at its offset. */
function blankBlockComments(text: string): string {
  if (!text.includes('/*')) return text;
  return text.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '));
}

/** The blanks between words of a statement (no newline: that ends the statement). Shapes and the quick
 * path (shape.ts, quickLine.ts) must skip exactly these, so they use this one. */
export function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

const LABEL_Y = /([A-Za-z_.$][\w.$@]*|[0-9]+)[ \t]*:(?!:)/y;
const PSEUDO_Y = /\{[a-z0-9]+\}/iy;
const WORD_Y = /[A-Za-z_.][\w.]*/y;

/** A statement whose operand list is split only when someone asks (cached instructions never do). */
class LazyStatement implements Statement {
  mnemonic?: { text: string; start: number; end: number };
  private ops?: RawOperand[];
  constructor(
    public labels: LabelDef[],
    public prefixes: { word: string; start: number; end: number }[],
    public text: string,
    public start: number,
    public end: number,
    private readonly rest: string,
    private readonly restStart: number,
  ) {}

  get operands(): RawOperand[] {
    this.ops ??= this.rest.length > 0 ? splitOperands(this.rest, this.restStart) : [];
    return this.ops;
  }

  set operands(v: RawOperand[]) {
    this.ops = v;
  }
}

export function lexBlock(source: string): Statement[] {
  const text = blankBlockComments(source);
  const out: Statement[] = [];
  forEachPiece(text, (s, pieceStart) => {
    let pos = 0;
    const skip = (): void => {
      while (pos < s.length && isBlank(s.charCodeAt(pos))) pos++;
    };
    skip();
    if (pos >= s.length) return;
    const stmtStart = pieceStart + pos;
    const labels: LabelDef[] = [];
    const prefixes: { word: string; start: number; end: number }[] = [];
    let mnemonic: { text: string; start: number; end: number } | undefined;
    if (s.includes(':')) {
      for (;;) {
        LABEL_Y.lastIndex = pos;
        const m = LABEL_Y.exec(s);
        if (!m) break;
        labels.push({ name: m[1]!, start: pieceStart + pos, end: pieceStart + pos + m[1]!.length });
        pos += m[0].length;
        skip();
      }
    }
    for (;;) {
      if (s.charCodeAt(pos) === 123 /* { */) {
        PSEUDO_Y.lastIndex = pos;
        const pm = PSEUDO_Y.exec(s);
        if (pm) {
          prefixes.push({ word: pm[0].toLowerCase(), start: pieceStart + pos, end: pieceStart + pos + pm[0].length });
          pos += pm[0].length;
          skip();
          continue;
        }
      }
      WORD_Y.lastIndex = pos;
      const wm = WORD_Y.exec(s);
      if (!wm) break;
      const word = wm[0].toLowerCase();
      const afterPos = pos + wm[0].length;
      const after = s.charCodeAt(afterPos);
      // A prefix word is followed by space or the end, then another word (`rep movsb`) or nothing (`lock`);
      // `fs:` and friends are operands.
      if ((PREFIX_WORDS.has(word) || /^rex(\.[wrxb]+)?$/.test(word)) && (afterPos >= s.length || isBlank(after))) {
        const restAfter = s.slice(afterPos).trim();
        if (restAfter === '' || /^[{A-Za-z_.]/.test(restAfter)) {
          prefixes.push({ word, start: pieceStart + pos, end: pieceStart + afterPos });
          pos = afterPos;
          skip();
          continue;
        }
      }
      mnemonic = { text: word, start: pieceStart + pos, end: pieceStart + afterPos };
      pos = afterPos;
      break;
    }
    const stmt = new LazyStatement(labels, prefixes, s.trim(), stmtStart, pieceStart + s.trimEnd().length, pos < s.length ? s.slice(pos) : '', pieceStart + pos);
    if (mnemonic) stmt.mnemonic = mnemonic;
    out.push(stmt);
  });
  return out;
}
