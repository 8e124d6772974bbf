import type { TokenType } from 'chevrotain';
import { chevrotain } from './chevrotain.js';

const { createToken, Lexer } = chevrotain;

// Statements end at a newline, so newlines are tokens; other white space and comments are skipped.
/**
 * Token categories: an instruction is any run of AsmPiece tokens, a table line any run of ValuePiece
 * tokens. One category per role keeps the grammar LL(1)-small (Chevrotain's lookahead analysis grows with
 * every alternative) and says in one place which tokens an instruction may hold.
 */
export const AsmPiece = createToken({ name: 'AsmPiece', pattern: Lexer.NA, label: 'instruction text' });
export const ValuePiece = createToken({ name: 'ValuePiece', pattern: Lexer.NA, label: 'value' });

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\f\v]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n]*/, group: Lexer.SKIPPED });
export const NL = createToken({ name: 'NL', pattern: /\n/, line_breaks: true, label: 'end of line' });

/**
 * One token class for names, numbers, registers (`%rax`), immediates (`$0x10`), local labels (`1f`) and
 * hex bytes (`0f`): the rule language does not need to understand x86 operands, only to find where an
 * instruction starts and ends. Keywords are Words too (category), so an op or symbol may share a
 * keyword's spelling where a name is expected (e.g. `call target`).
 */
export const Word = createToken({ name: 'Word', pattern: /[A-Za-z0-9_.$%@][A-Za-z0-9_.$%@]*/, label: 'name', categories: [AsmPiece, ValuePiece] });
export const Number = createToken({
  name: 'Number',
  pattern: /0[xX][0-9a-fA-F]+|[0-9]+/,
  longer_alt: Word,
  categories: [Word, AsmPiece, ValuePiece],
  label: 'number',
});

function keyword(name: string): TokenType {
  return createToken({ name: `Kw_${name}`, pattern: new RegExp(name), longer_alt: Word, categories: [Word, AsmPiece, ValuePiece], label: `'${name}'` });
}

export const Ruleset = keyword('ruleset');
export const Syntax = keyword('syntax');
export const Import = keyword('import');
export const Op = keyword('op');
export const Arch = keyword('arch');
export const Nops = keyword('nops');
export const Sitetable = keyword('sitetable');
export const Opstable = keyword('opstable');
export const Alttable = keyword('alttable');
export const Texttable = keyword('texttable');
export const Default = keyword('default');
export const Missing = keyword('missing');
export const Target = keyword('target');
export const Trap = keyword('trap');
export const Bytes = keyword('bytes');
export const Features = keyword('features');
export const If = keyword('if');
export const Unless = keyword('unless');

export const Arrow = createToken({ name: 'Arrow', pattern: /->/, label: "'->'" });
export const StringLit = createToken({ name: 'StringLit', pattern: /"(?:[^"\\\n]|\\.)*"/, label: 'string', categories: [AsmPiece, ValuePiece] });
/** GNU as pseudo-prefixes look like braces; they are part of an instruction, not a block. */
export const PseudoPrefix = createToken({
  name: 'PseudoPrefix',
  pattern: /\{(?:disp8|disp16|disp32|load|store|vex|vex2|vex3|evex|rex|rex2|nooptimize)\}/,
  label: 'pseudo-prefix',
  categories: [AsmPiece],
});
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/, label: "'{'" });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/, label: "'}'" });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('", categories: [AsmPiece, ValuePiece] });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'", categories: [AsmPiece, ValuePiece] });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: "'['", categories: [AsmPiece] });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, label: "']'", categories: [AsmPiece] });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','", categories: [AsmPiece, ValuePiece] });
export const Colon = createToken({ name: 'Colon', pattern: /:/, label: "':'", categories: [AsmPiece, ValuePiece] });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, label: "';'" });
export const Star = createToken({ name: 'Star', pattern: /\*/, label: "'*'", categories: [AsmPiece] });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, label: "'+'", categories: [AsmPiece] });
export const Minus = createToken({ name: 'Minus', pattern: /-/, label: "'-'", categories: [AsmPiece, ValuePiece] });

export const categories = [AsmPiece, ValuePiece];

export const keywords = [Ruleset, Syntax, Import, Op, Arch, Nops, Sitetable, Opstable, Alttable, Texttable, Default, Missing, Target, Trap, Bytes, Features, If, Unless];

/** Order matters: Chevrotain takes the first pattern that matches (keywords before Word, `->` before `-`). */
export const allTokens: TokenType[] = [
  AsmPiece,
  ValuePiece,
  WhiteSpace,
  Comment,
  NL,
  Arrow,
  StringLit,
  PseudoPrefix,
  LBrace,
  RBrace,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Semicolon,
  Star,
  Plus,
  Minus,
  // Longest keyword first, so `opstable` is not read as `op` + `stable`.
  ...[...keywords].sort((a, b) => String(b.PATTERN).length - String(a.PATTERN).length),
  Number,
  Word,
];
