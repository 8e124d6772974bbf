// The playground's rule files: a tree in memory with POSIX-style absolute names, the edited file among them.
import type { RuleFiles } from '../../../src/model/loadFrom.js';

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
      return text === undefined ? { error: 'no such file in the playground (its examples and the edited file)' } : { text };
    },
    resolve: (path, from) => normalizePath(path.startsWith('/') || from === undefined ? path : `${dirnameOf(from)}/${path}`),
    display: (abs) => abs.replace(/^\//, ''),
  };
}
