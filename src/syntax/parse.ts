import { error, type Diagnostic } from '../diag/diagnostic.js';
import { SourceText } from '../diag/source.js';
import type { RuleFileAst } from './ast.js';
import type { CstNode, IToken } from 'chevrotain';
import { lex } from './lexer.js';
import { LBrace, RBrace } from './tokens.js';
import { MAX_SYNTAX_ERRORS, rulesParser, TooManySyntaxErrors } from './parser.js';
import { AstBuilder } from './toAst.js';

export interface ParseResult {
  ast: RuleFileAst;
  diagnostics: Diagnostic[];
}

/** Limits against hostile input the parser itself enforces; each is named in its error. */
export const SYNTAX_LIMITS = {
  /**
   * Brace blocks nested deeper than this are refused before parsing: the parser recurses once per level
   * (a table line's nested block), and tens of thousands of levels overflow the stack. The language
   * needs three (sitetable { clobbers ... { ... } }).
   */
  maxNestingDepth: 64,
  /**
   * Tokens in one file (white space and comments excluded). A generated rule file of 100,000 instructions
   * has about 700,000; the file size limit (LIMITS.maxFileBytes) allows at most about 2 million, so this
   * bounds a pathological file (one-character tokens) to what real ones need.
   */
  maxTokens: 1_500_000,
};

/** Source text → tokens → CST → syntax tree. Never throws on user input; errors come back as data. */
export function parseRules(src: SourceText): ParseResult {
  // A final newline ends the last statement; the grammar then needs no end-of-file special case.
  const text = src.text.endsWith('\n') ? src.text : `${src.text}\n`;
  const lexed = lex(src.text === text ? src : new SourceText(src.file, text));
  const extra = lexed.tokens[SYNTAX_LIMITS.maxTokens];
  if (extra) {
    const d = error('token-count', `more than ${SYNTAX_LIMITS.maxTokens} tokens in one file (SYNTAX_LIMITS.maxTokens); the file is not parsed`, src.span(extra.startOffset, extra.startOffset + 1));
    return { ast: { file: src.file, statements: [] }, diagnostics: [...lexed.diagnostics, d] };
  }
  const tooDeep = firstTooDeep(lexed.tokens);
  if (tooDeep) {
    const d = error('nesting-depth', `braces nest deeper than ${SYNTAX_LIMITS.maxNestingDepth} levels (SYNTAX_LIMITS.maxNestingDepth); the file is not parsed further`, src.span(tooDeep.startOffset, tooDeep.startOffset + 1));
    return { ast: { file: src.file, statements: [] }, diagnostics: [...lexed.diagnostics, d] };
  }
  const parser = rulesParser();
  parser.input = lexed.tokens;
  let cst: CstNode | undefined;
  try {
    cst = parser.file();
  } catch (e) {
    if (!(e instanceof TooManySyntaxErrors)) throw e;
  }
  const diagnostics: Diagnostic[] = [...lexed.diagnostics];
  for (const e of parser.errors) {
    const t = e.token;
    const offset = Number.isNaN(t.startOffset) ? src.text.length : t.startOffset;
    const end = Number.isNaN(t.startOffset) ? offset : (t.endOffset ?? offset) + 1;
    diagnostics.push(error('syntax', describeParseError(e.message, t.image), src.span(offset, end), parseHints(e.message)));
  }
  if (!cst) {
    const last = parser.errors[parser.errors.length - 1]?.token;
    const at = last && !Number.isNaN(last.startOffset) ? last.startOffset : 0;
    diagnostics.push(error('syntax-error-count', `more than ${MAX_SYNTAX_ERRORS} syntax errors (MAX_SYNTAX_ERRORS); the file is not parsed further`, src.span(at, at + 1)));
    return { ast: { file: src.file, statements: [] }, diagnostics };
  }
  return { ast: new AstBuilder(src).file(cst), diagnostics };
}

function firstTooDeep(tokens: readonly IToken[]): IToken | undefined {
  let depth = 0;
  for (const t of tokens) {
    if (t.tokenType === LBrace) {
      if (++depth > SYNTAX_LIMITS.maxNestingDepth) return t;
    } else if (t.tokenType === RBrace && depth > 0) depth--;
  }
  return undefined;
}

function describeParseError(message: string, image: string): string {
  const found = image === '\n' || image === '' ? 'end of line' : `'${image}'`;
  const m = /Expecting (?:token of type )?-->\s*(.+?)\s*<--/.exec(message);
  if (m) return `expected ${m[1]}, found ${found}`;
  if (message.startsWith('Expecting: one of these possible Token sequences')) {
    const alts = [...message.matchAll(/\[([^\]]+)\]/g)].map((x) => x[1]).slice(0, 6);
    return `expected one of ${alts.join(', ')}; found ${found}`;
  }
  if (message.startsWith('Redundant input')) return `unexpected ${found}`;
  return message.split('\n')[0] ?? message;
}

function parseHints(message: string): string[] {
  if (message.includes("'->'")) return ['a rule is `OP -> REPLACEMENT`, one per line'];
  return [];
}
