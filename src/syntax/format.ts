// The canonical layout of a rule file (`patchc fmt`, the language server's formatting).
//
// Lines are never joined or split: a statement ends at a newline, so the line structure is part of the
// meaning, and keeping it keeps every diagnostic's line number. What is canonical is the white space:
// two spaces of indentation per open brace, one space between words, none before `,` `;` `)`, `->` with one
// space each side and aligned over a run of one-line rules, trailing comments aligned over a run of code
// lines, at most one blank line in a row, none at either end, one final newline. Comments are kept verbatim.
import type { IToken, TokenType } from 'chevrotain';
import { error, type Diagnostic } from '../diag/diagnostic.js';
import { SourceText } from '../diag/source.js';
import { lex } from './lexer.js';
import { parseRules } from './parse.js';
import * as T from './tokens.js';

export interface FormatResult {
  /** Undefined when the file does not parse: a file with errors is never rewritten. */
  text?: string;
  diagnostics: Diagnostic[];
}

/** Spaces per brace level. */
export const INDENT = '  ';
/** Spaces between code and its trailing comment, at the longest line of a run. */
const COMMENT_GAP = 2;

type BlockKind = 'arch' | 'asm' | 'table';

interface Line {
  tokens: IToken[];
  comment?: string;
  /** Brace depth for the indentation. */
  depth: number;
  /** Inside an arch block, a whole rule on this one line: its `->` is aligned with its neighbours'. */
  rule: boolean;
  label: boolean;
  opDecl: boolean;
}

export function formatRules(src: SourceText): FormatResult {
  const parsed = parseRules(src);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: parsed.diagnostics };
  const text = layout(readLines(src));
  // The promise is white space only: the same tokens and comments in the same order, or no rewrite at all.
  if (words(text) !== words(src.text)) return { diagnostics: [...parsed.diagnostics, error('fmt-internal', 'the formatter would change more than white space here (a bug in patchc fmt); the file is left as it is', src.span(0, 0))] };
  return { text, diagnostics: parsed.diagnostics };
}

/** Tokens and comments, without white space and line ends. */
function words(text: string): string {
  const src = new SourceText('', text);
  const tokens = lex(src).tokens.filter((t) => t.tokenType !== T.NL);
  const comments = text.split('\n').flatMap((l) => {
    const m = /#[^\n]*$/.exec(l.replace(/"(?:[^"\\\n]|\\.)*"/g, (q) => ' '.repeat(q.length)));
    return m ? [m[0].trimEnd()] : [];
  });
  return JSON.stringify([tokens.map((t) => t.image), comments]);
}

/** Convenience for callers holding a string (tests, the language server). */
export function formatText(file: string, text: string): FormatResult {
  return formatRules(new SourceText(file, text));
}

function readLines(src: SourceText): Line[] {
  const tokens = lex(src).tokens.filter((t) => t.tokenType !== T.NL);
  const byLine = new Map<number, IToken[]>();
  for (const t of tokens) {
    // From the offset, not Chevrotain's startLine: that counts a CR LF as two line ends.
    const at = src.pos(t.startOffset).line;
    let list = byLine.get(at);
    if (!list) byLine.set(at, (list = []));
    list.push(t);
  }
  const ends: number[] = [];
  for (let i = src.text.indexOf('\n'); i >= 0; i = src.text.indexOf('\n', i + 1)) ends.push(i);
  ends.push(src.text.length);
  const count = ends.length;
  const lines: Line[] = [];
  const stack: BlockKind[] = [];
  for (let n = 1; n <= count; n++) {
    const toks = byLine.get(n) ?? [];
    const text = src.lineText(n);
    // What follows the last token is white space or a comment (the file lexed without errors).
    const last = toks[toks.length - 1];
    const tail = last ? src.text.slice(last.endOffset! + 1, ends[n - 1]) : text;
    const comment = tail.trim().startsWith('#') ? tail.trim() : undefined;
    const first = toks[0];
    const depth = Math.max(0, stack.length - (first?.tokenType === T.RBrace ? 1 : 0));
    const inside = stack[stack.length - 1];
    const arrowAt = toks.findIndex((t) => t.tokenType === T.Arrow);
    let net = 0;
    for (const t of toks) {
      if (t.tokenType === T.LBrace) {
        net++;
        stack.push(inside === 'arch' && arrowAt >= 0 ? 'asm' : first?.tokenType === T.Arch && stack.length === 0 ? 'arch' : 'table');
      } else if (t.tokenType === T.RBrace) {
        net--;
        stack.pop();
      }
    }
    lines.push({
      tokens: toks,
      ...(comment ? { comment } : {}),
      depth,
      rule: inside === 'arch' && arrowAt > 0 && net === 0,
      label: inside === 'asm' && toks.length === 2 && toks[1]!.tokenType === T.Colon,
      opDecl: first?.tokenType === T.Op && depth === 0,
    });
  }
  return lines;
}

