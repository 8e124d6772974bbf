// The compiled table and the diagnostics list, drawn from a worker result. Text only through textContent:
// a shared link's rule file (and so every message quoting it) is someone else's input.
import type { CompileResult, ViewDiagnostic, ViewEntry } from './protocol.js';

type Jump = (file: string, line: number, col?: number) => void;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function entryRow(e: ViewEntry, jump: Jump): HTMLTableRowElement {
  const tr = el('tr');
  const rule = el('td', 'rule');
  const link = el('a', undefined, e.selector);
  link.href = '#';
  link.title = `${e.file}:${e.line}`;
  link.addEventListener('click', (ev) => {
    ev.preventDefault();
    jump(e.file, e.line);
  });
  rule.append(link);
  const bytes = el('td', 'bytes');
  bytes.append(el('code', 'hex', e.hex || '(empty: NOPs)'));
  bytes.append(el('div', 'len', `${e.length} byte${e.length === 1 ? '' : 's'}${e.maxLength !== undefined ? ` of max ${e.maxLength}` : ''}`));
  const disasm = el('td', 'disasm');
  for (const i of e.instructions) disasm.append(el('div', undefined, `${i.offset.toString(16).padStart(2, ' ')}: ${i.hex.padEnd(21)} ${i.text}`));
  for (const r of e.relocations) disasm.append(el('div', 'reloc', `relocation: ${r}`));
  for (const n of e.notes) disasm.append(el('div', 'note', n));
  const writes = el('td', 'writes', e.writes.join(' ') || '—');
  const verdict = el('td', `verdict verdict-${e.verdict ?? 'none'}`, e.verdict ?? '—');
  if (e.verdictDetails.length) verdict.title = e.verdictDetails.join('\n');
  tr.append(rule, bytes, disasm, writes, verdict);
  return tr;
}

export function renderTable(target: HTMLElement, r: CompileResult, jump: Jump): void {
  const table = el('table', 'patch-table');
  const head = el('tr');
  for (const h of ['rule', 'bytes', 'disassembly', 'writes', 'verdict']) head.append(el('th', undefined, h));
  table.append(el('thead'));
  table.tHead!.append(head);
  const body = el('tbody');
  for (const e of r.entries) body.append(entryRow(e, jump));
  table.append(body);
  const caption = el('div', 'table-caption', r.arch ? `${r.ruleset || '(no ruleset)'} · ${r.arch} (${r.bitness ?? '?'}-bit) · ${r.entries.length} rules · ${r.ms.toFixed(0)} ms` : 'no architecture to compile');
  target.replaceChildren(caption, table);
}

function diagnosticItem(d: ViewDiagnostic, jump: Jump): HTMLLIElement {
  const li = el('li', `diag diag-${d.severity}`);
  const where = d.file !== undefined ? `${d.file}:${d.line}:${d.col}` : '';
  const head = el('div');
  if (where) {
    const a = el('a', 'where', where);
    a.href = '#';
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      jump(d.file!, d.line!, d.col);
    });
    head.append(a, ' ');
  }
  head.append(el('span', 'severity', d.severity), ' ', el('span', 'message', d.message), ' ', el('span', 'code', `[${d.code}]`));
  li.append(head);
  for (const h of d.hints) li.append(el('div', 'hint', h));
  return li;
}

export function renderDiagnostics(target: HTMLElement, r: CompileResult, jump: Jump): void {
  const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
  const title = el('div', 'diag-title', r.diagnostics.length ? `${errors} error${errors === 1 ? '' : 's'}, ${r.diagnostics.length - errors} other` : 'no diagnostics');
  const list = el('ul', 'diag-list');
  for (const d of r.diagnostics) list.append(diagnosticItem(d, jump));
  target.replaceChildren(title, list);
}
