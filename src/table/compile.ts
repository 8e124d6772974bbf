// The checked model → one patch table per architecture: assemble, measure, describe.
import { error, type Diagnostic, type SourceSpan } from '../diag/diagnostic.js';
import type { SourceText } from '../diag/source.js';
import { assembleBlock } from '../asm/index.js';
import { describeInstructions } from '../asm/describe.js';
import type { AsmError, AsmSyntax } from '../asm/types.js';
import { resolveAbiNames } from '../model/abiNames.js';
import type { ArchInfo } from '../model/arch.js';
import { describeSelector } from '../model/check.js';
import type { ArchRules, OpDef, RuleDef, RuleSet } from '../model/ruleset.js';
import type { NopTable } from '../model/nops.js';
import type { PatchEntry, PatchTable } from './types.js';

export interface CompileResult {
  tables: PatchTable[];
  diagnostics: Diagnostic[];
}

export function compileTables(rs: RuleSet, arches: readonly string[], sources: ReadonlyMap<string, SourceText>): CompileResult {
  const diagnostics: Diagnostic[] = [];
  const tables: PatchTable[] = [];
  for (const name of arches) {
    const ar = rs.arches.get(name);
    if (!ar) {
      // About the rule set as a whole: located at the start of its root file, so every error has a place.
      const root = rs.files[0] !== undefined ? sources.get(rs.files[0])?.span(0, 0) : undefined;
      diagnostics.push(error('no-rules-for-arch', `rule set '${rs.name}' has no 'arch ${name}' block`, root, [`it has: ${[...rs.arches.keys()].join(', ') || 'none'}`]));
      continue;
    }
    tables.push(compileArch(rs, ar, sources, diagnostics));
  }
  return { tables, diagnostics };
}

function compileArch(rs: RuleSet, ar: ArchRules, sources: ReadonlyMap<string, SourceText>, diags: Diagnostic[]): PatchTable {
  const arch = ar.arch;
  const entries: PatchEntry[] = [];
  for (const rule of ar.rules) {
    const op = rule.selector.kind === 'op' ? rs.ops.get(rule.selector.op) : undefined;
    const entry = compileRule(rule, op, ar, sources, diags);
    if (entry) entries.push(entry);
  }
  const nops = rs.nops.get(arch.name) ?? arch.defaultNops;
  checkNops(nops, arch, diags);
  const forArch = <T extends { arch?: string }>(t: T): boolean => t.arch === undefined || t.arch === arch.name;
  return {
    ruleset: rs.name,
    arch: arch.name,
    bitness: arch.wordBits,
    nops,
    entries,
    siteTables: rs.siteTables.filter(forArch),
    opsTables: [...rs.opsTables.values()].filter(forArch),
    altTables: rs.altTables.filter(forArch),
    ...(rs.features ? { features: rs.features.table } : {}),
    textTables: rs.textTables.filter(forArch),
    ops: [...rs.ops.values()].map((o) => ({ name: o.name, calleeSave: o.calleeSave, ...(o.maxLength !== undefined ? { maxLength: o.maxLength } : {}), returns: o.returns })),
  };
}

function compileRule(rule: RuleDef, op: OpDef | undefined, ar: ArchRules, sources: ReadonlyMap<string, SourceText>, diags: Diagnostic[]): PatchEntry | undefined {
  const arch = ar.arch;
  const notes: string[] = [];
  let bytes: Uint8Array;
  let relocations: PatchEntry['relocations'] = [];
  const rep = rule.replacement;
  if (rep.kind === 'bytes') bytes = rep.bytes;
  else {
    const pieces = rep.kind === 'trap' ? [{ text: 'ud2', span: rule.span, exact: false }] : resolvePieces(rule, op, arch, rep.syntax, diags, notes);
    if (!pieces) return undefined;
    const syntax: AsmSyntax = rep.kind === 'asm' ? rep.syntax : 'intel';
    const res = assembleBlock(pieces.map((p) => p.text).join('\n'), { bitness: arch.bitness, syntax });
    if (res.errors.length) {
      for (const e of res.errors) diags.push(locateAsmError(e, pieces, sources, `${describeSelector(rule.selector)} on ${arch.name}`));
      return undefined;
    }
    bytes = res.bytes;
    relocations = res.relocations;
  }
  const limit = op?.maxLength ?? ar.maxLength;
  if (limit !== undefined && bytes.length > limit) {
    diags.push(
      error('too-long', `replacement for ${describeSelector(rule.selector)} on ${arch.name} is ${bytes.length} bytes; the declared maximum is ${limit}`, rule.span, [
        op?.maxLength !== undefined ? `declared by 'max ${op.maxLength}' on op ${op.name}` : `declared by 'arch ${arch.name} max ${limit}'`,
      ]),
    );
    return undefined;
  }
  const described = describeInstructions(bytes, arch.bitness);
  if (!described.whole) {
    diags.push(error('bytes-not-instructions', `replacement for ${describeSelector(rule.selector)} on ${arch.name} does not decode as whole instructions: ${described.problem}`, rule.span));
    return undefined;
  }
  // A relocated field disassembles as if the symbol were at 0 ("call 5"); show the symbol instead.
  const instructions = described.instructions.map((i) => {
    const r = relocations.find((x) => x.offset >= i.offset && x.offset < i.offset + i.bytes.length);
    if (!r) return i;
    const [mnemonic] = i.text.split(/\s+/);
    const text = r.pcRelative && /^(call|jmp|j[a-z]+)$/.test(mnemonic ?? '') ? `${mnemonic} <${r.symbol}>` : `${i.text}  # ${r.symbol}`;
    return { ...i, text };
  });
  return {
    selector: rule.selector,
    ...(rule.when ? { when: { feature: rule.when.feature, set: rule.when.set } } : {}),
    bytes,
    instructions,
    writes: described.writes,
    relocations,
    ...(limit !== undefined ? { maxLength: limit } : {}),
    source: { file: rule.span.file, line: rule.span.start.line, col: rule.span.start.col },
    notes,
  };
}

