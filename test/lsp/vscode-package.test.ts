// The packaging smoke test: scripts/vscode-package.ts writes a .vsix whose structure VS Code accepts
// (manifest, content types, the extension's files) with the grammar exactly as grammar/ has it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXTENSION_DIR, GRAMMAR, GRAMMAR_IN_EXTENSION, packageVsix } from '../../scripts/vscode-package.js';

describe('editors/vscode packaging', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'patchc-vsix-test-')), 'patchc-rules.vsix');
  const result = packageVsix(out);
  const entries = execFileSync('unzip', ['-Z1', result.path], { encoding: 'utf8' }).trim().split('\n');
  // unzip reads [ ] in a name as a wildcard class.
  const read = (entry: string): string => execFileSync('unzip', ['-p', result.path, entry.replace(/[[\]]/g, '\\$&')], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'package.json'), 'utf8'));

  it('holds the manifest, the content types and the extension files', () => {
    expect(entries).toEqual(expect.arrayContaining(['[Content_Types].xml', 'extension.vsixmanifest', 'extension/package.json', 'extension/extension.js', 'extension/language-configuration.json', 'extension/README.md', `extension/${GRAMMAR_IN_EXTENSION}`]));
    const types = read('[Content_Types].xml');
    // Open Packaging Conventions: every part has a type, by its extension or by its own name.
    for (const e of entries.filter((x) => x !== '[Content_Types].xml')) {
      const name = e.slice(e.lastIndexOf('/') + 1);
      if (name.lastIndexOf('.') > 0) expect(types, e).toContain(`Extension="${name.slice(name.lastIndexOf('.')).toLowerCase()}"`);
      else expect(types, e).toContain(`PartName="/${e}"`);
    }
  });

  it('the .vsixmanifest agrees with package.json', () => {
    const vsix = read('extension.vsixmanifest');
    expect(vsix).toContain(`<Identity Language="en-US" Id="${manifest.name}" Version="${manifest.version}" Publisher="${manifest.publisher}" />`);
    expect(vsix).toContain(`<Property Id="Microsoft.VisualStudio.Code.Engine" Value="${manifest.engines.vscode}" />`);
    expect(vsix).toContain('Path="extension/package.json"');
    expect(JSON.parse(read('extension/package.json'))).toEqual(manifest);
  });

  it('every file the manifest names is in the package; the grammar is byte for byte grammar/\'s', () => {
    const named = [manifest.main, ...manifest.contributes.grammars.map((g: { path: string }) => g.path), ...manifest.contributes.languages.map((l: { configuration: string }) => l.configuration)];
    for (const p of named) expect(entries).toContain(`extension/${p.replace(/^\.\//, '')}`);
    expect(read(`extension/${GRAMMAR_IN_EXTENSION}`)).toBe(readFileSync(GRAMMAR, 'utf8'));
    expect(JSON.parse(read(`extension/${GRAMMAR_IN_EXTENSION}`)).scopeName).toBe(manifest.contributes.grammars[0].scopeName);
  });

  it('the client starts `patchc lsp` through vscode-languageclient, a declared dependency', () => {
    const js = read('extension/extension.js');
    expect(js).toContain("require('vscode-languageclient/node')");
    expect(js).toContain("'lsp'");
    expect(manifest.dependencies).toHaveProperty('vscode-languageclient');
    expect(entries.some((e) => e.startsWith('extension/node_modules/vscode-languageclient/'))).toBe(result.bundledDependencies);
  });

  // `npm ci --prefix editors/vscode` (run by .ci/run) installs the client: the package is then complete.
  const installed = existsSync(join(EXTENSION_DIR, 'node_modules/vscode-languageclient/package.json'));
  it.skipIf(!installed && process.env.CI !== 'true')(`with editors/vscode installed, the client library is in the package and resolves from the unpacked extension${installed ? '' : ' (skipped: run npm ci --prefix editors/vscode)'}`, () => {
    expect(result.bundledDependencies).toBe(true);
    const unpacked = mkdtempSync(join(tmpdir(), 'patchc-vsix-unpacked-'));
    execFileSync('unzip', ['-q', result.path, '-d', unpacked]);
    const ext = join(unpacked, 'extension');
    // What extension.js requires, resolved as VS Code's extension host would (only `vscode` itself is the host's).
    const resolved = execFileSync(process.execPath, ['-e', "process.stdout.write(require.resolve('vscode-languageclient/node', { paths: [process.argv[1]] }))", ext], { encoding: 'utf8' });
    expect(resolved.startsWith(join(ext, 'node_modules'))).toBe(true);
    const lock = JSON.parse(readFileSync(join(EXTENSION_DIR, 'package-lock.json'), 'utf8'));
    expect(JSON.parse(read('extension/node_modules/vscode-languageclient/package.json')).version).toBe(lock.packages['node_modules/vscode-languageclient'].version);
  });
});
