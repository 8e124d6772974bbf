import type { CstNode, IRecognitionException } from 'chevrotain';
import { chevrotain } from './chevrotain.js';
import * as T from './tokens.js';


/**
 * The grammar of rule files (grammar/rules.ebnf is its written form; a test keeps them in step).
 * Only the shape is decided here: which words mean what inside a table is the model's business,
 * so a new site-table layout is data, not grammar.
 */
/** Syntax errors recorded per file before the parser gives up on it. */
export const MAX_SYNTAX_ERRORS = 200;

/** Thrown out of the parser when a file has more than MAX_SYNTAX_ERRORS syntax errors. */
export class TooManySyntaxErrors extends Error {}

/** Nested in-repetition recoveries allowed (see the constructor); far below the stack's depth. */
export const MAX_REPETITION_RECOVERY_DEPTH = 200;

export class RulesParser extends chevrotain.CstParser {
  constructor() {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 2 });
    this.performSelfAnalysis();
    // Chevrotain recovers inside a repetition (a MANY over lines) by calling the repetition again from
    // within itself, so every consecutive bad line nests one level deeper: ten thousand lines of garbage
    // overflow the stack. Beyond MAX_REPETITION_RECOVERY_DEPTH nested recoveries the repetition just
    // ends, and what is left is reported by the enclosing rule (at worst, once, as unexpected input).
    // Each recovered syntax error costs Chevrotain a re-synchronisation and a message: a megabyte of
    // `;` in the wrong place took 40 s. After MAX_SYNTAX_ERRORS the parse stops (parseRules reports it).
    const saving = this as unknown as { SAVE_ERROR: (e: unknown) => unknown; errors: unknown[] };
    const save = saving.SAVE_ERROR;
    saving.SAVE_ERROR = function (this: typeof saving, e: unknown): unknown {
      if (this.errors.length >= MAX_SYNTAX_ERRORS) throw new TooManySyntaxErrors();
      return save.call(this, e);
    };
    const self = this as unknown as { attemptInRepetitionRecovery: (...args: unknown[]) => void };
    const recover = self.attemptInRepetitionRecovery;
    let depth = 0;
    self.attemptInRepetitionRecovery = function (this: unknown, ...args: unknown[]): void {
      if (depth >= MAX_REPETITION_RECOVERY_DEPTH) return;
      depth++;
      try {
        recover.apply(this, args);
      } finally {
        depth--;
      }
    };
  }

  file = this.RULE('file', () => {
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.NL) }, { ALT: () => this.SUBRULE(this.statement) }]);
    });
  });

  statement = this.RULE('statement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.rulesetDecl) },
      { ALT: () => this.SUBRULE(this.syntaxDecl) },
      { ALT: () => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.featuresDecl) },
      { ALT: () => this.SUBRULE(this.opDecl) },
      { ALT: () => this.SUBRULE(this.archBlock) },
      { ALT: () => this.SUBRULE(this.nopsBlock) },
      { ALT: () => this.SUBRULE(this.tableBlock) },
    ]);
    this.CONSUME(T.NL);
  });

  rulesetDecl = this.RULE('rulesetDecl', () => {
    this.CONSUME(T.Ruleset);
    this.CONSUME(T.Word);
  });

  syntaxDecl = this.RULE('syntaxDecl', () => {
    this.CONSUME(T.Syntax);
    this.CONSUME(T.Word);
  });

  importDecl = this.RULE('importDecl', () => {
    this.CONSUME(T.Import);
    this.CONSUME(T.StringLit);
  });

  /** `features linux-6.12`: the CPU feature table a rule's `if`/`unless` names resolve through. */
  featuresDecl = this.RULE('featuresDecl', () => {
    this.CONSUME(T.Features);
    this.AT_LEAST_ONE(() => this.CONSUME(T.ValuePiece, { LABEL: 'tok' }));
  });

  opDecl = this.RULE('opDecl', () => {
    this.CONSUME(T.Op);
    this.CONSUME(T.Word, { LABEL: 'name' });
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.param) });
    this.CONSUME(T.RParen);
    this.OPTION(() => {
      this.CONSUME(T.Arrow);
      this.CONSUME2(T.Word, { LABEL: 'returns' });
    });
    this.OPTION2(() => {
      this.CONSUME(T.Colon);
      this.AT_LEAST_ONE(() => this.SUBRULE(this.attr));
    });
  });

  /** `u64` or `pte: u64`. */
  param = this.RULE('param', () => {
    this.CONSUME(T.Word, { LABEL: 'first' });
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.CONSUME2(T.Word, { LABEL: 'type' });
    });
  });

  /** `opaque`, `identity(arg0)`, `const -1`, `max 8`, `writes(rax, rcx)`. */
  attr = this.RULE('attr', () => {
    this.CONSUME(T.Word, { LABEL: 'name' });
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => this.CONSUME2(T.Word, { LABEL: 'arg' }) });
      this.CONSUME(T.RParen);
    });
    this.OPTION2(() => {
      this.OPTION3(() => this.CONSUME(T.Minus));
      this.CONSUME(T.Number, { LABEL: 'value' });
    });
  });

  archBlock = this.RULE('archBlock', () => {
    this.CONSUME(T.Arch);
    this.CONSUME(T.Word, { LABEL: 'name' });
    this.MANY(() => this.SUBRULE(this.attr));
    this.CONSUME(T.LBrace);
    this.MANY2(() => {
      this.OR([{ ALT: () => this.CONSUME(T.NL) }, { ALT: () => this.SUBRULE(this.ruleStmt) }]);
    });
    this.CONSUME(T.RBrace);
  });

  ruleStmt = this.RULE('ruleStmt', () => {
    this.SUBRULE(this.selector);
    this.CONSUME(T.Arrow);
    this.SUBRULE(this.replacement);
    this.CONSUME(T.NL);
  });

  selector = this.RULE('selector', () => {
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => this.CONSUME(T.Default) },
        { ALT: () => this.CONSUME(T.Missing) },
        {
          ALT: () => {
            this.CONSUME(T.Target);
            this.CONSUME(T.Word, { LABEL: 'symbol' });
          },
        },
        { ALT: () => this.CONSUME2(T.Word, { LABEL: 'op' }) },
      ],
    });
    // `memcpy if X86_FEATURE_ERMS -> ...`: the rule serves a site only on a CPU with (without) the feature.
    this.OPTION(() => {
      this.OR2([{ ALT: () => this.CONSUME(T.If, { LABEL: 'cond' }) }, { ALT: () => this.CONSUME(T.Unless, { LABEL: 'cond' }) }]);
      this.CONSUME3(T.Word, { LABEL: 'feature' });
    });
  });

  replacement = this.RULE('replacement', () => {
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => this.SUBRULE(this.asmBlock) },
        { GATE: () => this.LA(2).tokenType === T.NL, ALT: () => this.CONSUME(T.Trap) },
        {
          ALT: () => {
            this.CONSUME(T.Bytes);
            this.AT_LEAST_ONE(() => this.CONSUME(T.Word, { LABEL: 'byte' }));
          },
        },
        { ALT: () => this.SUBRULE(this.asmLine) },
      ],
    });
  });

  /** `{}` or `{ insn; insn \n insn }`. */
  asmBlock = this.RULE('asmBlock', () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.NL) }, { ALT: () => this.CONSUME(T.Semicolon) }, { ALT: () => this.SUBRULE(this.instruction) }]);
    });
    this.CONSUME(T.RBrace);
  });

  /** `insn; insn; ...` on one line. */
  asmLine = this.RULE('asmLine', () => {
    this.SUBRULE(this.instruction);
    this.MANY(() => {
      this.CONSUME(T.Semicolon);
      this.OPTION(() => this.SUBRULE2(this.instruction));
    });
  });

  /** One instruction or label, kept as source text for the assembler. */
  instruction = this.RULE('instruction', () => {
    this.AT_LEAST_ONE(() => this.CONSUME(T.AsmPiece, { LABEL: 'tok' }));
  });

  nopsBlock = this.RULE('nopsBlock', () => {
    this.CONSUME(T.Nops);
    this.CONSUME(T.Word, { LABEL: 'arch' });
    this.SUBRULE(this.block);
  });

  tableBlock = this.RULE('tableBlock', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Sitetable, { LABEL: 'kind' }) },
      { ALT: () => this.CONSUME(T.Opstable, { LABEL: 'kind' }) },
      { ALT: () => this.CONSUME(T.Alttable, { LABEL: 'kind' }) },
      { ALT: () => this.CONSUME(T.Texttable, { LABEL: 'kind' }) },
    ]);
    this.CONSUME(T.Word, { LABEL: 'name' });
    this.SUBRULE(this.block);
  });

  /** A brace block of lines of values, each line optionally ending in a nested block. */
  block = this.RULE('block', () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.NL) }, { ALT: () => this.SUBRULE(this.blockLine) }]);
    });
    this.CONSUME(T.RBrace);
  });

  blockLine = this.RULE('blockLine', () => {
    this.AT_LEAST_ONE(() => this.CONSUME(T.ValuePiece, { LABEL: 'tok' }));
    this.OPTION(() => this.SUBRULE(this.block));
  });
}

/** One parser instance: Chevrotain parsers are built once and reused (self-analysis is costly). */
let shared: RulesParser | undefined;
export function rulesParser(): RulesParser {
  return (shared ??= new RulesParser());
}

export interface ParseOutput {
  cst: CstNode;
  errors: IRecognitionException[];
}
