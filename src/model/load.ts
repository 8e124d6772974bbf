// Rule files from the disk: the CLI's and the library's way of loading a rule set (loadFrom.ts does the work).
import { readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileTooLarge, loadRuleSetFrom, type LoadResult, type ReadText, type RuleFiles } from './loadFrom.js';

export { LIMITS, loadRuleSetFrom, type LoadResult, type ReadText, type RuleFiles } from './loadFrom.js';

export const readTextFile: ReadText = (absPath) => {
  try {
    const st = statSync(absPath);
    if (!st.isFile()) return { error: 'not a regular file' };
    const tooLarge = fileTooLarge(st.size);
    if (tooLarge) return tooLarge;
    const buf = readFileSync(absPath);
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf) };
    } catch {
      const bad = firstInvalidUtf8(buf);
      return { error: `not valid UTF-8 (first bad byte at offset ${bad})` };
    }
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((e as Error).message) };
  }
};

/** Paths relative to the working directory (or `displayBase`), imports relative to the importing file. */
export function diskRuleFiles(read: ReadText = readTextFile, displayBase = process.cwd()): RuleFiles {
  return {
    read,
    resolve: (path, from) => (from === undefined ? resolve(path) : resolve(dirname(from), path)),
    display: (abs) => {
      const r = relative(displayBase, abs);
      return r.startsWith('..') ? abs : r;
    },
  };
}

export function loadRuleSet(path: string, read: ReadText = readTextFile, displayBase = process.cwd()): LoadResult {
  return loadRuleSetFrom(path, diskRuleFiles(read, displayBase));
}

function firstInvalidUtf8(buf: Uint8Array): number {
  // One streaming decoder fed a byte at a time throws at the first byte that cannot continue a character.
  const d = new TextDecoder('utf-8', { fatal: true });
  for (let i = 0; i < buf.length; i++) {
    try {
      d.decode(buf.subarray(i, i + 1), { stream: true });
    } catch {
      return i;
    }
  }
  return buf.length;
}
