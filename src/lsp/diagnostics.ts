// The pipeline's diagnostics as the protocol's, for one open file: its own, and at each of its imports the
// errors of the files behind it (an editor shows one file at a time; a broken import must show there).
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type Range } from 'vscode-languageserver';
import type { Diagnostic, Fix, Severity } from '../diag/diagnostic.js';
import type { Analysis } from './analysis.js';
import { absPath, toRange, uriOf } from './positions.js';

/** What a quick fix needs, carried in the diagnostic's `data` (the client sends it back with the request). */
export interface FixData {
  fixes: { range: Range; text: string }[];
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, note: DiagnosticSeverity.Information };

const FILE_START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** The message with the CLI's hint lines under it (`= did you mean ...`). */
function text(d: Diagnostic): string {
  return [d.message, ...(d.hints ?? []).map((h) => `= ${h}`)].join('\n');
}

export function lspDiagnostics(a: Analysis, docText: string): LspDiagnostic[] {
  const out: LspDiagnostic[] = [];
  const imports = a.occurrences.filter((o) => o.kind === 'import' && absPath(o.span.file) === a.root);
  const perImport = new Map<string, Diagnostic[]>();
  for (const d of a.built.diagnostics) {
    const file = d.span ? absPath(d.span.file) : a.root;
    if (file === a.root) {
      out.push(convert(d, docText));
      continue;
    }
    // The import that reaches the file: the direct one if there is one, else the first (it leads further).
    const via = imports.find((o) => o.name === file) ?? imports[0];
    if (!via) continue;
    const list = perImport.get(via.name) ?? [];
    list.push(d);
    perImport.set(via.name, list);
  }
  for (const [name, list] of perImport) {
    const via = imports.find((o) => o.name === name)!;
    const errors = list.filter((d) => d.severity === 'error');
    const shown = errors.length ? errors : list;
    const first = shown[0]!;
    const where = first.span ? `${first.span.file}:${first.span.start.line}:${first.span.start.col}` : 'its start';
    out.push({
      range: toRange(via.span),
      severity: errors.length ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      code: first.code,
      source: 'patchc',
      message: `${shown.length} ${errors.length ? 'error(s)' : 'warning(s)'} in the imported file; the first, at ${where}:\n${text(first)}`,
      relatedInformation: shown.filter((d) => d.span).slice(0, 20).map((d) => ({ location: { uri: uriOf(d.span!.file), range: toRange(d.span!) }, message: `${d.message} [${d.code}]` })),
    });
  }
  return out;
}

function convert(d: Diagnostic, docText: string): LspDiagnostic {
  const fixes = [...(d.fixes ?? []), ...archSpellingFix(d, docText)].map((f: Fix) => ({ range: toRange(f.span), text: f.text }));
  return {
    range: d.span ? toRange(d.span) : FILE_START,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'patchc',
    message: text(d),
    ...(fixes.length ? { data: { fixes } satisfies FixData } : {}),
  };
}

/**
 * `x86-64` lexes as `x86` `-` `64`, so the checker sees `x86`, which could mean either architecture; the
 * text after it says which.
 */
function archSpellingFix(d: Diagnostic, docText: string): Fix[] {
  if (d.code !== 'unknown-arch' || !d.span || d.fixes?.length) return [];
  const at = d.span.start.offset;
  const m = /^x86[-_ ]?(64|32)\b/i.exec(docText.slice(at, at + 8));
  if (!m) return [];
  const len = m[0].length;
  const end = { line: d.span.start.line, col: d.span.start.col + len, offset: at + len };
  return [{ span: { file: d.span.file, start: d.span.start, end }, text: m[1] === '64' ? 'x86_64' : 'i386' }];
}
