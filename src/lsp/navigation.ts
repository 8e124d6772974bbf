// Names across a rule set's files: where each is declared and used (ops, opstables, site and ALTERNATIVE
// tables, imports), the outline of a file, and renaming an op everywhere it is written.
import { SymbolKind, type DocumentSymbol, type Location, type Position, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { SourceSpan } from '../diag/diagnostic.js';
import type { Statement } from '../syntax/ast.js';
import { describeSelector } from '../model/check.js';
import type { Analysis, Occurrence } from './analysis.js';
import { absPath, contains, toRange, uriOf } from './positions.js';

export function occurrenceAt(a: Analysis, pos: Position): Occurrence | undefined {
  return a.occurrences.find((o) => absPath(o.span.file) === a.root && contains(o.span, pos));
}

function location(span: SourceSpan): Location {
  return { uri: uriOf(span.file), range: toRange(span) };
}

export function definition(a: Analysis, pos: Position): Location[] {
  const o = occurrenceAt(a, pos);
  if (!o) return [];
  if (o.kind === 'import') return [{ uri: uriOf(o.name), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }];
  return a.occurrences.filter((x) => x.decl && x.kind === o.kind && x.name === o.name).map((x) => location(x.span));
}

export function references(a: Analysis, pos: Position, includeDeclaration: boolean): Location[] {
  const o = occurrenceAt(a, pos);
  if (!o || o.kind === 'import') return [];
  return a.occurrences.filter((x) => x.kind === o.kind && x.name === o.name && (includeDeclaration || !x.decl)).map((x) => location(x.span));
}

/**
 * Op names are dotted words; a new name must lex as one word and not be another op's. `others`: the other
 * open files' analyses; those that read the op's declaring file use the op too (a file importing this one).
 */
export function rename(a: Analysis, pos: Position, newName: string, others: readonly Analysis[] = []): WorkspaceEdit | { error: string } | undefined {
  const o = occurrenceAt(a, pos);
  if (!o || o.kind !== 'op') return undefined;
  if (!/^[A-Za-z_][A-Za-z0-9_.$@]*$/.test(newName)) return { error: `'${newName}' is not an op name (letters, digits, _ . $ @; not starting with a digit)` };
  if (newName !== o.name && a.built.ruleset.ops.has(newName)) return { error: `an op '${newName}' is already declared` };
  const decl = a.occurrences.find((x) => x.decl && x.kind === 'op' && x.name === o.name);
  const declFile = decl ? absPath(decl.span.file) : undefined;
  const changes: Record<string, TextEdit[]> = {};
  const seen = new Set<string>();
  for (const an of [a, ...others.filter((x) => x !== a && declFile !== undefined && x.files.has(declFile))]) {
    for (const x of an.occurrences) {
      if (x.kind !== 'op' || x.name !== o.name) continue;
      const uri = uriOf(x.span.file);
      const key = `${uri}:${x.span.start.offset}`;
      if (seen.has(key)) continue;
      seen.add(key);
      (changes[uri] ??= []).push({ range: toRange(x.span), newText: newName });
    }
  }
  return { changes };
}

export function documentSymbols(a: Analysis): DocumentSymbol[] {
  const file = a.files.get(a.root);
  return file ? file.ast.statements.map(symbolOf) : [];
}

function symbolOf(st: Statement): DocumentSymbol {
  const sym = (name: string, detail: string, kind: SymbolKind, span: SourceSpan, nameSpan: SourceSpan, children?: DocumentSymbol[]): DocumentSymbol => ({
    name,
    detail,
    kind,
    range: toRange(span),
    selectionRange: toRange(nameSpan),
    ...(children ? { children } : {}),
  });
  switch (st.kind) {
    case 'ruleset':
      return sym(st.name.text, 'ruleset', SymbolKind.Package, st.span, st.name.span);
    case 'syntax':
      return sym(`syntax ${st.value.text}`, '', SymbolKind.Property, st.span, st.value.span);
    case 'import':
      return sym(st.path.text, 'import', SymbolKind.File, st.span, st.path.span);
    case 'op':
      return sym(st.name.text, `(${st.params.map((p) => p.type.text).join(', ')})${st.returns ? ` -> ${st.returns.text}` : ''}`, SymbolKind.Function, st.span, st.name.span);
    case 'arch':
      return sym(
        `arch ${st.arch.text}`,
        `${st.rules.length} rules`,
        SymbolKind.Namespace,
        st.span,
        st.arch.span,
        st.rules.map((r) => {
          const s = r.selector;
          const cond = r.when ? ` ${r.when.set ? 'if' : 'unless'} ${r.when.feature.text}` : '';
          const label = `${s.kind === 'op' ? s.name.text : s.kind === 'target' ? `target ${s.symbol.text}` : s.kind}${cond}`;
          const nameSpan = s.kind === 'op' ? s.name.span : s.kind === 'target' ? s.symbol.span : s.span;
          return sym(label, describeSelector(s.kind === 'op' ? { kind: 'op', op: s.name.text } : s.kind === 'target' ? { kind: 'target', symbol: s.symbol.text } : { kind: s.kind }), SymbolKind.Method, r.span, nameSpan);
        }),
      );
    case 'nops':
      return sym(`nops ${st.arch.text}`, '', SymbolKind.Array, st.span, st.arch.span);
    case 'features':
      return sym(`features ${st.table.text}`, 'CPU feature table', SymbolKind.Namespace, st.span, st.table.span);
    default:
      return sym(st.name.text, st.kind, SymbolKind.Struct, st.span, st.name.span);
  }
}
