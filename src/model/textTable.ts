// `texttable`: one of the tables a binary keeps of places in its own code that it rewrites while it starts
// (Linux: .return_sites, __mcount_loc, __jump_table, .static_call_sites, ...). The block says where the table
// is (a section, the range between two symbols, or every symbol with a prefix), the shape of one entry (where
// the site is, and optionally a target, a key and flag bits), how long a site is, what the file must hold there,
// which pass decides what a site becomes, and when that pass runs relative to paravirt and alternatives.
// What a site becomes is the pass's (named, implemented per kernel version in src/kernel/); everything about
// where and how the table is laid out is this data.
import { error, type Diagnostic, type SourceSpan } from '../diag/diagnostic.js';
import type { Name, TableBlock } from '../syntax/ast.js';
import { ARCHES, archHints } from './arch.js';
import { acceptKey, archValue, joinedName, tableValueReaders } from './tableValues.js';
import { didYouMean } from './suggest.js';

/** rel32: s32 relative to the field's own address; relword: a word-sized (long) one; ptr: an absolute pointer. */
export type TextFieldKind = 'rel32' | 'relword' | 'ptr';
export interface TextAddrField {
  kind: TextFieldKind;
  offset: number;
  /** Low bits cleared before the value is used as an address (they carry flags). */
  mask: number;
}

/** Where the entries are. */
export type TextTableWhere =
  | { kind: 'section'; name: string }
  /** `sizedBy`: when the symbols are not listed, the function whose code computes `stop - start` (apply/tableBounds.ts). */
  | { kind: 'between'; start: string; stop: string; sizedBy?: string }
  | { kind: 'symbols'; prefix: string };

export const TEXT_RUNS = ['before paravirt', 'before alternatives', 'after alternatives'] as const;
export type TextRuns = (typeof TEXT_RUNS)[number];

export interface TextTableDef {
  name: string;
  arch?: string;
  where: TextTableWhere;
  /** Entry size in bytes; 0 for `symbols` (no entries: the symbol is the site). */
  stride: number;
  site?: TextAddrField;
  target?: TextAddrField;
  key?: TextAddrField;
  /** Flag bits of the key field (before its mask clears them), by name. */
  flags: { bit: number; name: string }[];
  /** Bytes per site, or 'decoded': the length of the instruction at the site. */
  length: number | 'decoded';
  /** What the file must hold at each site: an instruction and its symbol (`call __fentry__`). */
  expect?: { op: 'call' | 'jmp'; symbol: string };
  pass: string;
  runs: TextRuns;
  /** `update NAME FUNC`: what boot code the configuration implies sets a key to (static_call_update()); FUNC a symbol or NULL. */
  updates: { key: string; func: string }[];
  span: SourceSpan;
}

const KEYS = ['arch', 'section', 'between', 'symbols', 'stride', 'site', 'target', 'key', 'flags', 'length', 'expect', 'pass', 'runs', 'update'];

const joined = joinedName;

