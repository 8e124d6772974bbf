// A real LSP client (vscode-languageserver-protocol over the child's stdio) talking to `patchc lsp`,
// spawned on the TypeScript sources as the other process tests do (test/fuzz/patchc-src.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';

export interface Client {
  connection: ProtocolConnection;
  child: ChildProcess;
  open(path: string, text: string): Promise<Diagnostic[]>;
  /** open() for a document that is no file (`untitled:`). */
  openUri(docUri: string, text: string): Promise<Diagnostic[]>;
  /** Replaces the whole text; resolves with the diagnostics published for that version. */
  change(path: string, text: string): Promise<Diagnostic[]>;
  close(): Promise<void>;
}

export const uri = (path: string): string => pathToFileURL(path).href;

export async function startServer(debounceMs = 20, nodeArgs: string[] = []): Promise<Client> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'test/fuzz/patchc-src.ts', 'lsp', '--debounce', String(debounceMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const waiting = new Map<string, { version: number; resolve: (d: Diagnostic[]) => void }>();
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    const w = waiting.get(p.uri);
    if (w && (p.version === undefined || p.version >= w.version)) {
      waiting.delete(p.uri);
      w.resolve(p.diagnostics);
    }
  });
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { debounceMs } });
  await connection.sendNotification(InitializedNotification.type, {});
  const versions = new Map<string, number>();
  const diagnosticsFor = (path: string, version: number): Promise<Diagnostic[]> => new Promise((resolve) => waiting.set(path.includes(':') ? path : uri(path), { version, resolve }));
  return {
    connection,
    child,
    async open(path, text) {
      versions.set(path, 1);
      const d = diagnosticsFor(path, 1);
      await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uri(path), languageId: 'patchc-rules', version: 1, text } });
      return d;
    },
    async openUri(docUri, text) {
      const d = diagnosticsFor(docUri, 1);
      await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: docUri, languageId: 'patchc-rules', version: 1, text } });
      return d;
    },
    async change(path, text) {
      const version = (versions.get(path) ?? 1) + 1;
      versions.set(path, version);
      const d = diagnosticsFor(path, version);
      await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: uri(path), version }, contentChanges: [{ text }] });
      return d;
    },
    async close() {
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
      connection.dispose();
      child.kill();
    },
  };
}
