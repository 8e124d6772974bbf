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

const LABEL_RE = /^([A-Za-z_.$][\w.$@]*|[0-9]+)[ \t]*:(?!:)/;
const WORD_RE = /^[A-Za-z_.][\w.]*/;

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
    const stmt: Statement = { labels: [], prefixes: [], operands: [], text: s.trim(), start: stmtStart, end: p.start + s.trimEnd().length };
    for (;;) {
      const m = LABEL_RE.exec(s.slice(pos));
      if (!m) break;
      stmt.labels.push({ name: m[1]!, start: p.start + pos, end: p.start + pos + m[1]!.length });
      pos += m[0].length;
      skip();
    }
    for (;;) {
      const rest = s.slice(pos);
      const pm = /^\{[a-z0-9]+\}/i.exec(rest);
      if (pm) {
        stmt.prefixes.push({ word: pm[0].toLowerCase(), start: p.start + pos, end: p.start + pos + pm[0].length });
        pos += pm[0].length;
        skip();
        continue;
      }
      const wm = WORD_RE.exec(rest);
      if (!wm) break;
      const word = wm[0].toLowerCase();
      const after = rest[wm[0].length];
      // A segment-register word followed by ':' is an operand, not a prefix; a prefix is followed by space or end.
      if (PREFIX_WORDS.has(word) && (after === undefined || /\s/.test(after))) {
        const restAfter = rest.slice(wm[0].length).trim();
        // `rep` alone, or `rep movsb`: a prefix. But `cs` etc. followed by operands would be odd; accept only words.
        if (restAfter === '' || /^[{A-Za-z_.]/.test(restAfter)) {
          stmt.prefixes.push({ word, start: p.start + pos, end: p.start + pos + wm[0].length });
          pos += wm[0].length;
          skip();
          continue;
        }
      }
      stmt.mnemonic = { text: word, start: p.start + pos, end: p.start + pos + wm[0].length };
      pos += wm[0].length;
      break;
    }
    if (stmt.mnemonic) {
      stmt.operands = splitOperands(s.slice(pos), p.start + pos);
    } else if (pos < s.length) {
      // Something that is not a label, prefix or mnemonic.
      stmt.operands = splitOperands(s.slice(pos), p.start + pos);
    }
    out.push(stmt);
  }
  return out;
}
