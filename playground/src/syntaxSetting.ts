// The file's `syntax att|intel` statement (LANGUAGE.md: default intel), read and rewritten by the switch.
// The switch changes the setting only: the instructions stay as written, and the compiler says what no
// longer reads right in the other syntax.

export type Syntax = 'att' | 'intel';

// A statement starts its line; `# syntax att` in a comment is not one.
const SYNTAX_LINE = /^([ \t]*syntax[ \t]+)([A-Za-z_]+)/m;
const RULESET_LINE = /^[ \t]*ruleset\b[^\n]*\n?/m;

export function fileSyntax(text: string): Syntax {
  return SYNTAX_LINE.exec(text)?.[2] === 'att' ? 'att' : 'intel';
}

export function withSyntax(text: string, syntax: Syntax): string {
  if (SYNTAX_LINE.test(text)) return text.replace(SYNTAX_LINE, `$1${syntax}`);
  const ruleset = RULESET_LINE.exec(text);
  if (!ruleset) return `syntax ${syntax}\n${text}`;
  const at = ruleset.index + ruleset[0].length;
  return `${text.slice(0, at)}${ruleset[0].endsWith('\n') ? '' : '\n'}syntax ${syntax}\n${text.slice(at)}`;
}
