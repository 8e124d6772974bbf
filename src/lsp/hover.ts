// What the compiler knows about the thing under the cursor, from the same tables `patchc compile` writes.
import type { Hover, Position } from 'vscode-languageserver';
import { ARCHES } from '../model/arch.js';
import { abiLocation } from '../model/abiNames.js';
import { selectorKey } from '../model/check.js';
import type { OpDef, RuleDef } from '../model/ruleset.js';
import { toHex } from '../table/hex.js';
import type { PatchEntry, PatchTable } from '../table/types.js';
import { selectorLabel } from '../verify/index.js';
import type { Analysis } from './analysis.js';
import { absPath, contains, toRange, wordAt } from './positions.js';

/** A paravirt site (`call *slot`, ff 15 disp32) is six bytes on both architectures. */
const INDIRECT_CALL_SITE = 6;

export function hover(a: Analysis, lineText: string, pos: Position): Hover | undefined {
  const w = wordAt(lineText, pos);
  const rule = ruleAt(a, pos);
  if (w && /^%?(ret|arg[0-5])$/.test(w.word) && rule) {
    const op = rule.selector.kind === 'op' ? a.built.ruleset.ops.get(rule.selector.op) : undefined;
    return markdown(abiHover(w.word.replace('%', ''), op), pos.line, w.start, w.word.length);
  }
  const occ = a.occurrences.find((o) => o.kind === 'op' && absPath(o.span.file) === a.root && contains(o.span, pos));
  if (occ && (occ.decl || !rule)) {
    const op = a.built.ruleset.ops.get(occ.name);
    if (op) return { contents: { kind: 'markdown', value: opHover(a, op) }, range: toRange(occ.span) };
  }
  if (rule) return { contents: { kind: 'markdown', value: ruleHover(a, rule) }, range: toRange(rule.span) };
  return undefined;
}

function markdown(value: string, line: number, start: number, length: number): Hover {
  return { contents: { kind: 'markdown', value }, range: { start: { line, character: start }, end: { line, character: start + length } } };
}

export function ruleAt(a: Analysis, pos: Position): RuleDef | undefined {
  for (const ar of a.built.ruleset.arches.values()) for (const r of ar.rules) if (absPath(r.span.file) === a.root && contains(r.span, pos)) return r;
  return undefined;
}

function abiHover(name: string, op: OpDef | undefined): string {
  const rows = [...ARCHES.values()].map((arch) => {
    const l = abiLocation(name, op, arch);
    return `- **${arch.name}** (${arch.convention.name}): ${'register' in l ? `\`${l.register}\`` : l.error}`;
  });
  return [`\`${name}\`${op ? ` of \`${op.name}\`` : ''}`, '', ...rows].join('\n');
}

/** The declaration as written (the model keeps only the name's place). */
function declText(a: Analysis, op: OpDef): string {
  const file = a.files.get(absPath(op.span.file));
  const decl = file?.ast.statements.find((s) => s.kind === 'op' && s.name.text === op.name);
  return file && decl ? file.source.text.slice(decl.span.start.offset, decl.span.end.offset).trim() : `op ${op.name}`;
}

function opHover(a: Analysis, op: OpDef): string {
  const out = ['```patchc', declText(a, op), '```'];
  const contract = op.contracts.map((c) => (c.kind === 'identity' ? `identity(arg${c.arg})` : c.kind === 'const' ? `const ${c.value}` : c.kind === 'writes' ? `writes(${c.registers.join(', ')})` : c.kind));
  out.push(`contract: ${[...contract, ...(op.calleeSave ? ['callee_save'] : []), ...(op.maxLength !== undefined ? [`max ${op.maxLength}`] : [])].join(' ') || 'none'}`);
  const rules: string[] = [];
  for (const t of a.built.tables) {
    const e = t.entries.find((x) => x.selector.kind === 'op' && x.selector.op === op.name);
    if (e) rules.push(`- **${t.arch}** (${e.source.file}:${e.source.line}): ${entryLine(e)}${e.verdict ? ` — ${e.verdict.verdict}` : ''}`);
  }
  out.push('', rules.length ? 'rules:' : 'no rule implements it: sites keep the `default` rule', ...rules);
  return out.join('\n');
}

function entryLine(e: PatchEntry): string {
  return e.bytes.length ? `\`${spaced(e.bytes)}\` (${e.instructions.map((i) => i.text).join('; ')})` : 'empty (NOPs)';
}

const spaced = toHex;

function ruleHover(a: Analysis, rule: RuleDef): string {
  const key = selectorKey(rule.selector);
  const op = rule.selector.kind === 'op' ? a.built.ruleset.ops.get(rule.selector.op) : undefined;
  const out = [`**${selectorLabel(rule.selector)}**${op ? ` — \`${declText(a, op)}\`` : ''}`];
  // The rule's own architecture first, then the same selector's rules on the others.
  const tables = [...a.built.tables].sort((x, y) => Number(y.arch === rule.arch) - Number(x.arch === rule.arch));
  for (const t of tables) {
    const e = t.entries.find((x) => selectorKey(x.selector) === key);
    if (e) out.push('', ...entryHover(a, t, e));
  }
  if (out.length === 1) out.push('', 'not compiled (see the diagnostics)');
  return out.join('\n');
}

function entryHover(a: Analysis, t: PatchTable, e: PatchEntry): string[] {
  const sites = a.built.ruleset.siteTables.some((s) => (s.arch === undefined || s.arch === t.arch) && s.expect === 'indirect-call');
  const limits = [...(sites ? [`site ${INDIRECT_CALL_SITE}`] : []), ...(e.maxLength !== undefined ? [`max ${e.maxLength}`] : [])];
  const room = sites ? (e.bytes.length <= INDIRECT_CALL_SITE ? `, ${INDIRECT_CALL_SITE - e.bytes.length} byte(s) of NOP after it` : ', longer than the site') : '';
  const lines = [`**${t.arch}**: ${e.bytes.length} byte(s)${limits.length ? ` (${limits.join(', ')})` : ''}${room}`];
  if (e.instructions.length) {
    lines.push('```');
    for (const i of e.instructions) lines.push(`${i.offset.toString(16).padStart(2)}: ${spaced(i.bytes).padEnd(24)} ${i.text}`);
    lines.push('```');
  } else lines.push(`bytes: \`${spaced(e.bytes) || '(none)'}\``);
  lines.push(`writes: ${e.writes.registers.join(', ') || 'no register'}; flags: ${e.writes.flags.join(', ') || 'none'}`);
  if (e.relocations.length) lines.push(`relocations: ${e.relocations.map((r) => `${r.symbol} at ${r.offset}`).join(', ')}`);
  if (e.verdict) lines.push(`contract: **${e.verdict.verdict}**${e.verdict.basis ? ` (${e.verdict.basis})` : ''}${e.verdict.details.length ? ` — ${e.verdict.details.slice(0, 3).join('; ')}` : ''}`);
  return lines;
}
