// Completion from what the cursor's line and the braces above it say: a keyword at the top level, op names
// as selectors, mnemonics where an instruction starts, registers (in the file's syntax, for the block's
// architecture) and ABI names in operands, table keys, CPU feature names of the kernel version.
import { CompletionItemKind, type CompletionItem, type Position } from 'vscode-languageserver';
import { knownMnemonics, lookupCodes, modeBit } from '../asm/codeIndex.js';
import { GNU_SUFFIXES } from '../asm/gnuFacts.js';
import { lookupRegister, registerAvailable, registerNames } from '../asm/registers.js';
import { CPU_FEATURE_TABLES } from '../kernel/cpufeatures/index.js';
import { ALT_TABLE_KEYS } from '../model/altTable.js';
import { ARCHES } from '../model/arch.js';
import { ATTRS, TYPES } from '../model/check.js';
import { OPS_KEYS, SITE_KEYS } from '../model/tables.js';
import type { Analysis } from './analysis.js';

const TOP_KEYWORDS = ['ruleset', 'syntax', 'import', 'features', 'op', 'arch', 'nops', 'sitetable', 'opstable', 'alttable'];
const ABI_NAMES = ['ret', 'arg0', 'arg1', 'arg2', 'arg3', 'arg4', 'arg5'];
const KNOWN_SECTIONS = ['.parainstructions', '.altinstructions', '.altinstr_replacement'];

/** The header line of each brace still open before the cursor, innermost last. */
function openBlocks(lines: string[], upTo: Position): string[] {
  const stack: string[] = [];
  for (let n = 0; n <= upTo.line && n < lines.length; n++) {
    const code = (n === upTo.line ? lines[n]!.slice(0, upTo.character) : lines[n]!).replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/#.*/, '');
    for (const ch of code.replace(/\{(?:disp8|disp16|disp32|load|store|vex|vex2|vex3|evex|rex|rex2|nooptimize)\}/g, '')) {
      if (ch === '{') stack.push(code.trim());
      else if (ch === '}') stack.pop();
    }
  }
  return stack;
}

const items = (labels: Iterable<string>, kind: CompletionItemKind, detail?: string): CompletionItem[] => [...labels].map((label) => ({ label, kind, ...(detail ? { detail } : {}) }));

