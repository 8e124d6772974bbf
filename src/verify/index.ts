// Proving that each compiled replacement does what its op promises. What each verdict means: types.ts;
// what is modelled, checked and assumed: README.md.
import { error, warning, type Diagnostic, type SourceSpan } from '../diag/diagnostic.js';
import { conditionText, describeSelector, ruleKey } from '../model/check.js';
import { ARCHES } from '../model/arch.js';
import type { RuleSet, SelectorDef } from '../model/ruleset.js';
import type { PatchTable } from '../table/types.js';
import { swapFix } from './fixes.js';
import { verifyReplacement } from './replacement.js';
import type { OpVerdict } from './types.js';

export type { OpVerdict, Verdict, Finding } from './types.js';
export { verifyReplacement, type ReplacementInput, type ReplacementResult } from './replacement.js';
export { formatVerdicts, verdictLabel } from './report.js';

/** The selector as people write it (`ident64`, `target _paravirt_nop`), unlike the table's `op:ident64` key. */
export function selectorLabel(s: SelectorDef): string {
  return s.kind === 'op' ? s.op : s.kind === 'target' ? `target ${s.symbol}` : s.kind;
}

/**
 * One verdict per table entry, in table order, and diagnostics at each rule: errors for violations,
 * warnings for what could not be decided. The ruleset supplies the ops' contracts and the rules' spans.
 */
export function verifyTable(table: PatchTable, ruleset: RuleSet): { verdicts: OpVerdict[]; diagnostics: Diagnostic[] } {
  const verdicts: OpVerdict[] = [];
  const diagnostics: Diagnostic[] = [];
  const arch = ruleset.arches.get(table.arch)?.arch ?? ARCHES.get(table.arch);
  if (!arch) {
    diagnostics.push(error('verify-arch', `table for unknown architecture '${table.arch}'`));
    return { verdicts, diagnostics };
  }
  const rules = new Map((ruleset.arches.get(table.arch)?.rules ?? []).map((r) => [ruleKey(r), r]));
  for (const entry of table.entries) {
    const rule = rules.get(ruleKey(entry));
    const label = entry.when ? `${selectorLabel(entry.selector)} ${conditionText(entry.when)}` : selectorLabel(entry.selector);
    const op = entry.selector.kind === 'op' ? ruleset.ops.get(entry.selector.op) : undefined;
    const syntax = rule?.replacement.kind === 'asm' ? rule.replacement.syntax : 'att';
    const res = verifyReplacement({ bytes: entry.bytes, relocations: entry.relocations, arch, ...(op ? { op } : {}), selector: selectorLabel(entry.selector), syntax });
    const span: SourceSpan | undefined = rule?.span ?? { file: entry.source.file, start: { line: entry.source.line, col: entry.source.col, offset: 0 }, end: { line: entry.source.line, col: entry.source.col, offset: 0 } };
    verdicts.push({
      op: label,
      arch: table.arch,
      rule: `${label} -> ${res.text.length ? res.text.join('; ') : '{}'}`,
      verdict: res.verdict,
      details: res.details,
      ...(res.basis ? { basis: res.basis } : {}),
      at: `${entry.source.file}:${entry.source.line}:${entry.source.col}`,
    });
    for (const f of res.findings) {
      const d = f.status === 'violated' ? error(f.code, f.message, span, f.hints) : warning(f.code, f.message, span, f.hints);
      const fixes = f.swapOperands ? swapFix(rule, f.swapOperands.mnemonic) : [];
      diagnostics.push(fixes.length ? { ...d, fixes } : d);
    }
    if (entry.selector.kind === 'op' && !op) diagnostics.push(warning('verify-unknown-op', `${describeSelector(entry.selector)} is not declared in rule set '${ruleset.name}'`, span));
  }
  return { verdicts, diagnostics };
}
