// One analysis of an open rule file: the CLI's whole pipeline (src/pipeline/build.ts) with the editor's
// unsaved texts read in place of the disk's, plus an index of the names each file declares and uses,
// from the same parser's syntax trees.
import type { SourceSpan } from '../diag/diagnostic.js';
import type { SourceText } from '../diag/source.js';
import type { ReadText } from '../model/load.js';
import { buildTables, type BuildResult } from '../pipeline/build.js';
import type { RuleFileAst } from '../syntax/ast.js';
import { parseRules } from '../syntax/parse.js';
import { absPath } from './positions.js';
import { dirname, resolve } from 'node:path';
import { checkFeatureNames } from '../kernel/ruleFeatures.js';

export type NameKind = 'op' | 'opstable' | 'sitetable' | 'alttable' | 'import';

/** A place a name is written: its declaration, or a use. */
export interface Occurrence {
  kind: NameKind;
  /** For imports: the absolute path of the imported file. */
  name: string;
  span: SourceSpan;
  decl: boolean;
}

export interface FileIndex {
  /** The name diagnostics use (relative to the working directory). */
  display: string;
  abs: string;
  source: SourceText;
  ast: RuleFileAst;
}

export interface Analysis {
  root: string;
  version: number;
  built: BuildResult;
  /** By absolute path, root first. */
  files: Map<string, FileIndex>;
  occurrences: Occurrence[];
  /** Milliseconds the pipeline took. */
  elapsed: number;
}

export function analyze(root: string, version: number, read: ReadText): Analysis {
  const t0 = performance.now();
  const built = buildTables(root, undefined, read, [checkFeatureNames]);
  const files = new Map<string, FileIndex>();
  const occurrences: Occurrence[] = [];
  for (const [display, source] of built.sources) {
    const ast = parseRules(source).ast;
    const abs = absPath(display);
    files.set(abs, { display, abs, source, ast });
    occurrences.push(...indexFile(ast, abs));
  }
  return { root: absPath(root), version, built, files, occurrences, elapsed: performance.now() - t0 };
}

function indexFile(ast: RuleFileAst, abs: string): Occurrence[] {
  const out: Occurrence[] = [];
  for (const st of ast.statements) {
    switch (st.kind) {
      case 'import':
        out.push({ kind: 'import', name: resolve(dirname(abs), st.path.text), span: st.path.span, decl: false });
        break;
      case 'op':
        out.push({ kind: 'op', name: st.name.text, span: st.name.span, decl: true });
        break;
      case 'arch':
        for (const r of st.rules) if (r.selector.kind === 'op') out.push({ kind: 'op', name: r.selector.name.text, span: r.selector.name.span, decl: false });
        break;
      case 'opstable':
      case 'sitetable':
      case 'alttable':
        out.push({ kind: st.kind, name: st.name.text, span: st.name.span, decl: true });
        for (const l of st.lines) {
          const [key, value] = l.tokens;
          if (st.kind === 'opstable' && key?.text === 'slots')
            for (const slot of l.block ?? []) {
              const name = slot.tokens[slot.tokens.length - 1];
              if (name && name.text !== ':') out.push({ kind: 'op', name: name.text, span: name.span, decl: false });
            }
          if (st.kind === 'sitetable' && key?.text === 'ops' && value) out.push({ kind: 'opstable', name: value.text, span: value.span, decl: false });
        }
        break;
      default:
        break;
    }
  }
  return out;
}