export function checkTextTable(block: TableBlock, diags: Diagnostic[]): TextTableDef | undefined {
  const seen = new Set<string>();
  const out: Partial<TextTableDef> & { flags: TextTableDef['flags']; updates: TextTableDef['updates'] } = { name: block.name.text, span: block.span, flags: [], updates: [] };
  const before = diags.length;
  const { fail, int } = tableValueReaders(diags);
  /** `rel32|relword|ptr at N [mask M]`. */
  const addrField = (key: string, rest: Name[], span: SourceSpan): TextAddrField | undefined => {
    const kind = rest[0]?.text;
    if (kind !== 'rel32' && kind !== 'relword' && kind !== 'ptr') return fail(`'${key}' takes \`rel32 at OFFSET\` (s32 relative to the field), \`relword at OFFSET\` (a long relative to it) or \`ptr at OFFSET\``, rest[0]?.span ?? span);
    const offset = rest[1]?.text === 'at' ? int(rest[2], 'field offset', 4095, span) : fail(`expected 'at OFFSET' after '${kind}'`, rest[1]?.span ?? span);
    if (offset === undefined) return undefined;
    let mask = 0;
    if (rest.length > 3) {
      const m = rest[3]!.text === 'mask' ? int(rest[4], 'mask (the low bits cleared)', 255, span) : fail(`expected 'mask N' after the field, found '${rest[3]!.text}'`, rest[3]!.span);
      if (m === undefined) return undefined;
      mask = m;
    }
    return { kind, offset, mask };
  };
  for (const line of block.lines) {
    const key = line.tokens[0]!;
    const rest = line.tokens.slice(1);
    if (!acceptKey(key, 'texttable', block.name.text, KEYS, seen, diags, ['update'])) continue;
    switch (key.text) {
      case 'arch': {
        const arch = archValue(rest, line.span, diags);
        if (arch) out.arch = arch;
        break;
      }
      case 'section':
      case 'symbols':
        if (!rest.length) fail(`'${key.text}' takes a name`, line.span);
        else out.where = key.text === 'section' ? { kind: 'section', name: joined(rest) } : { kind: 'symbols', prefix: joined(rest) };
        break;
      case 'between':
        if (rest.length === 6 && joined(rest.slice(2, 5)) === 'sized-by') out.where = { kind: 'between', start: rest[0]!.text, stop: rest[1]!.text, sizedBy: rest[5]!.text };
        else if (rest.length !== 2) fail("'between' takes two symbols, and optionally the function that computes their distance: between __start_mcount_loc __stop_mcount_loc sized-by ftrace_init", line.span);
        else out.where = { kind: 'between', start: rest[0]!.text, stop: rest[1]!.text };
        break;
      case 'pass':
        if (!rest.length) fail("'pass' takes a name", line.span);
        else out.pass = joined(rest);
        break;
      case 'stride':
        out.stride = int(rest[0], 'stride', 4096, line.span);
        break;
      case 'site':
      case 'target':
      case 'key': {
        const f = addrField(key.text, rest, line.span);
        if (f) out[key.text] = f;
        break;
      }
      case 'flags':
        for (const l of line.block ?? []) {
          const bit = l.tokens[1]?.text === ':' ? int(l.tokens[0], 'flag bit', 7, l.span) : fail('a flag line is `BIT: NAME`, e.g. `0: tail`', l.span);
          const name = joined(l.tokens.slice(2));
          if (bit === undefined) continue;
          if (!name) fail('a flag needs a name', l.span);
          else if (out.flags.some((b) => b.bit === bit || b.name === name)) fail(`flag bit ${bit} or '${name}' is given twice`, l.span);
          else out.flags.push({ bit, name });
        }
        if (!out.flags.length) fail("'flags' takes a block naming each low bit of the key field: flags { 0: tail  1: init }", line.span);
        break;
      case 'length':
        if (rest[0]?.text === 'decoded' && rest.length === 1) out.length = 'decoded';
        else {
          const n = int(rest[0], 'length', 15, line.span);
          if (n !== undefined) out.length = n;
        }
        break;
      case 'expect': {
        const op = rest[0]?.text;
        if ((op !== 'call' && op !== 'jmp') || rest.length !== 2) fail("'expect' takes an instruction and its target symbol: expect call __fentry__", line.span);
        else out.expect = { op, symbol: rest[1]!.text };
        break;
      }
      case 'update':
        if (rest.length !== 2) fail("'update' takes a key and what boot code sets it to: update preempt_schedule NULL", line.span);
        else if (out.updates.some((u) => u.key === rest[0]!.text)) fail(`key '${rest[0]!.text}' is updated twice`, rest[0]!.span);
        else out.updates.push({ key: rest[0]!.text, func: rest[1]!.text });
        break;
      case 'runs': {
        const text = rest.map((t) => t.text).join(' ');
        if ((TEXT_RUNS as readonly string[]).includes(text)) out.runs = text as TextRuns;
        else fail(`'runs' takes one of: ${TEXT_RUNS.join(', ')}`, rest[0]?.span ?? line.span, didYouMean(text, TEXT_RUNS));
        break;
      }
    }
  }
  const missing = ['pass', 'runs', 'length'].filter((k) => !seen.has(k));
  const wheres = ['section', 'between', 'symbols'].filter((k) => seen.has(k));
  if (wheres.length !== 1) fail(`texttable ${block.name.text} needs exactly one of 'section', 'between', 'symbols' (where its entries are)`, block.name.span);
  if (wheres[0] !== 'symbols' && wheres.length === 1) missing.push(...['stride', 'site'].filter((k) => !seen.has(k)));
  if (missing.length) diags.push(error('table-incomplete', `texttable ${block.name.text} lacks ${missing.map((m) => `'${m}'`).join(', ')}`, block.name.span));
  if (diags.length !== before) return undefined;
  const def = { stride: 0, ...out } as TextTableDef;
  const wordBytes = (ARCHES.get(def.arch ?? '')?.wordBits ?? 64) / 8;
  for (const name of ['site', 'target', 'key'] as const) {
    const f = def[name];
    if (!f) continue;
    const width = f.kind === 'rel32' ? 4 : wordBytes;
    if (f.offset + width > def.stride) fail(`texttable ${def.name}: field '${name}' at ${f.offset} (${width} bytes) does not fit in an entry of ${def.stride} bytes`, def.span);
  }
  for (const b of def.flags) if (!def.key || !((def.key.mask >>> b.bit) & 1)) fail(`texttable ${def.name}: flag '${b.name}' (bit ${b.bit}) must be a bit the key's mask clears`, def.span);
  return diags.length === before ? def : undefined;
}
