// Builds editors/vscode into a .vsix without @vscode/vsce: a .vsix is a zip of [Content_Types].xml,
// extension.vsixmanifest and the extension's files under extension/ (the layout vsce writes). The TextMate
// grammar is copied from grammar/, its one source. Run: npx tsx scripts/vscode-package.ts [-o OUT.vsix]
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
export const EXTENSION_DIR = join(root, 'editors/vscode');
export const GRAMMAR = join(root, 'grammar/patchc-rules.tmLanguage.json');
/** Where the manifest (contributes.grammars) expects the grammar. */
export const GRAMMAR_IN_EXTENSION = 'syntaxes/patchc-rules.tmLanguage.json';
const FILES = ['package.json', 'extension.js', 'language-configuration.json', 'README.md'];

interface Manifest {
  name: string;
  displayName: string;
  description: string;
  version: string;
  publisher: string;
  engines: { vscode: string };
  categories?: string[];
}

export interface PackageResult {
  path: string;
  /** Whether editors/vscode/node_modules (vscode-languageclient) went in; without it only highlighting works. */
  bundledDependencies: boolean;
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function vsixManifest(m: Manifest): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<PackageManifest Version="2.0.0" xmlns="http://schemas.microsoft.com/developer/vsx-schema/2011" xmlns:d="http://schemas.microsoft.com/developer/vsx-schema-design/2011">
  <Metadata>
    <Identity Language="en-US" Id="${xml(m.name)}" Version="${xml(m.version)}" Publisher="${xml(m.publisher)}" />
    <DisplayName>${xml(m.displayName)}</DisplayName>
    <Description xml:space="preserve">${xml(m.description)}</Description>
    <Categories>${xml((m.categories ?? []).join(','))}</Categories>
    <GalleryFlags>Public</GalleryFlags>
    <Properties>
      <Property Id="Microsoft.VisualStudio.Code.Engine" Value="${xml(m.engines.vscode)}" />
      <Property Id="Microsoft.VisualStudio.Code.ExtensionDependencies" Value="" />
      <Property Id="Microsoft.VisualStudio.Code.ExtensionPack" Value="" />
      <Property Id="Microsoft.VisualStudio.Code.ExtensionKind" Value="workspace" />
      <Property Id="Microsoft.VisualStudio.Services.GitHubFlavoredMarkdown" Value="true" />
    </Properties>
  </Metadata>
  <Installation>
    <InstallationTarget Id="Microsoft.VisualStudio.Code" />
  </Installation>
  <Dependencies />
  <Assets>
    <Asset Type="Microsoft.VisualStudio.Code.Manifest" Path="extension/package.json" Addressable="true" />
    <Asset Type="Microsoft.VisualStudio.Services.Content.Details" Path="extension/README.md" Addressable="true" />
  </Assets>
</PackageManifest>
`;
}

/** Content types by extension (the Open Packaging Conventions list every extension the package holds). */
const KNOWN_TYPES: Record<string, string> = {
  '.json': 'application/json', '.js': 'application/javascript', '.mjs': 'application/javascript', '.cjs': 'application/javascript',
  '.md': 'text/markdown', '.vsixmanifest': 'text/xml', '.txt': 'text/plain', '.ts': 'text/plain', '.map': 'application/json',
};

/** Every part needs a type: a Default per extension, an Override for a name without one (LICENSE). */
function contentTypes(files: readonly string[]): string {
  const ext = (f: string): string | undefined => {
    const n = basename(f);
    return n.lastIndexOf('.') > 0 ? n.slice(n.lastIndexOf('.')).toLowerCase() : undefined;
  };
  const exts = new Set(files.flatMap((f) => ext(f) ?? []));
  const defaults = [...exts].sort().map((e) => `<Default Extension="${xml(e)}" ContentType="${KNOWN_TYPES[e] ?? 'application/octet-stream'}" />`).join('');
  const overrides = files.filter((f) => ext(f) === undefined).sort().map((f) => `<Override PartName="/${xml(f.split('\\').join('/'))}" ContentType="application/octet-stream" />`).join('');
  return `<?xml version="1.0" encoding="utf-8"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">${defaults}${overrides}</Types>\n`;
}

/** Every file under dir, as paths relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(dir, join(prefix, e.name)) : [join(prefix, e.name)]));
}

/** Copies the grammar into the extension folder (for running it from source too) and writes the .vsix. */
export function packageVsix(out?: string): PackageResult {
  const m = JSON.parse(readFileSync(join(EXTENSION_DIR, 'package.json'), 'utf8')) as Manifest;
  const path = resolve(out ?? join(EXTENSION_DIR, `${m.name}-${m.version}.vsix`));
  mkdirSync(join(EXTENSION_DIR, dirname(GRAMMAR_IN_EXTENSION)), { recursive: true });
  copyFileSync(GRAMMAR, join(EXTENSION_DIR, GRAMMAR_IN_EXTENSION));
  const stage = mkdtempSync(join(tmpdir(), 'patchc-vsix-'));
  try {
    const ext = join(stage, 'extension');
    mkdirSync(join(ext, dirname(GRAMMAR_IN_EXTENSION)), { recursive: true });
    for (const f of FILES) copyFileSync(join(EXTENSION_DIR, f), join(ext, f));
    copyFileSync(GRAMMAR, join(ext, GRAMMAR_IN_EXTENSION));
    const deps = join(EXTENSION_DIR, 'node_modules');
    const bundledDependencies = existsSync(join(deps, 'vscode-languageclient'));
    // The production dependencies as installed; .bin holds npm's command shims, which an extension never runs.
    if (bundledDependencies) cpSync(deps, join(ext, 'node_modules'), { recursive: true, filter: (src) => basename(src) !== '.bin' });
    writeFileSync(join(stage, 'extension.vsixmanifest'), vsixManifest(m));
    writeFileSync(join(stage, '[Content_Types].xml'), contentTypes([...filesUnder(stage), 'extension.vsixmanifest']));
    rmSync(path, { force: true });
    mkdirSync(dirname(path), { recursive: true });
    // -X: no extra file attributes, -D: no directory entries (vsce writes none either).
    execFileSync('zip', ['-q', '-X', '-D', '-r', path, '[Content_Types].xml', 'extension.vsixmanifest', 'extension'], { cwd: stage });
    return { path, bundledDependencies };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const { values } = parseArgs({ options: { output: { type: 'string', short: 'o' } } });
  const r = packageVsix(values.output);
  process.stdout.write(`wrote ${r.path}\n`);
  if (!r.bundledDependencies) process.stderr.write('warning: editors/vscode/node_modules has no vscode-languageclient (run `npm install` in editors/vscode): this .vsix highlights rule files but cannot start the language server\n');
}
