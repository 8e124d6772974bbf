// The CodeMirror editor: rule-file highlighting, and the worker's diagnostics as lint marks.
import { setDiagnostics, lintGutter, type Diagnostic as LintDiagnostic } from '@codemirror/lint';
import { EditorView, basicSetup } from 'codemirror';
import type { ViewDiagnostic } from './protocol.js';
import { rulesLanguage } from './rulesLanguage.js';

export function createEditor(parent: HTMLElement, doc: string, onChange: () => void): EditorView {
  return new EditorView({
    parent,
    doc,
    extensions: [
      basicSetup,
      rulesLanguage,
      lintGutter(),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) onChange();
      }),
    ],
  });
}

export function replaceDocument(view: EditorView, text: string): void {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

/** The diagnostics of the edited file; `file` is its display name. Empty spans widen to the word after them. */
export function showDiagnostics(view: EditorView, file: string, diagnostics: readonly ViewDiagnostic[]): void {
  const doc = view.state.doc;
  const marks: LintDiagnostic[] = [];
  for (const d of diagnostics) {
    if (d.file !== file || d.from === undefined || d.to === undefined) continue;
    const from = Math.min(d.from, doc.length);
    let to = Math.min(Math.max(d.to, from), doc.length);
    if (to === from) {
      const line = doc.lineAt(from);
      const rest = /^\S+/.exec(line.text.slice(from - line.from));
      to = rest ? from + rest[0].length : Math.min(line.to, from + 1);
    }
    const message = [`${d.message} [${d.code}]`, ...d.hints].join('\n');
    marks.push({ from, to, severity: d.severity === 'note' ? 'info' : d.severity, message, source: 'patchc' });
  }
  view.dispatch(setDiagnostics(view.state, marks));
}

export function revealLine(view: EditorView, line: number, col = 1): void {
  const l = view.state.doc.line(Math.max(1, Math.min(line, view.state.doc.lines)));
  const pos = Math.min(l.from + col - 1, l.to);
  view.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
  view.focus();
}
