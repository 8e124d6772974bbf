// `alttable`: where a binary keeps an ALTERNATIVE table (entries that say "at this code, when this CPU feature
// is (not) set, write that replacement"), as fields of one fixed-size entry. Another kernel version's entry
// is another block of the same keys: Linux 6.1's `cpuid` word carries the NOT flag in its bit 15, Linux
// 6.12's `ft_flags` has the feature in its low half and flags in its high half (a separate `flags` field).
import { error, type Diagnostic, type SourceSpan } from '../diag/diagnostic.js';
import type { Name, TableBlock } from '../syntax/ast.js';
import { ARCHES, archHints } from './arch.js';
import { acceptKey, archValue, joinedName, tableValueReaders } from './tableValues.js';
import type { FieldWidth } from './ruleset.js';
import { didYouMean } from './suggest.js';

export interface AltField {
  width: FieldWidth;
  offset: number;
}

/** Flag names the alternatives pass gives a meaning to. */
export const ALT_FLAG_NAMES = ['not', 'direct-call'] as const;
export type AltFlagName = (typeof ALT_FLAG_NAMES)[number];

export interface AltTableDef {
  name: string;
  arch?: string;
  section: string;
  /** The section the replacements must lie in. */
  replacements: string;
  stride: number;
  /** Both addresses: s32 relative to the field's own address (`.long 661b - .`), or absolute pointers. */
  instr: { kind: 'rel32' | 'ptr'; offset: number };
  repl: { kind: 'rel32' | 'ptr'; offset: number };
  feature: AltField & { mask: number };
  /** Bit number (within the field) of each flag; a set bit the table does not name makes an entry implausible. */
  flags?: AltField & { bits: { bit: number; name: AltFlagName }[] };
  instrlen: AltField;
  replacementlen: AltField;
  /** The kernel version's CPU feature table (names, number of words). */
  features: string;
  /** Whose apply_alternatives() is reproduced: padding, NOP optimisation and relocation differ by version. */
  pass: string;
  /** Feature states the kernel sets whatever the CPU says, for inputs that cannot show them (cpuinfo). */
  assume: { feature: string; set: boolean; span?: SourceSpan }[];
  span: SourceSpan;
  /** Where `features` and `pass` were written (absent when read back from a compiled table). */
  valueSpans?: { features?: SourceSpan; pass?: SourceSpan };
}

export const ALT_TABLE_KEYS = ['arch', 'section', 'replacements', 'stride', 'instr', 'repl', 'feature', 'flags', 'instrlen', 'replacementlen', 'features', 'pass', 'assume'];
const REQUIRED = ['section', 'replacements', 'stride', 'instr', 'repl', 'feature', 'instrlen', 'replacementlen', 'features', 'pass'];
const WIDTHS: Record<string, FieldWidth> = { u8: 1, u16: 2, u32: 4 };

const joined = joinedName;