function layout(lines: Line[]): string {
  const code = lines.map((l) => (l.tokens.length ? joinTokens(l) : ''));
  alignArrows(lines, code);
  const indented = lines.map((l, i) => (l.tokens.length ? indentOf(l) + code[i]! : ''));
  const out: string[] = [];
  // Trailing comments: aligned over each run of consecutive code lines.
  for (let i = 0; i < lines.length; ) {
    if (!lines[i]!.tokens.length) {
      const l = lines[i]!;
      out.push(l.comment ? indentOf(l) + l.comment : '');
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && lines[j]!.tokens.length) j++;
    const width = Math.max(0, ...lines.slice(i, j).map((l, k) => (l.comment ? indented[i + k]!.length : 0)));
    for (let k = i; k < j; k++) {
      const c = lines[k]!.comment;
      out.push(c ? `${indented[k]!.padEnd(width + COMMENT_GAP)}${c}` : indented[k]!);
    }
    i = j;
  }
  const kept: string[] = [];
  for (const l of out) if (l !== '' || (kept.length && kept[kept.length - 1] !== '')) kept.push(l);
  while (kept.length && kept[kept.length - 1] === '') kept.pop();
  return kept.length ? `${kept.join('\n')}\n` : '';
}

function indentOf(l: Line): string {
  // A label sits at its rule's indentation, out of the instructions' column.
  return INDENT.repeat(l.label ? Math.max(0, l.depth - 1) : l.depth);
}

/** The selectors of a run of one-line rules padded to one width, so their `->` line up. */
function alignArrows(lines: Line[], code: string[]): void {
  for (let i = 0; i < lines.length; ) {
    if (!lines[i]!.rule) {
      i++;
      continue;
    }
    // A run: one-line rules, with comment-only lines between them allowed.
    const run: number[] = [];
    let j = i;
    while (j < lines.length && (lines[j]!.rule || (!lines[j]!.tokens.length && lines[j]!.comment))) {
      if (lines[j]!.rule) run.push(j);
      j++;
    }
    const selectorWidth = (k: number): number => code[k]!.indexOf(' -> ');
    const width = Math.max(...run.map(selectorWidth));
    for (const k of run) {
      const at = selectorWidth(k);
      code[k] = `${code[k]!.slice(0, at).padEnd(width)}${code[k]!.slice(at)}`;
    }
    i = j;
  }
}

function is(t: IToken | undefined, type: TokenType): boolean {
  return t?.tokenType === type;
}

function joinTokens(l: Line): string {
  const toks = l.tokens;
  let s = toks[0]!.image;
  let parens = toks[0]!.tokenType === T.LParen ? 1 : 0;
  for (let k = 1; k < toks.length; k++) {
    const a = toks[k - 1]!;
    const b = toks[k]!;
    s += gap(a, b, parens, l.opDecl) + b.image;
    if (is(b, T.LParen)) parens++;
    else if (is(b, T.RParen)) parens = Math.max(0, parens - 1);
  }
  return s;
}

/** The white space between two tokens of one line; `parens` is the nesting before `b`. */
function gap(a: IToken, b: IToken, parens: number, opDecl: boolean): string {
  const spaced = b.startOffset > a.endOffset! + 1 ? ' ' : '';
  if (is(a, T.Arrow) || is(b, T.Arrow)) return ' ';
  if (is(b, T.Comma) || is(b, T.Semicolon)) return '';
  if (is(a, T.Semicolon)) return ' ';
  if (is(a, T.LBrace) && is(b, T.RBrace)) return '';
  if (is(a, T.LBrace) || is(b, T.LBrace) || is(b, T.RBrace)) return ' ';
  if (opDecl) {
    if (is(a, T.LParen) || is(b, T.LParen) || is(b, T.RParen)) return '';
    if (is(b, T.Colon)) return parens > 0 ? '' : ' ';
    if (is(a, T.Minus) && is(b, T.Number)) return '';
    return ' ';
  }
  // Inside an operand's parentheses (AT&T `(%rax,%rbx,4)`) the author's spacing stands.
  if (is(a, T.Comma)) return parens > 0 ? spaced : ' ';
  return spaced;
}
