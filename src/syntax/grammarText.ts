// The grammar written out from the parser itself (EBNF and railroad diagrams), so the documented
// grammar cannot drift from the one that runs: grammar/ holds these outputs and a test compares them.
import type { ISerializedGast } from 'chevrotain';
import { chevrotain } from './chevrotain.js';
import { rulesParser } from './parser.js';
import { allTokens } from './tokens.js';

type Gast = ISerializedGast & { name?: string; label?: string; definition?: Gast[]; idx?: number; terminalLabel?: string; terminalName?: string; nonTerminalName?: string; separator?: { name: string; label?: string } };

function terminal(g: Gast): string {
  // In the serialized GAST `label` is the token's own label ('->', name, ...); `terminalLabel` is the
  // field name given to CONSUME, which belongs to the syntax tree, not to the grammar.
  const label = g.label ?? g.name ?? '?';
  return /^'.*'$/.test(label) ? label : label.toUpperCase().replace(/[ -]/g, '_');
}

function seq(defs: Gast[] | undefined): string {
  return (defs ?? []).map(expr).join(' ');
}

function expr(g: Gast): string {
  switch (g.type) {
    case 'Terminal':
      return terminal(g);
    case 'NonTerminal':
      return g.name ?? g.nonTerminalName ?? '?';
    case 'Alternation':
      return `( ${(g.definition ?? []).map((a) => seq(a.definition)).join(' | ')} )`;
    case 'Alternative':
      return seq(g.definition);
    case 'Option':
      return `[ ${seq(g.definition)} ]`;
    case 'Repetition':
      return `{ ${seq(g.definition)} }`;
    case 'RepetitionMandatory':
      return `${seq(g.definition).includes(' ') ? `( ${seq(g.definition)} )` : seq(g.definition)} { ${seq(g.definition)} }`;
    case 'RepetitionWithSeparator':
    case 'RepetitionMandatoryWithSeparator': {
      const item = seq(g.definition);
      const sep = g.separator ? terminal(g.separator as Gast) : '?';
      const list = `${item} { ${sep} ${item} }`;
      return g.type === 'RepetitionWithSeparator' ? `[ ${list} ]` : list;
    }
    default:
      return `?${g.type}?`;
  }
}

export function grammarEbnf(): string {
  const rules = rulesParser().getSerializedGastProductions() as Gast[];
  const lines = [
    '(* The patchc rule language. Generated from src/syntax/parser.ts and tokens.ts by `npm run grammar`;',
    '   test/syntax/grammar.test.ts fails when this file and the parser disagree. *)',
    '',
  ];
  for (const r of rules) lines.push(`${r.name} = ${seq(r.definition)} ;`);
  lines.push('', '(* Tokens, in the order the lexer tries them. *)');
  for (const t of allTokens) {
    const p = t.PATTERN;
    const src = p instanceof RegExp ? `/${p.source}/` : String(p);
    const group = t.GROUP === 'SKIPPED' || (t as { GROUP?: unknown }).GROUP === -1 ? '  (* skipped *)' : '';
    lines.push(`${terminal({ type: 'Terminal', name: t.name, ...(t.LABEL ? { label: t.LABEL } : {}) } as Gast)} = ${src} ;${group}`);
  }
  return `${lines.join('\n')}\n`;
}

export function grammarDiagramsHtml(): string {
  return chevrotain.createSyntaxDiagramsCode(rulesParser().getSerializedGastProductions());
}