/**
 * Every NOP of a declared table must be one instruction of exactly its length that changes nothing a
 * replacement could have left for the code after the site: no flags, no register but itself moved onto
 * itself (`lea 0(%esi),%esi`, `mov %esi,%esi` on i386), no memory.
 */
function checkNops(nops: NopTable, arch: ArchInfo, diags: Diagnostic[]): void {
  if (!nops.span) return;
  for (const [n, bytes] of nops.byLength) {
    const d = describeInstructions(bytes, arch.bitness);
    const insn = d.instructions[0];
    let problem: string | undefined;
    if (!d.whole || d.instructions.length !== 1 || insn!.bytes.length !== n) problem = `decodes as ${d.instructions.map((i) => i.text).join('; ') || 'nothing valid'}${d.whole ? '' : ` (${d.problem})`}, not one ${n}-byte instruction`;
    else if (insn!.flagsWritten.length) problem = `\`${insn!.text}\` changes flags (${insn!.flagsWritten.join(', ')})`;
    else if (!isNopText(insn!.text, arch.wordBits)) problem = `\`${insn!.text}\` is not a NOP`;
    if (problem) diags.push(error('nops-not-nop', `the ${n}-byte entry of the ${arch.name} NOP table ${problem}`, nops.span));
  }
}

function isNopText(text: string, wordBits: 32 | 64): boolean {
  if (/^nop[wlq]?\b/.test(text)) return true;
  // A move of a register onto itself: a no-op at every width but one, 32 bits on x86_64, which clears the
  // upper half (`66 90` is `xchg %ax,%ax`: 16-bit writes leave the rest of the register alone).
  const m = /^(?:lea|mov|xchg)[lqwb]?\s+(?:%\w+:)?(?:0x0|0)?\(?%(\w+)(?:,%[er]iz,1)?\)?,%(\w+)$/.exec(text);
  if (!m || m[1] !== m[2]) return false;
  const r = m[1]!;
  const is32 = /^e[a-z]{2}$/.test(r) || /^r\d+d$/.test(r);
  return !(is32 && wordBits === 64);
}

interface Piece {
  text: string;
  span: SourceSpan;
  /** True when text is the source text unchanged, so error columns map 1:1. */
  exact: boolean;
}

function resolvePieces(rule: RuleDef, op: OpDef | undefined, arch: ArchInfo, syntax: AsmSyntax, diags: Diagnostic[], notes: string[]): Piece[] | undefined {
  if (rule.replacement.kind !== 'asm') return [];
  const pieces: Piece[] = [];
  let ok = true;
  for (const ins of rule.replacement.instructions) {
    const r = resolveAbiNames(ins.text, op, arch, syntax);
    if (r.kind === 'unchanged') pieces.push({ text: ins.text, span: ins.span, exact: true });
    else if (r.kind === 'error') {
      diags.push(error('abi-name', r.message, ins.span, r.hints));
      ok = false;
    } else {
      notes.push(`${ins.text} -> ${r.instructions.length ? r.instructions.join('; ') : '(nothing)'} (${r.note})`);
      for (const t of r.instructions) pieces.push({ text: t, span: ins.span, exact: false });
    }
  }
  return ok ? pieces : undefined;
}

/** Maps an assembler error in the joined block back to the rule file. */
function locateAsmError(e: AsmError, pieces: Piece[], sources: ReadonlyMap<string, SourceText>, what: string): Diagnostic {
  let at = 0;
  for (const p of pieces) {
    const end = at + p.text.length;
    if (e.start <= end) {
      let span = p.span;
      const src = sources.get(p.span.file);
      if (p.exact && src) span = src.span(p.span.start.offset + (e.start - at), p.span.start.offset + Math.max(e.start - at + 1, Math.min(e.end, end) - at));
      return error(asmCode(e.message), `${e.message} (in ${what})`, span, e.hints);
    }
    at = end + 1;
  }
  return error(asmCode(e.message), `${e.message} (in ${what})`, pieces[0]?.span, e.hints);
}

function asmCode(message: string): string {
  if (/mnemonic/i.test(message)) return 'asm-unknown-mnemonic';
  if (/range|too (large|wide)|does not fit/i.test(message)) return 'asm-immediate-range';
  if (/operand|form|encoding/i.test(message)) return 'asm-no-encoding';
  return 'asm';
}
