// esbuild plugins that let src/ run in a browser worker. Two Node-only modules of src/ have browser twins
// (playground/src/worker/twins/), and iced-x86's synchronous loader is replaced by an explicit instantiate.
// Anything else on the compile path that needs Node fails the build: platform 'browser' has no node:fs.
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Plugin } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
const TWINS = join(ROOT, 'playground/src/worker/twins');

/** src/ module → its browser twin. Each Node module says in its header why it needs one. */
export const BROWSER_TWINS: ReadonlyMap<string, string> = new Map([
  [join(ROOT, 'src/asm/icedPackage.ts'), join(TWINS, 'icedPackage.ts')],
  [join(ROOT, 'src/syntax/chevrotain.ts'), join(TWINS, 'chevrotain.ts')],
]);

export function browserTwins(): Plugin {
  const names = [...BROWSER_TWINS.keys()].map((p) => basename(p, '.ts'));
  const filter = new RegExp(`/(${names.join('|')})\\.js$`);
  return {
    name: 'patchc-browser-twins',
    setup(build) {
      build.onResolve({ filter }, (args) => {
        const twin = BROWSER_TWINS.get(resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts'));
        return twin ? { path: twin } : undefined;
      });
    },
  };
}

/** The package's loader, as iced-x86 1.21's wasm-bindgen output writes it; the build fails if it changes. */
const ICED_NODE_UTIL = 'const { TextDecoder, TextEncoder } = require(`util`);';
const ICED_NODE_LOADER = [
  "const path = require('path').join(__dirname, 'iced_x86_bg.wasm');",
  "const bytes = require('fs').readFileSync(path);",
  '',
  'const wasmModule = new WebAssembly.Module(bytes);',
  'const wasmInstance = new WebAssembly.Instance(wasmModule, imports);',
  'wasm = wasmInstance.exports;',
  'module.exports.__wasm = wasm;',
].join('\n');
const ICED_BROWSER_LOADER = `module.exports.__instantiate = function (wasmModule) {
  wasm = new WebAssembly.Instance(wasmModule, imports).exports;
  module.exports.__wasm = wasm;
};`;

export function icedBrowserLoader(): Plugin {
  return {
    name: 'patchc-iced-browser-loader',
    setup(build) {
      build.onLoad({ filter: /[\\/]iced-x86[\\/]iced_x86\.js$/ }, async (args) => {
        const text = (await readFile(args.path, 'utf8')).replace(/\r\n/g, '\n');
        const replaceOnce = (s: string, from: string, to: string): string => {
          const at = s.indexOf(from);
          if (at < 0 || s.indexOf(from, at + 1) >= 0) throw new Error(`${args.path}: expected exactly one ${JSON.stringify(from.split('\n')[0])}; has iced-x86 changed its loader?`);
          return s.slice(0, at) + to + s.slice(at + from.length);
        };
        // Browsers (and workers) have TextDecoder and TextEncoder as globals.
        const withGlobals = replaceOnce(text, ICED_NODE_UTIL, 'const { TextDecoder, TextEncoder } = globalThis;');
        return { contents: replaceOnce(withGlobals, ICED_NODE_LOADER, ICED_BROWSER_LOADER), loader: 'js' };
      });
    },
  };
}
