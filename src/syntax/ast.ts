// The syntax tree of one rule file: what was written, with where it was written. No meaning yet.
import type { SourceSpan } from '../diag/diagnostic.js';

export interface Name {
  text: string;
  span: SourceSpan;
}

export interface RuleFileAst {
  file: string;
  statements: Statement[];
}

export type Statement = RulesetDecl | SyntaxDecl | ImportDecl | FeaturesDecl | OpDecl | ArchBlock | NopsBlock | TableBlock;

export interface RulesetDecl {
  kind: 'ruleset';
  name: Name;
  span: SourceSpan;
}

export interface SyntaxDecl {
  kind: 'syntax';
  value: Name;
  span: SourceSpan;
}

export interface ImportDecl {
  kind: 'import';
  /** The path as written, quotes removed. */
  path: Name;
  span: SourceSpan;
}

/** `features linux-6.12`: the table (a kernel version's cpufeatures.h) rule conditions are named in. */
export interface FeaturesDecl {
  kind: 'features';
  /** The name as written, its pieces joined (`linux-6.12`). */
  table: Name;
  span: SourceSpan;
}

export interface Param {
  name?: Name;
  type: Name;
}

/** `identity(arg0)`, `const -1`, `max 8`, `opaque`. */
export interface Attr {
  name: Name;
  args?: Name[];
  value?: { text: string; negative: boolean; span: SourceSpan };
  span: SourceSpan;
}

export interface OpDecl {
  kind: 'op';
  name: Name;
  params: Param[];
  returns?: Name;
  attrs: Attr[];
  span: SourceSpan;
}

export type Selector =
  | { kind: 'op'; name: Name }
  | { kind: 'default'; span: SourceSpan }
  | { kind: 'missing'; span: SourceSpan }
  | { kind: 'target'; symbol: Name };

/** One instruction (or label) exactly as written. */
export interface AsmText {
  text: string;
  span: SourceSpan;
}

export type Replacement =
  | { kind: 'asm'; instructions: AsmText[]; span: SourceSpan }
  | { kind: 'trap'; span: SourceSpan }
  | { kind: 'bytes'; bytes: Name[]; span: SourceSpan };

/** `if FEATURE` / `unless FEATURE` after a selector. */
export interface RuleCondition {
  feature: Name;
  /** true for `if` (the feature must be set), false for `unless`. */
  set: boolean;
  span: SourceSpan;
}

export interface RuleStmt {
  selector: Selector;
  when?: RuleCondition;
  replacement: Replacement;
  span: SourceSpan;
}

export interface ArchBlock {
  kind: 'arch';
  arch: Name;
  attrs: Attr[];
  rules: RuleStmt[];
  span: SourceSpan;
}

/** A line inside a generic block: its tokens, and an optional nested block. */
export interface BlockLine {
  tokens: Name[];
  block?: BlockLine[];
  span: SourceSpan;
}

export interface NopsBlock {
  kind: 'nops';
  arch: Name;
  lines: BlockLine[];
  span: SourceSpan;
}

export interface TableBlock {
  kind: 'sitetable' | 'opstable' | 'alttable' | 'texttable';
  name: Name;
  lines: BlockLine[];
  span: SourceSpan;
}
