// The VS Code client: starts `patchc lsp` (setting patchc.path) for rule files and leaves everything else to
// the server. CommonJS, as VS Code loads extensions.
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function start() {
  const config = vscode.workspace.getConfiguration('patchc');
  const server = { command: config.get('path', 'patchc'), args: ['lsp', '--debounce', String(config.get('debounceMs', 200))], transport: TransportKind.stdio };
  client = new LanguageClient('patchc', 'patchc rules', { run: server, debug: server }, { documentSelector: [{ scheme: 'file', language: 'patchc-rules' }] });
  return client.start();
}

function activate(context) {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration('patchc')) return;
      // A new executable or debounce takes a new server process.
      if (client) await client.stop();
      await start();
    }),
  );
  return start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
