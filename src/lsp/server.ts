// The language server: patchc's pipeline behind the Language Server Protocol. Every answer comes from one
// Analysis per open file (analysis.ts), rebuilt a short while after the author stops typing.
import type { Readable, Writable } from 'node:stream';
import {
  CodeActionKind,
  TextDocumentSyncKind,
  TextDocuments,
  type CodeAction,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver';
import { createConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { readTextFile, type ReadText } from '../model/load.js';
import { formatText } from '../syntax/format.js';
import { analyze, type Analysis } from './analysis.js';
import { complete } from './completion.js';
import { lspDiagnostics, type FixData } from './diagnostics.js';
import { hover } from './hover.js';
import { definition, documentSymbols, references, rename } from './navigation.js';
import { absPath, pathOf } from './positions.js';
import { legend, semanticTokens } from './semanticTokens.js';

export interface ServerOptions {
  /** Quiet time after an edit before the file is rebuilt (ms). */
  debounceMs?: number;
}

export const DEFAULT_DEBOUNCE_MS = 200;

/** Serves one client on the given streams; resolves when the connection ends. */
export function serve(input: Readable, output: Writable, options: ServerOptions = {}): Promise<void> {
  const connection = createConnection(new StreamMessageReader(input), new StreamMessageWriter(output));
  const done = new Promise<void>((resolve) => connection.onExit(() => resolve()));
  input.on('end', () => connection.dispose());
  new RuleServer(connection, options);
  connection.listen();
  return Promise.race([done, new Promise<void>((resolve) => input.on('close', () => resolve()))]);
}

class RuleServer {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly analyses = new Map<string, Analysis>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private debounceMs: number;

  constructor(
    private readonly connection: Connection,
    options: ServerOptions,
  ) {
    this.debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    const c = connection;
    c.onInitialize((params): InitializeResult => {
      const opt = params.initializationOptions as { debounceMs?: number } | undefined;
      if (typeof opt?.debounceMs === 'number') this.debounceMs = opt.debounceMs;
      return {
        capabilities: {
          textDocumentSync: TextDocumentSyncKind.Incremental,
          hoverProvider: true,
          completionProvider: { triggerCharacters: ['%', ' ', '.'] },
          definitionProvider: true,
          referencesProvider: true,
          renameProvider: { prepareProvider: false },
          documentSymbolProvider: true,
          documentFormattingProvider: true,
          codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
          semanticTokensProvider: { legend, full: true },
        },
        serverInfo: { name: 'patchc' },
      };
    });
    this.documents.onDidChangeContent((e) => this.changed(e.document.uri));
    this.documents.onDidClose((e) => {
      clearTimeout(this.timers.get(e.document.uri));
      this.timers.delete(e.document.uri);
      this.analyses.delete(e.document.uri);
      void c.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    });
    c.onHover((p) => {
      const a = this.current(p.textDocument.uri);
      const doc = this.documents.get(p.textDocument.uri);
      return a && doc ? (hover(a, doc.getText().split('\n')[p.position.line] ?? '', p.position) ?? null) : null;
    });
    c.onCompletion((p) => {
      const doc = this.documents.get(p.textDocument.uri);
      return doc ? complete(this.current(p.textDocument.uri), doc.getText(), p.position) : [];
    });
    c.onDefinition((p) => {
      const a = this.current(p.textDocument.uri);
      return a ? definition(a, p.position) : [];
    });
    c.onReferences((p) => {
      const a = this.current(p.textDocument.uri);
      return a ? references(a, p.position, p.context.includeDeclaration) : [];
    });
    c.onRenameRequest((p) => {
      const a = this.current(p.textDocument.uri);
      const r = a ? rename(a, p.position, p.newName, [...this.analyses.values()]) : undefined;
      if (r && 'error' in r) throw new Error(r.error);
      return r ?? null;
    });
    c.onDocumentSymbol((p) => {
      const a = this.current(p.textDocument.uri);
      return a ? documentSymbols(a) : [];
    });
    c.onDocumentFormatting((p) => {
      const doc = this.documents.get(p.textDocument.uri);
      if (!doc) return [];
      const f = formatText(pathOf(doc.uri), doc.getText());
      if (f.text === undefined || f.text === doc.getText()) return [];
      return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(doc.getText().length) }, newText: f.text }];
    });
    c.onCodeAction((p): CodeAction[] =>
      p.context.diagnostics.flatMap((d) =>
        ((d.data as FixData | undefined)?.fixes ?? []).map((f) => ({
          title: `Replace with '${f.text}'`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          isPreferred: true,
          edit: { changes: { [p.textDocument.uri]: [{ range: f.range, newText: f.text }] } },
        })),
      ),
    );
    c.languages.semanticTokens.on((p) => {
      const doc = this.documents.get(p.textDocument.uri);
      const a = this.analyses.get(p.textDocument.uri);
      return semanticTokens(doc?.getText() ?? '', new Set(a?.built.ruleset.ops.keys() ?? []));
    });
    this.documents.listen(c);
  }

  /** Unsaved texts win over the disk's, so an import being edited is seen by the files importing it. */
  private readonly read: ReadText = (abs) => {
    for (const d of this.documents.all()) if (absPath(pathOf(d.uri)) === abs) return { text: d.getText() };
    return readTextFile(abs);
  };

  private changed(uri: string): void {
    this.schedule(uri);
    const path = absPath(pathOf(uri));
    for (const [other, a] of this.analyses) if (other !== uri && a.files.has(path)) this.schedule(other);
  }

  private schedule(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        this.validate(uri, true);
      }, this.debounceMs),
    );
  }

  /** The analysis of the document as it is now: a request right after an edit does not wait for the timer. */
  private current(uri: string): Analysis | undefined {
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    const a = this.analyses.get(uri);
    if (a && a.version === doc.version && !this.timers.has(uri)) return a;
    return this.validate(uri, true);
  }

  private validate(uri: string, publish: boolean): Analysis | undefined {
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    const a = analyze(pathOf(uri), doc.version, this.read);
    this.analyses.set(uri, a);
    if (publish) void this.connection.sendDiagnostics({ uri, version: doc.version, diagnostics: lspDiagnostics(a, doc.getText()) });
    return a;
  }
}