export function complete(a: Analysis | undefined, text: string, pos: Position): CompletionItem[] {
  const lines = text.split('\n');
  const line = (lines[pos.line] ?? '').slice(0, pos.character);
  if (line.includes('#')) return [];
  const blocks = openBlocks(lines, pos);
  const words = line.trim().split(/\s+/).filter(Boolean);
  // The word being typed is not context.
  const typing = /[^\s]$/.test(line);
  const before = typing ? words.slice(0, -1) : words;
  const ops = a ? [...a.built.ruleset.ops.keys()] : [];
  const outer = blocks[0]?.split(/\s+/)[0];
  const inner = blocks[blocks.length - 1];
  const att = /^\s*syntax\s+att\b/m.test(text);

  if (!blocks.length) {
    if (!before.length) return items(TOP_KEYWORDS, CompletionItemKind.Keyword);
    const kw = before[0];
    if (kw === 'syntax' && before.length === 1) return items(['att', 'intel'], CompletionItemKind.EnumMember);
    if ((kw === 'arch' || kw === 'nops') && before.length === 1) return items(ARCHES.keys(), CompletionItemKind.EnumMember);
    if (kw === 'features' && before.length === 1) return items(CPU_FEATURE_TABLES.keys(), CompletionItemKind.EnumMember, 'kernel version');
    if (kw === 'op') {
      const afterColon = /\)[^:]*:/.test(line);
      if (afterColon) return items(ATTRS.map((x) => (x === 'identity' ? 'identity(arg0)' : x === 'writes' ? 'writes()' : x)), CompletionItemKind.Property, 'contract');
      if (/[(,]\s*\S*$|->\s*\S*$|:\s*\S*$/.test(line)) return items(Object.keys(TYPES), CompletionItemKind.TypeParameter, 'type');
    }
    return [];
  }
  const archBlock = blocks.find((b) => b.startsWith('arch '));
  const arch = ARCHES.get(archBlock?.split(/\s+/)[1] ?? '') ?? ARCHES.get('x86_64')!;
  if (outer === 'arch') {
    const ruleLine = blocks.length === 1;
    const arrow = line.indexOf('->');
    if (ruleLine && arrow < 0) {
      // `OP if FEATURE ->`: the condition's names come from the rule set's feature table.
      const last = before[before.length - 1];
      if (last === 'if' || last === 'unless') return conditionItems(a);
      if (before.length === 1 || (before.length === 2 && before[0] === 'target')) return items(['if', 'unless', '->'], CompletionItemKind.Keyword);
      return [...items(ops, CompletionItemKind.Function, 'op'), ...items(['default', 'missing', 'target'], CompletionItemKind.Keyword)];
    }
    const insn = (ruleLine ? line.slice(arrow + 2) : line).split(';').pop()!.replace(/^\s*\{/, '');
    const insnWords = insn.trim().split(/\s+/).filter(Boolean);
    const starting = insnWords.length === 0 || (insnWords.length === 1 && typing);
    if (starting) {
      const extra = ruleLine && !line.slice(arrow + 2).includes(';') ? items(['trap', 'bytes', '{}', 'call target', 'jmp target'], CompletionItemKind.Keyword) : [];
      return [...extra, ...items(mnemonics(att, arch.wordBits), CompletionItemKind.Operator, 'mnemonic')];
    }
    return operandItems(att, arch.bitness);
  }
  if (outer === 'sitetable' || outer === 'opstable' || outer === 'alttable') {
    if (inner?.startsWith('slots')) return items(ops, CompletionItemKind.Function, 'op');
    if (inner?.startsWith('clobbers')) return operandItems(false, arch.bitness).filter((i) => i.kind === CompletionItemKind.Variable);
    if (!before.length) return items(outer === 'sitetable' ? SITE_KEYS : outer === 'opstable' ? OPS_KEYS : ALT_TABLE_KEYS, CompletionItemKind.Property);
    const key = before[0]!;
    if (key === 'arch') return items(ARCHES.keys(), CompletionItemKind.EnumMember);
    if (key === 'section' || key === 'replacements') return sectionItems(a);
    if (key === 'ops') return items(a?.built.ruleset.opsTables.keys() ?? [], CompletionItemKind.Struct, 'opstable');
    if (key === 'site' || key === 'instr' || key === 'repl') return before.length === 1 ? items(['ptr', 'rel32'], CompletionItemKind.EnumMember) : [];
    if (key === 'expect') return items(['indirect-call', 'any'], CompletionItemKind.EnumMember);
    if (key === 'features' || key === 'pass') return items(CPU_FEATURE_TABLES.keys(), CompletionItemKind.EnumMember, 'kernel version');
    if (key === 'assume') return before.length === 1 ? featureItems(a, lines, pos) : items(['set', 'clear'], CompletionItemKind.EnumMember);
    return [];
  }
  return [];
}

const mnemonicLists = new Map<string, string[]>();

/** The mnemonics that encode in the mode, with GNU's size suffixes in an AT&T file (`movq`, `pushl`). */
function mnemonics(att: boolean, bitness: 32 | 64): string[] {
  const key = `${att}${bitness}`;
  let list = mnemonicLists.get(key);
  if (!list) {
    const plain = knownMnemonics().filter((m) => lookupCodes(m)?.some((c) => (c.modes & modeBit(bitness)) !== 0));
    const suffixed = att ? Object.entries(GNU_SUFFIXES[bitness]).flatMap(([m, suffixes]) => [...suffixes].map((x) => `${m}${x}`)) : [];
    list = [...new Set([...plain, ...suffixed])];
    mnemonicLists.set(key, list);
  }
  return list;
}

function operandItems(att: boolean, bitness: number): CompletionItem[] {
  const regs = registerNames().filter((n) => {
    const info = lookupRegister(n);
    return info && registerAvailable(info, bitness) && !n.startsWith('st(');
  });
  return [...items(ABI_NAMES, CompletionItemKind.Variable, 'ABI name (the calling convention)').map((i) => ({ ...i, kind: CompletionItemKind.Constant })), ...items(att ? regs.map((r) => `%${r}`) : regs, CompletionItemKind.Variable, 'register')];
}

function sectionItems(a: Analysis | undefined): CompletionItem[] {
  const rs = a?.built.ruleset;
  const used = [...(rs?.siteTables.map((t) => t.section) ?? []), ...(rs?.altTables.flatMap((t) => [t.section, t.replacements]) ?? [])];
  return items(new Set([...used, ...KNOWN_SECTIONS].map((s) => `"${s}"`)), CompletionItemKind.Value, 'section');
}

/** A rule condition's names: the rule set's feature table (`features ...` or its alttable's), macros and cpuinfo names. */
function conditionItems(a: Analysis | undefined): CompletionItem[] {
  const version = a?.built.ruleset.features?.table;
  const table = version ? CPU_FEATURE_TABLES.get(version) : undefined;
  if (!table) return [];
  const cpuinfo = table.data.entries.flatMap((e) => (e.cpuinfo ? [e.cpuinfo] : []));
  return [...items(table.data.entries.map((e) => e.macro), CompletionItemKind.Constant, table.name), ...items(cpuinfo, CompletionItemKind.Constant, `${table.name} (cpuinfo)`)];
}

/** The feature names of the kernel version the enclosing alttable names (`features linux-6.1`). */
function featureItems(a: Analysis | undefined, lines: string[], pos: Position): CompletionItem[] {
  let version: string | undefined;
  for (let n = pos.line; n >= 0 && !version; n--) {
    const m = /^\s*features\s+(\S+)/.exec(lines[n] ?? '');
    if (m) version = m[1];
    if (/^\s*alttable\b/.test(lines[n] ?? '')) break;
  }
  for (let n = pos.line + 1; n < lines.length && !version && !/^\s*}/.test(lines[n]!); n++) version = /^\s*features\s+(\S+)/.exec(lines[n]!)?.[1];
  version ??= a?.built.ruleset.altTables[0]?.features;
  const table = (version && (CPU_FEATURE_TABLES.get(version) ?? CPU_FEATURE_TABLES.get(`linux-${version}`))) || [...CPU_FEATURE_TABLES.values()].pop();
  return table ? items(table.data.entries.map((e) => e.macro), CompletionItemKind.Constant, table.name) : [];
}
