import type { IToken } from 'chevrotain';
import { chevrotain } from './chevrotain.js';
import { error, type Diagnostic } from '../diag/diagnostic.js';
import type { SourceText } from '../diag/source.js';
import { allTokens } from './tokens.js';

const lexer = new chevrotain.Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false });

/** Unexpected-character errors reported per file; the rest are counted in one more diagnostic. */
export const MAX_LEX_ERRORS = 100;

export interface LexResult {
  tokens: IToken[];
  diagnostics: Diagnostic[];
}

export function lex(src: SourceText): LexResult {
  const res = lexer.tokenize(src.text);
  // A file of binary garbage has an unexpected character every other byte: report the first ones only.
  const diagnostics = res.errors.slice(0, MAX_LEX_ERRORS).map((e) => {
    const bad = src.text.slice(e.offset, e.offset + Math.max(1, e.length));
    // Not printable: code points, so a NUL, an escape sequence or a U+2028 cannot garble the terminal or
    // break the diagnostic's line.
    const printable = /^[\x20-\x7e]+$/.test(bad) ? `'${bad}'` : [...bad].map((ch) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
    return error('lex-unexpected-char', `unexpected character ${printable}`, src.span(e.offset, e.offset + Math.max(1, e.length)), [
      'names, numbers and registers use letters, digits and _ . $ % @; comments start with #',
    ]);
  });
  const more = res.errors[MAX_LEX_ERRORS];
  if (more) {
    diagnostics.push(error('lex-unexpected-char', `${res.errors.length - MAX_LEX_ERRORS} more runs of unexpected characters (only the first ${MAX_LEX_ERRORS} are shown); is this a rule file?`, src.span(more.offset, more.offset + 1)));
  }
  return { tokens: res.tokens, diagnostics };
}
