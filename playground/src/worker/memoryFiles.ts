// The playground's rule files: a tree in memory with POSIX-style absolute names, the edited file among them.
import { fileTooLarge, LIMITS, type RuleFiles } from '../../../src/model/loadFrom.js';

/** `/a/b/../c/./d` → `/a/c/d`; every name in the tree is absolute. */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

export function dirnameOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

export function memoryRuleFiles(files: ReadonlyMap<string, string>): RuleFiles {
  return {
    read: (abs) => {
      const text = files.get(abs);
      if (text === undefined) return { error: 'no such file in the playground (its examples and the edited file)' };
      // The disk reader's limit, so that a shared link gets the CLI's answer. UTF-8 takes at most 3 bytes a UTF-16 unit.
      return (text.length * 3 > LIMITS.maxFileBytes && fileTooLarge(new TextEncoder().encode(text).length)) || { text };
    },
    resolve: (path, from) => normalizePath(path.startsWith('/') || from === undefined ? path : `${dirnameOf(from)}/${path}`),
    display: (abs) => abs.replace(/^\//, ''),
  };
}