export function checkAltTable(block: TableBlock, diags: Diagnostic[]): AltTableDef | undefined {
  const seen = new Set<string>();
  const out: Partial<AltTableDef> & { assume: AltTableDef['assume'] } = { name: block.name.text, span: block.span, assume: [] };
  const before = diags.length;
  const { fail, int } = tableValueReaders(diags);
  /** `u8|u16|u32 at N`, the first three tokens of `rest`. */
  const field = (rest: Name[], span: SourceSpan): AltField | undefined => {
    const width = WIDTHS[rest[0]?.text ?? ''];
    if (!width) return fail(`field type must be one of ${Object.keys(WIDTHS).join(', ')}, found '${rest[0]?.text ?? ''}'`, rest[0]?.span ?? span);
    if (rest[1]?.text !== 'at') return fail(`expected 'at OFFSET' after '${rest[0]!.text}'`, rest[1]?.span ?? span);
    const offset = int(rest[2], 'field offset', 4095, span);
    return offset === undefined ? undefined : { width, offset };
  };
  for (const line of block.lines) {
    const key = line.tokens[0]!;
    const rest = line.tokens.slice(1);
    if (!acceptKey(key, 'alttable', block.name.text, ALT_TABLE_KEYS, seen, diags, ['assume'])) continue;
    switch (key.text) {
      case 'arch': {
        const arch = archValue(rest, line.span, diags);
        if (arch) out.arch = arch;
        break;
      }
      case 'section':
      case 'replacements':
      case 'features':
      case 'pass':
        if (!rest.length) fail(`'${key.text}' takes a name`, line.span);
        else {
          out[key.text] = joined(rest);
          if (key.text === 'features' || key.text === 'pass') (out.valueSpans ??= {})[key.text] = { ...rest[0]!.span, end: rest[rest.length - 1]!.span.end };
        }
        break;
      case 'stride':
        out.stride = int(rest[0], 'stride', 4096, line.span);
        break;
      case 'instr':
      case 'repl': {
        const kind = rest[0]?.text;
        if (kind !== 'rel32' && kind !== 'ptr') {
          fail(`'${key.text}' takes \`rel32 at OFFSET\` (s32 relative to the field) or \`ptr at OFFSET\``, rest[0]?.span ?? line.span);
          break;
        }
        const off = rest[1]?.text === 'at' ? int(rest[2], 'field offset', 4095, line.span) : fail(`expected 'at OFFSET' after '${kind}'`, rest[1]?.span ?? line.span);
        if (off !== undefined) out[key.text] = { kind, offset: off };
        break;
      }
      case 'instrlen':
      case 'replacementlen': {
        const f = field(rest, line.span);
        if (f) out[key.text] = f;
        break;
      }
      case 'feature': {
        const f = field(rest, line.span);
        if (!f) break;
        let mask = f.width === 4 ? 0xffffffff : (1 << (f.width * 8)) - 1;
        if (rest.length > 3) {
          const m = rest[3]!.text === 'mask' ? int(rest[4], 'mask', mask, line.span) : fail(`expected 'mask N' after the field, found '${rest[3]!.text}'`, rest[3]!.span);
          if (m === undefined) break;
          mask = m;
        }
        out.feature = { ...f, mask };
        break;
      }
      case 'flags': {
        const f = field(rest, line.span);
        if (!f) break;
        const bits: { bit: number; name: AltFlagName }[] = [];
        for (const l of line.block ?? []) {
          const bit = l.tokens[1]?.text === ':' ? int(l.tokens[0], 'flag bit', f.width * 8 - 1, l.span) : fail('a flag line is `BIT: NAME`, e.g. `15: not`', l.span);
          const name = joined(l.tokens.slice(2));
          if (bit === undefined) continue;
          if (!(ALT_FLAG_NAMES as readonly string[]).includes(name)) fail(`unknown flag '${name}'`, l.tokens[2]?.span ?? l.span, [...didYouMean(name, ALT_FLAG_NAMES), `flags: ${ALT_FLAG_NAMES.join(', ')}`]);
          else if (bits.some((b) => b.bit === bit || b.name === name)) fail(`flag bit ${bit} or '${name}' is given twice`, l.span);
          else bits.push({ bit, name: name as AltFlagName });
        }
        if (!bits.length) fail("'flags' takes a block naming each bit: flags u16 at 8 { 15: not }", line.span);
        else out.flags = { ...f, bits };
        break;
      }
      case 'assume': {
        const state = rest[1]?.text;
        if (rest.length !== 2 || (state !== 'set' && state !== 'clear')) fail("'assume' takes a feature and its state: assume X86_FEATURE_ALWAYS set", line.span);
        else out.assume.push({ feature: rest[0]!.text, set: state === 'set', span: rest[0]!.span });
        break;
      }
    }
  }
  const missing = REQUIRED.filter((k) => !seen.has(k));
  if (missing.length) diags.push(error('table-incomplete', `alttable ${block.name.text} lacks ${missing.map((m) => `'${m}'`).join(', ')}`, block.name.span));
  if (diags.length !== before) return undefined;
  const def = out as AltTableDef;
  const wordBytes = (ARCHES.get(def.arch ?? '')?.wordBits ?? 64) / 8;
  const fields: [string, number, number][] = [
    ['instr', def.instr.offset, def.instr.kind === 'rel32' ? 4 : wordBytes],
    ['repl', def.repl.offset, def.repl.kind === 'rel32' ? 4 : wordBytes],
    ['feature', def.feature.offset, def.feature.width],
    ['instrlen', def.instrlen.offset, def.instrlen.width],
    ['replacementlen', def.replacementlen.offset, def.replacementlen.width],
    ...(def.flags ? [['flags', def.flags.offset, def.flags.width] as [string, number, number]] : []),
  ];
  for (const [name, offset, width] of fields) {
    if (offset + width > def.stride) fail(`alttable ${def.name}: field '${name}' at ${offset} (${width} bytes) does not fit in an entry of ${def.stride} bytes`, def.span);
  }
  // A flag sharing the feature's word must lie outside its mask, or the feature number would carry it.
  if (def.flags && def.flags.offset === def.feature.offset) {
    for (const b of def.flags.bits) if ((def.feature.mask >>> b.bit) & 1) fail(`alttable ${def.name}: flag '${b.name}' (bit ${b.bit}) lies inside the feature mask 0x${def.feature.mask.toString(16)}`, def.span);
  }
  return diags.length === before ? def : undefined;
}
