// Reads a rule file and everything it imports, parses each once, and checks them together. Where the files
// come from is the caller's (RuleFiles): the disk for the CLI (load.ts), an in-memory tree in the browser.
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

/** The reader's answer for a file of `bytes` bytes over LIMITS.maxFileBytes; undefined when it is within. */
export function fileTooLarge(bytes: number): { error: string } | undefined {
  return bytes > LIMITS.maxFileBytes ? { error: `file is ${bytes} bytes; the limit (LIMITS.maxFileBytes) is ${LIMITS.maxFileBytes}` } : undefined;
}

export interface LoadResult {
  ruleset: RuleSet;
  diagnostics: Diagnostic[];
  /** Every file read, by the name diagnostics use, for code frames. */
  sources: Map<string, SourceText>;
}

/** How a file is read; tests substitute an in-memory map. */
export type ReadText = (absPath: string) => { text: string } | { error: string };

/** A tree of rule files: how names are resolved, read, and shown in diagnostics. */
export interface RuleFiles {
  read: ReadText;
  /** The absolute name of `path`: as given by the caller (`from` undefined), or imported by the file `from`. */
  resolve(path: string, from?: string): string;
  /** The name diagnostics and code frames use for an absolute name. */
  display(abs: string): string;
}

export function loadRuleSetFrom(path: string, files: RuleFiles): LoadResult {
  const sources = new Map<string, SourceText>();
  const diagnostics: Diagnostic[] = [];
  const asts: RuleFileAst[] = [];
  const done = new Set<string>();

  const visit = (abs: string, stack: string[], from?: SourceSpan): void => {
    if (stack.includes(abs)) {
      const cycle = [...stack.slice(stack.indexOf(abs)), abs].map((a) => files.display(a)).join(' -> ');
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
    const name = files.display(abs);
    const r = files.read(abs);
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
      if (st.kind === 'import') visit(files.resolve(st.path.text, abs), [...stack, abs], st.path.span);
    }
  };
  visit(files.resolve(path), []);
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
