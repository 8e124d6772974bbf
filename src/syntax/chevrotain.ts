// Chevrotain 11's package entry loads its sources as hundreds of small modules (lodash-es among them):
// about 1.8 s before the first token on a loaded 2-core machine. The package also ships the same library
// as one ES module (lib/chevrotain.mjs, listed in its "files"), which loads in ~0.1 s. The CLI starts once
// per file in a build pipeline, so patchc loads the bundle, falling back to the entry if it is absent.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Chevrotain = typeof import('chevrotain');

async function load(): Promise<Chevrotain> {
  try {
    const entry = createRequire(import.meta.url).resolve('chevrotain');
    return (await import(pathToFileURL(join(dirname(entry), '..', 'chevrotain.mjs')).href)) as Chevrotain;
  } catch {
    return import('chevrotain');
  }
}

export const chevrotain: Chevrotain = await load();
