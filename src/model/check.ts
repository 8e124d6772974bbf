// Syntax trees of all files of a rule set → the checked model, with every semantic error located.
import { error, type Diagnostic, type SourceSpan } from '../diag/diagnostic.js';
import type { AsmSyntax } from '../asm/types.js';
import type { ArchBlock, Attr, NopsBlock, OpDecl, RuleFileAst, RuleStmt } from '../syntax/ast.js';
import { ARCHES, archAlias, archHints } from './arch.js';
import { parseInteger } from './numbers.js';
import type { ArchRules, Contract, OpDef, OpParam, RuleDef, RuleSet, SelectorDef, Width } from './ruleset.js';
import type { NopTable } from './nops.js';
import { didYouMean, nearest } from './suggest.js';
import { checkOpsTable, checkSiteTable } from './tables.js';
import { checkTextTable } from './textTable.js';
import { checkAltTable } from './altTable.js';

export const TYPES: Record<string, Width> = { u8: 8, u16: 16, u32: 32, u64: 64, s8: 8, s16: 16, s32: 32, s64: 64, bool: 8, ulong: 'word', long: 'word', ptr: 'word', void: 'void' };
export const ATTRS = ['identity', 'const', 'nop', 'opaque', 'writes', 'callee_save', 'max'];

export interface CheckResult {
  ruleset: RuleSet;
  diagnostics: Diagnostic[];
}

