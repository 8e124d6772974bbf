// Reads a rule file and everything it imports, parses each once, and checks them together.
import { readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { error, type Diagnostic, type SourceSpan } from '../diag/diagnostic.js';
import { SourceText } from '../diag/source.js';
import type { RuleFileAst } from '../syntax/ast.js';
import { parseRules } from '../syntax/parse.js';
import { checkRuleSet } from './check.js';
import type { RuleSet } from './ruleset.js';

/** Limits against hostile input; each is named in its error. */
export const LIMITS = { maxFileBytes: 4 * 1024 * 1024, maxImportDepth: 32, maxFiles: 256 };

export interface LoadResult {
  ruleset: RuleSet;
  diagnostics: Diagnostic[];
  /** Every file read, by the name diagnostics use, for code frames. */
  sources: Map<string, SourceText>;
}

/** How a file is read; tests substitute an in-memory map. */
export type ReadText = (absPath: string) => { text: string } | { error: string };

export const readTextFile: ReadText = (absPath) => {
  try {
    const st = statSync(absPath);
    if (!st.isFile()) return { error: 'not a regular file' };
    if (st.size > LIMITS.maxFileBytes) return { error: `file is ${st.size} bytes; the limit (LIMITS.maxFileBytes) is ${LIMITS.maxFileBytes}` };
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

export function loadRuleSet(path: string, read: ReadText = readTextFile, displayBase = process.cwd()): LoadResult {
  const sources = new Map<string, SourceText>();
  const diagnostics: Diagnostic[] = [];
  const asts: RuleFileAst[] = [];
  const done = new Set<string>();
  const display = (abs: string): string => {
    const r = relative(displayBase, abs);
    return r.startsWith('..') ? abs : r;
  };

  const visit = (abs: string, stack: string[], from?: SourceSpan): void => {
    if (stack.includes(abs)) {
      const cycle = [...stack.slice(stack.indexOf(abs)), abs].map(display).join(' -> ');
      diagnostics.push(error('import-cycle', `import cycle: ${cycle}`, from));
      return;
    }
    if (done.has(abs)) return;
    if (stack.length > LIMITS.maxImportDepth) {
      diagnostics.push(error('import-depth', `imports nest deeper than ${LIMITS.maxImportDepth} files (LIMITS.maxImportDepth)`, from));
      return;
    }
    if (done.size >= LIMITS.maxFiles) {
      diagnostics.push(error('import-count', `a rule set may read at most ${LIMITS.maxFiles} files (LIMITS.maxFiles)`, from));
      return;
    }
    done.add(abs);
    const name = display(abs);
    const r = read(abs);
    if ('error' in r) {
      diagnostics.push(error(from ? 'import-missing' : 'file-unreadable', `cannot read ${name}: ${r.error}`, from));
      return;
    }
    const src = new SourceText(name, r.text);
    sources.set(name, src);
    const parsed = parseRules(src);
    diagnostics.push(...parsed.diagnostics);
    asts.push(parsed.ast);
    for (const st of parsed.ast.statements) {
      if (st.kind === 'import') visit(resolve(dirname(abs), st.path.text), [...stack, abs], st.path.span);
    }
  };
  visit(resolve(path), []);
  const checked = checkRuleSet(asts);
  diagnostics.push(...checked.diagnostics);
  return { ruleset: checked.ruleset, diagnostics, sources };
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
