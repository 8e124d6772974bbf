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
export const LIMITS = {
  maxFileBytes: 4 * 1024 * 1024,
  maxImportDepth: 32,
  maxFiles: 256,
  /** Rules in a whole rule set (every arch block of every file): Linux needs about a hundred. */
  maxRules: 10_000,
  /** Instructions (and labels) in one replacement: a site is at most 255 bytes, an instruction at least 1. */
  maxInstructionsPerRule: 256,
};

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
    // One push per diagnostic: spreading hundreds of thousands of arguments overflows the stack.
    for (const d of parsed.diagnostics) diagnostics.push(d);
    asts.push(parsed.ast);
    for (const st of parsed.ast.statements) {
      if (st.kind === 'import') visit(resolve(dirname(abs), st.path.text), [...stack, abs], st.path.span);
    }
  };
  visit(resolve(path), []);
  enforceRuleLimits(asts, diagnostics);
  const checked = checkRuleSet(asts);
  for (const d of checked.diagnostics) diagnostics.push(d);
  return { ruleset: checked.ruleset, diagnostics, sources };
}

/**
 * Rules past LIMITS.maxRules, and replacements longer than LIMITS.maxInstructionsPerRule, are reported
 * and dropped before checking: each rule is assembled (twice, for check and table), so their number and
 * size bound the time a rule file can take.
 */
function enforceRuleLimits(asts: RuleFileAst[], diagnostics: Diagnostic[]): void {
  let rules = 0;
  for (const ast of asts) {
    for (const st of ast.statements) {
      if (st.kind !== 'arch') continue;
      const kept = [];
      for (const rule of st.rules) {
        if (rules === LIMITS.maxRules) diagnostics.push(error('rule-count', `more than ${LIMITS.maxRules} rules (LIMITS.maxRules); this and later rules are ignored`, rule.span));
        if (rules++ >= LIMITS.maxRules) continue;
        const r = rule.replacement;
        if (r.kind === 'asm' && r.instructions.length > LIMITS.maxInstructionsPerRule) {
          diagnostics.push(error('rule-size', `${r.instructions.length} instructions in one replacement; the limit (LIMITS.maxInstructionsPerRule) is ${LIMITS.maxInstructionsPerRule}`, r.instructions[LIMITS.maxInstructionsPerRule]!.span));
          continue;
        }
        if (r.kind === 'bytes' && r.bytes.length > 255) {
          diagnostics.push(error('rule-size', `${r.bytes.length} bytes in one replacement; a site is at most 255 bytes`, r.bytes[255]!.span));
          continue;
        }
        kept.push(rule);
      }
      st.rules = kept;
    }
  }
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
