// Semantic highlighting from the rule language's own lexer, so an editor colours what patchc reads.
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver';
import { knownMnemonics } from '../asm/codeIndex.js';
import { lookupRegister } from '../asm/registers.js';
import { SourceText } from '../diag/source.js';
import { TYPES } from '../model/check.js';
import { lex } from '../syntax/lexer.js';
import * as T from '../syntax/tokens.js';

export const TOKEN_TYPES = ['keyword', 'function', 'type', 'number', 'string', 'comment', 'variable', 'parameter', 'macro', 'operator'] as const;
export const legend: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [] };

const type = (t: (typeof TOKEN_TYPES)[number]): number => TOKEN_TYPES.indexOf(t);

let mnemonics: Set<string> | undefined;

export function semanticTokens(text: string, ops: ReadonlySet<string>): SemanticTokens {
  mnemonics ??= new Set(knownMnemonics().map((m) => m.toLowerCase()));
  const src = new SourceText('', text);
  const tokens = lex(src).tokens;
  const keywords = new Set<unknown>(T.keywords);
  const b = new SemanticTokensBuilder();
  const lines = text.split('\n');
  let depth = 0;
  let prev: (typeof tokens)[number] | undefined;
  // A comment runs from a `#` after the last token of a line (or at its start) to the line's end.
  const comment = (line: number, from: number): void => {
    const at = lines[line - 1]?.indexOf('#', from) ?? -1;
    if (at >= 0) b.push(line - 1, at, lines[line - 1]!.length - at, type('comment'), 0);
  };
  const endCol = (t: (typeof tokens)[number]): number => src.pos((t.endOffset ?? t.startOffset) + 1).col - 1;
  for (const t of tokens) {
    // Places from offsets: Chevrotain's own line count takes a CR LF for two line ends.
    const at = src.pos(t.startOffset);
    const line = at.line;
    // Every line ends in an NL token (the last one perhaps not: see below).
    if (t.tokenType === T.NL) {
      comment(line, prev && prev.tokenType !== T.NL ? endCol(prev) : 0);
      prev = t;
      continue;
    }
    const first = !prev || prev.tokenType === T.NL;
    let kind: number | undefined;
    const img = t.image;
    if (t.tokenType === T.LBrace) depth++;
    else if (t.tokenType === T.RBrace) depth = Math.max(0, depth - 1);
    if (keywords.has(t.tokenType)) kind = type('keyword');
    else if (t.tokenType === T.Number) kind = type('number');
    else if (t.tokenType === T.StringLit) kind = type('string');
    else if (t.tokenType === T.Arrow) kind = type('operator');
    else if (t.tokenType === T.Word) {
      const bare = img.replace(/^%/, '');
      const afterStart = prev && !first && (prev.tokenType === T.Arrow || prev.tokenType === T.Semicolon || prev.tokenType === T.LBrace);
      if (afterStart || (first && depth >= 2 && mnemonics.has(img.toLowerCase()))) kind = mnemonics.has(img.toLowerCase()) ? type('macro') : undefined;
      if (kind === undefined) {
        if (ops.has(img)) kind = type('function');
        else if (/^(ret|arg[0-5])$/.test(bare)) kind = type('parameter');
        else if (img in TYPES) kind = type('type');
        else if (lookupRegister(bare)) kind = type('variable');
      }
    }
    if (kind !== undefined) b.push(line - 1, at.col - 1, img.length, kind, 0);
    prev = t;
  }
  if (!text.endsWith('\n')) comment(lines.length, prev && prev.tokenType !== T.NL ? endCol(prev) : 0);
  return b.build();
}