/** `files` root first; each file's rules are read in that file's own syntax. */
export function checkRuleSet(files: readonly RuleFileAst[]): CheckResult {
  const diags: Diagnostic[] = [];
  const rs: RuleSet = { name: '', files: files.map((f) => f.file), ops: new Map(), arches: new Map(), nops: new Map(), siteTables: [], opsTables: new Map(), altTables: [], textTables: [] };
  const ruleSpans = new Map<string, SourceSpan>();
  const pendingRules: { rule: RuleStmt; arch: string; syntax: AsmSyntax }[] = [];

  files.forEach((f, index) => {
    const syntax = fileSyntax(f, diags);
    const rulesetDecls = f.statements.filter((s) => s.kind === 'ruleset');
    for (const extra of rulesetDecls.slice(1)) diags.push(error('duplicate-ruleset', 'a file names its rule set once', extra.span));
    if (index === 0) rs.name = rulesetDecls[0]?.name.text ?? f.file.replace(/^.*\//, '').replace(/\.rules$/, '');
    for (const st of f.statements) {
      switch (st.kind) {
        case 'op':
          addOp(rs, st, diags);
          break;
        case 'arch': {
          const arch = archRules(rs, st, diags);
          if (arch) for (const rule of st.rules) pendingRules.push({ rule, arch: arch.arch.name, syntax });
          break;
        }
        case 'nops':
          addNops(rs, st, diags);
          break;
        case 'features':
          if (rs.features && rs.features.table !== st.table.text) diags.push(error('features-conflict', `features ${st.table.text}: the rule set already names features ${rs.features.table}`, st.table.span, [`the first is at ${rs.features.span.file}:${rs.features.span.start.line}:${rs.features.span.start.col}`]));
          else rs.features ??= { table: st.table.text, span: st.table.span };
          break;
        case 'sitetable': {
          const t = checkSiteTable(st, diags);
          if (t) {
            if (rs.siteTables.some((o) => o.name === t.name)) diags.push(error('duplicate-table', `sitetable '${t.name}' is defined twice`, st.name.span));
            else rs.siteTables.push(t);
          }
          break;
        }
        case 'alttable': {
          const t = checkAltTable(st, diags);
          if (t) {
            if (rs.altTables.some((o) => o.name === t.name)) diags.push(error('duplicate-table', `alttable '${t.name}' is defined twice`, st.name.span));
            else rs.altTables.push(t);
          }
          break;
        }
        case 'texttable': {
          const t = checkTextTable(st, diags);
          if (t) {
            if (rs.textTables.some((o) => o.name === t.name)) diags.push(error('duplicate-table', `texttable '${t.name}' is defined twice`, st.name.span));
            else rs.textTables.push(t);
          }
          break;
        }
        case 'opstable': {
          const t = checkOpsTable(st, diags);
          if (t) {
            if (rs.opsTables.has(t.name)) diags.push(error('duplicate-table', `opstable '${t.name}' is defined twice`, st.name.span));
            else rs.opsTables.set(t.name, t);
          }
          break;
        }
        default:
          break;
      }
    }
  });

  // One CPU file is read one way: a `features` line and an alttable must name the same table. Without the
  // line, the alttables' table (when they agree) is the one conditions are named in.
  const altFeatures = [...new Set(rs.altTables.map((t) => t.features))];
  if (rs.features) {
    for (const t of rs.altTables) {
      if (t.features !== rs.features.table) diags.push(error('features-conflict', `alttable ${t.name} uses features ${t.features}, the rule set's features line says ${rs.features.table}`, t.valueSpans?.features ?? t.span));
    }
  } else if (altFeatures.length === 1) rs.features = { table: altFeatures[0]!, span: rs.altTables[0]!.valueSpans?.features ?? rs.altTables[0]!.span };

  // Rules are checked after every file's ops are known: an imported file may declare what a rule uses.
  for (const { rule, arch, syntax } of pendingRules) {
    const def = checkRule(rs, rule, arch, syntax, diags);
    if (!def) continue;
    if (def.when && !rs.features) {
      const hint = altFeatures.length > 1 ? `its alttables name ${altFeatures.join(' and ')}: add a line \`features ${altFeatures[0]}\` to choose` : 'add a line `features linux-6.12` (or linux-6.1): the kernel version whose cpufeatures.h names the features';
      diags.push(error('no-feature-table', `rule for ${describeSelector(def.selector)} tests ${def.when.feature}, but the rule set names no CPU feature table`, def.when.span, [hint]));
      continue;
    }
    const key = `${arch}\0${ruleKey(def)}`;
    const first = ruleSpans.get(key);
    if (first) {
      diags.push(error('duplicate-rule', `a second rule for ${describeRule(def)} on ${arch}`, rule.span, [`the first is at ${first.file}:${first.start.line}:${first.start.col}`]));
      continue;
    }
    ruleSpans.set(key, rule.span);
    rs.arches.get(arch)!.rules.push(def);
  }

  for (const t of rs.siteTables) {
    if (!rs.opsTables.has(t.opsTable)) diags.push(error('unknown-table', `sitetable ${t.name} names opstable '${t.opsTable}', which is not defined`, t.span, didYouMean(t.opsTable, rs.opsTables.keys())));
    for (const [field, f] of [['site', { offset: t.site.offset, width: t.site.kind === 'rel32' ? 4 : (ARCHES.get(t.arch ?? '')?.wordBits ?? 32) / 8 }], ['op', t.op], ['len', t.len], ['clobbers', t.clobbers]] as const) {
      if (f && f.offset + f.width > t.stride) diags.push(error('table-layout', `sitetable ${t.name}: field '${field}' at ${f.offset} (${f.width} bytes) does not fit in an entry of ${t.stride} bytes`, t.span));
    }
  }
  for (const t of rs.opsTables.values()) {
    t.slots.forEach((name) => {
      if (name !== undefined && !rs.ops.has(name)) diags.push(error('unknown-op', `opstable ${t.name} names op '${name}', which is not declared`, t.span, didYouMean(name, rs.ops.keys())));
    });
  }
  return { ruleset: rs, diagnostics: diags };
}

function fileSyntax(f: RuleFileAst, diags: Diagnostic[]): AsmSyntax {
  const decls = f.statements.filter((s) => s.kind === 'syntax');
  for (const extra of decls.slice(1)) diags.push(error('duplicate-syntax', 'a file declares its syntax once', extra.span));
  const d = decls[0];
  if (!d) return 'intel';
  const v = d.value.text;
  if (v === 'att' || v === 'intel') return v;
  diags.push(error('unknown-syntax', `unknown syntax '${v}'`, d.value.span, ['use `syntax att` (GNU AT&T, % optional) or `syntax intel` (GNU .intel_syntax noprefix)']));
  return 'intel';
}

function width(name: { text: string; span: SourceSpan }, diags: Diagnostic[]): Width | undefined {
  const w = TYPES[name.text];
  if (w === undefined) diags.push(error('unknown-type', `unknown type '${name.text}'`, name.span, [...didYouMean(name.text, Object.keys(TYPES)), `types: ${Object.keys(TYPES).join(' ')}`]));
  return w;
}

function addOp(rs: RuleSet, st: OpDecl, diags: Diagnostic[]): void {
  const name = st.name.text;
  const prev = rs.ops.get(name);
  if (prev) {
    diags.push(error('duplicate-op', `op '${name}' is declared twice`, st.name.span, [`first declared at ${prev.span.file}:${prev.span.start.line}:${prev.span.start.col}`]));
    return;
  }
  const params: OpParam[] = [];
  for (const p of st.params) {
    const w = width(p.type, diags);
    if (w === 'void') diags.push(error('unknown-type', 'a parameter cannot be void', p.type.span));
    else if (w !== undefined) params.push(p.name ? { name: p.name.text, width: w } : { width: w });
  }
  const returns = st.returns ? (width(st.returns, diags) ?? 'void') : 'void';
  const op: OpDef = { name, params, returns, contracts: [], calleeSave: false, span: st.name.span };
  for (const a of st.attrs) applyAttr(op, a, diags);
  rs.ops.set(name, op);
}

function applyAttr(op: OpDef, a: Attr, diags: Diagnostic[]): void {
  const n = a.name.text;
  const needValue = n === 'const' || n === 'max';
  const needArgs = n === 'identity' || n === 'writes';
  if (!ATTRS.includes(n)) {
    diags.push(error('unknown-attr', `unknown op attribute '${n}'`, a.name.span, [...didYouMean(n, ATTRS), `attributes: identity(argN), const N, nop, opaque, writes(reg, ...), callee_save, max N`]));
    return;
  }
  if (needValue !== !!a.value || needArgs !== !!a.args) {
    const usage: Record<string, string> = { identity: 'identity(argN)', writes: 'writes(reg, ...)', const: 'const N', max: 'max N' };
    diags.push(error('attr-syntax', `'${n}' is written ${usage[n] ?? n}`, a.span));
    return;
  }
  switch (n) {
    case 'identity': {
      const arg = a.args?.[0];
      const m = arg ? /^arg(\d+)$/.exec(arg.text) : null;
      if (!arg || a.args!.length !== 1 || !m) {
        diags.push(error('attr-syntax', 'identity takes one argument name: identity(arg0)', a.span));
        return;
      }
      const idx = Number(m[1]);
      if (idx >= op.params.length) {
        diags.push(error('attr-value', `identity(${arg.text}): op '${op.name}' has ${op.params.length} parameter(s)`, arg.span));
        return;
      }
      op.contracts.push({ kind: 'identity', arg: idx });
      return;
    }
    case 'const': {
      const v = parseInteger(a.value!.text);
      if (v === undefined) {
        diags.push(error('attr-value', `not a number: '${a.value!.text}'`, a.value!.span));
        return;
      }
      op.contracts.push({ kind: 'const', value: a.value!.negative ? -v : v });
      return;
    }
    case 'max': {
      const v = parseInteger(a.value!.text);
      if (v === undefined || a.value!.negative || v < 1n || v > 255n) {
        diags.push(error('attr-value', `max takes a length in bytes from 1 to 255, found '${a.value!.negative ? '-' : ''}${a.value!.text}'`, a.value!.span));
        return;
      }
      op.maxLength = Number(v);
      return;
    }
    case 'writes':
      op.contracts.push({ kind: 'writes', registers: a.args!.map((r) => r.text.replace(/^%/, '')) });
      return;
    case 'callee_save':
      op.calleeSave = true;
      return;
    default:
      op.contracts.push({ kind: n } as Contract);
  }
}

function archRules(rs: RuleSet, st: ArchBlock, diags: Diagnostic[]): ArchRules | undefined {
  const info = ARCHES.get(st.arch.text);
  if (!info) {
    const alias = archAlias(st.arch.text);
    diags.push({ ...error('unknown-arch', `unknown architecture '${st.arch.text}'`, st.arch.span, archHints(st.arch.text)), ...(alias ? { fixes: [{ span: st.arch.span, text: alias }] } : {}) });
    return undefined;
  }
  let ar = rs.arches.get(info.name);
  if (!ar) {
    ar = { arch: info, rules: [] };
    rs.arches.set(info.name, ar);
  }
  for (const a of st.attrs) {
    if (a.name.text !== 'max' || !a.value || a.value.negative) {
      diags.push(error('attr-syntax', `an arch block takes only 'max N' (the longest replacement in bytes), found '${a.name.text}'`, a.span));
      continue;
    }
    const v = parseInteger(a.value.text);
    if (v === undefined || v < 1n || v > 255n) diags.push(error('attr-value', `max takes a length in bytes from 1 to 255, found '${a.value.text}'`, a.value.span));
    else ar.maxLength = Number(v);
  }
  return ar;
}

function checkRule(rs: RuleSet, rule: RuleStmt, arch: string, syntax: AsmSyntax, diags: Diagnostic[]): RuleDef | undefined {
  let selector: SelectorDef;
  const sel = rule.selector;
  if (sel.kind === 'op') {
    if (!rs.ops.has(sel.name.text)) {
      const d = error('unknown-op', `rule for undeclared op '${sel.name.text}'`, sel.name.span, [...didYouMean(sel.name.text, rs.ops.keys()), `declare it: op ${sel.name.text}(...) -> ...`]);
      const near = nearest(sel.name.text, rs.ops.keys());
      diags.push(near ? { ...d, fixes: [{ span: sel.name.span, text: near }] } : d);
      return undefined;
    }
    selector = { kind: 'op', op: sel.name.text };
  } else if (sel.kind === 'target') selector = { kind: 'target', symbol: sel.symbol.text };
  else selector = { kind: sel.kind };

  // Located at the feature's name: what a diagnostic about the condition points at and a fix replaces.
  const when = rule.when ? { when: { feature: rule.when.feature.text, set: rule.when.set, span: rule.when.feature.span } } : {};
  const rep = rule.replacement;
  if (rep.kind === 'trap') return { arch, selector, ...when, replacement: { kind: 'trap' }, span: rule.span };
  if (rep.kind === 'bytes') {
    const bytes: number[] = [];
    for (const b of rep.bytes) {
      if (!/^[0-9a-fA-F]{2}$/.test(b.text)) {
        diags.push(error('bad-byte', `'${b.text}' is not a byte: write two hex digits, e.g. 0f`, b.span));
        return undefined;
      }
      bytes.push(parseInt(b.text, 16));
    }
    return { arch, selector, ...when, replacement: { kind: 'bytes', bytes: Uint8Array.from(bytes) }, span: rule.span };
  }
  return { arch, selector, ...when, replacement: { kind: 'asm', syntax, instructions: rep.instructions }, span: rule.span };
}

function addNops(rs: RuleSet, st: NopsBlock, diags: Diagnostic[]): void {
  if (!ARCHES.has(st.arch.text)) {
    diags.push(error('unknown-arch', `unknown architecture '${st.arch.text}'`, st.arch.span, archHints(st.arch.text)));
    return;
  }
  if (rs.nops.has(st.arch.text)) {
    diags.push(error('duplicate-nops', `a second NOP table for ${st.arch.text}`, st.arch.span));
    return;
  }
  const byLength = new Map<number, Uint8Array>();
  for (const line of st.lines) {
    const [len, colon, ...bytes] = line.tokens;
    const n = len ? parseInteger(len.text) : undefined;
    if (!len || colon?.text !== ':' || n === undefined || n < 1n || n > 15n) {
      diags.push(error('nops-syntax', 'a NOP table line is `N: HH HH ...` with N from 1 to 15', line.span));
      continue;
    }
    if (bytes.length !== Number(n) || bytes.some((b) => !/^[0-9a-fA-F]{2}$/.test(b.text))) {
      diags.push(error('nops-length', `the ${n}-byte NOP must be ${n} hex bytes`, line.span));
      continue;
    }
    byLength.set(Number(n), Uint8Array.from(bytes.map((b) => parseInt(b.text, 16))));
  }
  const max = Math.max(0, ...byLength.keys());
  const holes = Array.from({ length: max }, (_, i) => i + 1).filter((i) => !byLength.has(i));
  if (max === 0 || holes.length) {
    diags.push(error('nops-incomplete', `the NOP table for ${st.arch.text} needs every length from 1 to its longest (${max}); missing ${holes.join(', ') || '1'}`, st.span));
    return;
  }
  const table: NopTable = { source: `${st.span.file}:${st.span.start.line}`, span: st.span, byLength };
  rs.nops.set(st.arch.text, table);
}

export function selectorKey(s: SelectorDef): string {
  return s.kind === 'op' ? `op:${s.op}` : s.kind === 'target' ? `target:${s.symbol}` : s.kind;
}

/** A rule's identity: its selector and its condition (`op:memcpy if X86_FEATURE_ERMS`). */
export function ruleKey(r: { selector: SelectorDef; when?: { feature: string; set: boolean } | undefined }): string {
  return r.when ? `${selectorKey(r.selector)} ${conditionText(r.when)}` : selectorKey(r.selector);
}

export function conditionText(w: { feature: string; set: boolean }): string {
  return `${w.set ? 'if' : 'unless'} ${w.feature}`;
}

export function describeRule(r: { selector: SelectorDef; when?: { feature: string; set: boolean } | undefined }): string {
  return r.when ? `${describeSelector(r.selector)} ${conditionText(r.when)}` : describeSelector(r.selector);
}

export function describeSelector(s: SelectorDef): string {
  return s.kind === 'op' ? `op '${s.op}'` : s.kind === 'target' ? `target '${s.symbol}'` : `'${s.kind}'`;
}
