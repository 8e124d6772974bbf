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
    // Not printable: code points, so a NUL, an escape sequence or a U+2028 cannot garble the terminal or
    // break the diagnostic's line.
    const printable = /^[\x20-\x7e]+$/.test(bad) ? `'${bad}'` : [...bad].map((ch) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
    return error('lex-unexpected-char', `unexpected character ${printable}`, src.span(e.offset, e.offset + Math.max(1, e.length)), [
      'names, numbers and registers use letters, digits and _ . $ % @; comments start with #',
    ]);
  });
  return { tokens: res.tokens, diagnostics };
}
