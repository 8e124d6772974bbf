import type { IToken } from 'chevrotain';
import { chevrotain } from './chevrotain.js';
import { error, type Diagnostic } from '../diag/diagnostic.js';
import type { SourceText } from '../diag/source.js';
import { allTokens } from './tokens.js';

const lexer = new chevrotain.Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false });

export interface LexResult {
  tokens: IToken[];
  diagnostics: Diagnostic[];
}

export function lex(src: SourceText): LexResult {
  const res = lexer.tokenize(src.text);
  const diagnostics = res.errors.map((e) => {
    const bad = src.text.slice(e.offset, e.offset + Math.max(1, e.length));
    const printable = /^[\x20-\x7e]+$/.test(bad) ? `'${bad}'` : `byte(s) ${JSON.stringify(bad)}`;
    return error('lex-unexpected-char', `unexpected character ${printable}`, src.span(e.offset, e.offset + Math.max(1, e.length)), [
      'names, numbers and registers use letters, digits and _ . $ % @; comments start with #',
    ]);
  });
  return { tokens: res.tokens, diagnostics };
}
