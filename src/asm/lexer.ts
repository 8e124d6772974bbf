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


/** Splits `text` into pieces at newlines and `;`, dropping `#` comments (GAS x86: `#` to end of line). */
function pieces(text: string): { s: string; start: number }[] {
  const out: { s: string; start: number }[] = [];
  let lineStart = 0;
  for (const line of text.split('\n')) {
    let body = line;
    const hash = findComment(line);
    if (hash >= 0) body = line.slice(0, hash);
    let at = 0;
    for (const part of body.split(';')) {
      out.push({ s: part, start: lineStart + at });
      at += part.length + 1;
    }
    lineStart += line.length + 1;
  }
  return out;
}

function findComment(line: string): number {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"') quote = c;
    else if (c === '#') return i;
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

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

const LABEL_Y = /([A-Za-z_.$][\w.$@]*|[0-9]+)[ \t]*:(?!:)/y;
const PSEUDO_Y = /\{[a-z0-9]+\}/iy;
const WORD_Y = /[A-Za-z_.][\w.]*/y;

/** A statement whose operand list is split only when someone asks (cached instructions never do). */
class LazyStatement implements Statement {
  labels: LabelDef[] = [];
  prefixes: { word: string; start: number; end: number }[] = [];
  mnemonic?: { text: string; start: number; end: number };
  private ops?: RawOperand[];
  constructor(public text: string, public start: number, public end: number, private readonly rest: string, private readonly restStart: number) {}

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
  for (const p of pieces(text)) {
    let pos = 0;
    const s = p.s;
    const skip = (): void => {
      while (pos < s.length && isSpace(s.charCodeAt(pos))) pos++;
    };
    skip();
    if (pos >= s.length) continue;
    const stmtStart = p.start + pos;
    const labels: LabelDef[] = [];
    const prefixes: { word: string; start: number; end: number }[] = [];
    let mnemonic: { text: string; start: number; end: number } | undefined;
    if (s.includes(':')) {
      for (;;) {
        LABEL_Y.lastIndex = pos;
        const m = LABEL_Y.exec(s);
        if (!m) break;
        labels.push({ name: m[1]!, start: p.start + pos, end: p.start + pos + m[1]!.length });
        pos += m[0].length;
        skip();
      }
    }
    for (;;) {
      if (s.charCodeAt(pos) === 123 /* { */) {
        PSEUDO_Y.lastIndex = pos;
        const pm = PSEUDO_Y.exec(s);
        if (pm) {
          prefixes.push({ word: pm[0].toLowerCase(), start: p.start + pos, end: p.start + pos + pm[0].length });
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
      if ((PREFIX_WORDS.has(word) || /^rex(\.[wrxb]+)?$/.test(word)) && (afterPos >= s.length || isSpace(after))) {
        const restAfter = s.slice(afterPos).trim();
        if (restAfter === '' || /^[{A-Za-z_.]/.test(restAfter)) {
          prefixes.push({ word, start: p.start + pos, end: p.start + afterPos });
          pos = afterPos;
          skip();
          continue;
        }
      }
      mnemonic = { text: word, start: p.start + pos, end: p.start + afterPos };
      pos = afterPos;
      break;
    }
    const stmt = new LazyStatement(s.trim(), stmtStart, p.start + s.trimEnd().length, pos < s.length ? s.slice(pos) : '', p.start + pos);
    stmt.labels = labels;
    stmt.prefixes = prefixes;
    if (mnemonic) stmt.mnemonic = mnemonic;
    out.push(stmt);
  }
  return out;
}
