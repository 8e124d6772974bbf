// The compiler's thread: iced-x86's WebAssembly is compiled here (asynchronously, while src/asm loads), and
// every editor state is compiled here, so typing never waits for the compiler.
import type { CompileRequest, WorkerMessage, WorkerRequest } from '../protocol.js';

// The page's tsconfig has the DOM's types, not the worker's; a dedicated worker's global scope has the
// same postMessage/onmessage pair as the Worker object that talks to it.
const scope = self as unknown as Worker;
const started = performance.now();
const post = (m: WorkerMessage): void => scope.postMessage(m);
// A separate chunk: its modules wait on the wasm (top-level await), and requests must be taken meanwhile.
const compiler = import('./compileView.js');

let examples = new Map<string, string>();
// Only the newest request matters: requests that queue while one compiles are replaced, not run.
let pending: CompileRequest | undefined;
let scheduled = false;

async function runPending(): Promise<void> {
  const { compileView } = await compiler;
  scheduled = false;
  const req = pending;
  pending = undefined;
  if (!req) return;
  try {
    post(compileView(examples, req));
  } catch (e) {
    post({ kind: 'failure', version: req.version, message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
  }
}

scope.onmessage = (ev: MessageEvent<WorkerRequest>) => {
  const m = ev.data;
  if (m.kind === 'init') {
    examples = new Map(Object.entries(m.files));
    return;
  }
  pending = m;
  if (!scheduled) {
    scheduled = true;
    setTimeout(() => void runPending(), 0);
  }
};

compiler.then(
  () => post({ kind: 'ready', ms: performance.now() - started }),
  (e: unknown) => post({ kind: 'failure', message: `the compiler did not load: ${e instanceof Error ? e.message : String(e)}` }),
);
