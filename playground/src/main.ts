// The page: editor on the left, the compiled table and diagnostics on the right; the compiler runs in a worker.
// Test hooks: <body data-doc-version> counts editor states, <body data-version> is the state last drawn.
import type { EditorView } from '@codemirror/view';
import { createEditor, replaceDocument, revealLine, showDiagnostics } from './editor.js';
import { DEFAULT_EXAMPLE, EXAMPLE_FILES, EXAMPLES } from './examples.js';
import type { CompileResult, WorkerMessage, WorkerRequest } from './protocol.js';
import { decodeShare, encodeShare } from './share.js';
import { fileSyntax, withSyntax, type Syntax } from './syntaxSetting.js';
import { renderDiagnostics, renderTable } from './tableView.js';

const DEBOUNCE_MS = 150;

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const exampleSelect = byId<HTMLSelectElement>('example');
const archSelect = byId<HTMLSelectElement>('arch');
const syntaxSelect = byId<HTMLSelectElement>('syntax');
const shareButton = byId<HTMLButtonElement>('share');
const shareLink = byId<HTMLInputElement>('share-link');
const status = byId<HTMLElement>('status');
const tablePane = byId<HTMLElement>('table');
const diagPane = byId<HTMLElement>('diagnostics');
const output = byId<HTMLElement>('output');

let path = DEFAULT_EXAMPLE;
let arch: string | undefined;
let version = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let last: CompileResult | undefined;

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const ask = (m: WorkerRequest): void => worker.postMessage(m);
ask({ kind: 'init', files: EXAMPLE_FILES });

for (const e of EXAMPLES) exampleSelect.append(new Option(e.label, e.path));

const shared = await decodeShare(location.hash);
if (shared) {
  path = shared.path;
  arch = shared.arch;
  if (!EXAMPLES.some((e) => e.path === path)) exampleSelect.append(new Option(`shared: ${path.slice(1)}`, path));
}
exampleSelect.value = path;

const view: EditorView = createEditor(byId('editor'), shared?.text ?? EXAMPLE_FILES[path] ?? '', () => {
  bump();
  clearTimeout(timer);
  timer = setTimeout(compileNow, DEBOUNCE_MS);
});
syntaxSelect.value = fileSyntax(view.state.doc.toString());

function bump(): void {
  version++;
  output.classList.add('stale');
  document.body.dataset.docVersion = String(version);
  syntaxSelect.value = fileSyntax(view.state.doc.toString());
}

function compileNow(): void {
  clearTimeout(timer);
  ask({ kind: 'compile', version, path, text: view.state.doc.toString(), ...(arch ? { arch } : {}) });
}

function jump(file: string, line: number, col?: number): void {
  if (last && file === last.file) revealLine(view, line, col);
  else status.textContent = `${file}:${line} is in an imported file; open it from the examples to edit it`;
}

function setArches(arches: string[], chosen: string | undefined): void {
  const have = [...archSelect.options].map((o) => o.value);
  if (have.join() !== arches.join()) archSelect.replaceChildren(...arches.map((a) => new Option(a, a)));
  if (chosen) archSelect.value = chosen;
  archSelect.disabled = arches.length < 2;
}

function show(r: CompileResult): void {
  last = r;
  delete document.body.dataset.failure;
  setArches(r.arches, r.arch);
  renderTable(tablePane, r, jump);
  renderDiagnostics(diagPane, r, jump);
  // Marks from an older text would sit in the wrong places; a newer result is on its way.
  if (r.version === version) {
    showDiagnostics(view, r.file, r.diagnostics);
    output.classList.remove('stale');
  }
  document.body.dataset.compileMs = r.ms.toFixed(1);
  document.body.dataset.version = String(r.version);
}

worker.onmessage = (ev: MessageEvent<WorkerMessage>) => {
  const m = ev.data;
  if (m.kind === 'ready') {
    status.textContent = `compiler ready (${m.ms.toFixed(0)} ms to load iced-x86's wasm and patchc)`;
    document.body.dataset.ready = 'true';
  } else if (m.kind === 'result') {
    if (!last || m.version >= last.version) show(m);
  } else {
    status.textContent = `compiler failure: ${m.message}`;
    document.body.dataset.failure = m.message;
  }
};
worker.onerror = (ev) => {
  status.textContent = `worker error: ${ev.message}`;
  document.body.dataset.failure = ev.message;
};

exampleSelect.addEventListener('change', () => {
  path = exampleSelect.value;
  arch = undefined;
  replaceDocument(view, EXAMPLE_FILES[path] ?? '');
  compileNow();
});

archSelect.addEventListener('change', () => {
  arch = archSelect.value;
  bump();
  compileNow();
});

syntaxSelect.addEventListener('change', () => {
  const text = view.state.doc.toString();
  const next = withSyntax(text, syntaxSelect.value as Syntax);
  if (next !== text) replaceDocument(view, next);
});

shareButton.addEventListener('click', () => {
  void (async () => {
    const hash = await encodeShare({ path, text: view.state.doc.toString(), ...(arch ? { arch } : {}) });
    history.replaceState(null, '', `#${hash}`);
    shareLink.value = location.href;
    shareLink.hidden = false;
    shareLink.select();
    // Clipboard access needs a secure context and permission; the selected link is the fallback.
    await navigator.clipboard?.writeText(location.href).catch(() => undefined);
    status.textContent = `share link: ${location.href.length} characters`;
  })();
});

// A link pasted into this tab's address bar changes only the hash.
addEventListener('hashchange', () => {
  void decodeShare(location.hash).then((s) => {
    if (!s) return;
    path = s.path;
    arch = s.arch;
    if (![...exampleSelect.options].some((o) => o.value === path)) exampleSelect.append(new Option(`shared: ${path.slice(1)}`, path));
    exampleSelect.value = path;
    replaceDocument(view, s.text);
    compileNow();
  });
});

bump();
compileNow();
