// Builds the playground into a folder of static files: index.html, style.css, main.js (the page), worker.js
// and its chunks (the compiler: src/ bundled for the browser), iced_x86_bg.wasm. Any static file server will do.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { browserTwins, icedBrowserLoader } from './buildPlugins.js';
import { ICED_WASM_FILE } from './src/worker/icedWasmFile.js';

const HERE = import.meta.dirname;
export const DEFAULT_OUT = join(HERE, 'dist');

export async function buildPlayground(outDir = DEFAULT_OUT, options: { minify?: boolean } = {}): Promise<Metafile> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const result = await build({
    entryPoints: { main: join(HERE, 'src/main.ts'), worker: join(HERE, 'src/worker/worker.ts') },
    outdir: outDir,
    bundle: true,
    // Splitting: the worker takes requests while its compiler chunk still waits for the wasm.
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: options.minify ?? true,
    sourcemap: false,
    loader: { '.rules': 'text' },
    plugins: [browserTwins(), icedBrowserLoader()],
    metafile: true,
    logLevel: 'warning',
  });
  const iced = join(HERE, '..', 'node_modules/iced-x86/iced_x86_bg.wasm');
  await copyFile(iced, join(outDir, ICED_WASM_FILE));
  for (const f of ['index.html', 'style.css']) await copyFile(join(HERE, f), join(outDir, f));
  return result.metafile;
}

if (resolve(process.argv[1] ?? '') === resolve(import.meta.filename)) {
  const out = process.argv[2] ? resolve(process.argv[2]) : DEFAULT_OUT;
  await buildPlayground(out);
  process.stdout.write(`playground built into ${relative(process.cwd(), out) || '.'}/\n`);
}
