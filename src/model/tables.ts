// Site tables and ops tables: where a binary keeps its patch sites, read from generic block lines.
import { error, type Diagnostic, type SourceSpan } from '../diag/diagnostic.js';
import type { BlockLine, Name, TableBlock } from '../syntax/ast.js';
import { ARCHES, archHints } from './arch.js';
import type { FieldWidth, OpsTableDef, SiteTableDef } from './ruleset.js';
import { didYouMean } from './suggest.js';
import { parseInteger } from './numbers.js';

const FIELD_TYPES: Record<string, FieldWidth> = { u8: 1, u16: 2, u32: 4, u64: 8 };
export const SITE_KEYS = ['arch', 'section', 'stride', 'site', 'op', 'len', 'clobbers', 'ops', 'expect'];
export const OPS_KEYS = ['arch', 'symbol', 'address', 'slots'];

class LineReader {
  constructor(
    readonly line: BlockLine,
    readonly diags: Diagnostic[],
  ) {}
  get key(): Name {
    return this.line.tokens[0]!;
  }
  /** The tokens after the key, or an error naming what was expected. */
  args(count: number, usage: string): Name[] | undefined {
    const rest = this.line.tokens.slice(1);
    if (rest.length !== count) {
      this.diags.push(error('table-syntax', `'${this.key.text}' takes ${usage}`, this.line.span));
      return undefined;
    }
    return rest;
  }
  int(tok: Name, what: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const v = parseInteger(tok.text);
    if (v === undefined || v < 0n || v > BigInt(max)) {
      this.diags.push(error('table-value', `${what}: expected a number from 0 to ${max}, found '${tok.text}'`, tok.span));
      return undefined;
    }
    return Number(v);
  }
}

function checkArch(tok: Name, diags: Diagnostic[]): string | undefined {
  if (ARCHES.has(tok.text)) return tok.text;
  diags.push(error('unknown-arch', `unknown architecture '${tok.text}'`, tok.span, archHints(tok.text)));
  return undefined;
}

export function checkSiteTable(block: TableBlock, diags: Diagnostic[]): SiteTableDef | undefined {
  const seen = new Map<string, SourceSpan>();
  const out: Partial<SiteTableDef> & { expect: SiteTableDef['expect'] } = { name: block.name.text, span: block.span, expect: 'any' };
  for (const line of block.lines) {
    const r = new LineReader(line, diags);
    const key = r.key.text;
    if (!SITE_KEYS.includes(key)) {
      diags.push(error('table-key', `unknown sitetable entry '${key}'`, r.key.span, [...didYouMean(key, SITE_KEYS), `entries: ${SITE_KEYS.join(', ')}`]));
      continue;
    }
    if (seen.has(key)) {
      diags.push(error('table-duplicate', `'${key}' is given twice in sitetable ${block.name.text}`, r.key.span));
      continue;
    }
    seen.set(key, r.key.span);
    switch (key) {
      case 'arch': {
        const a = r.args(1, 'an architecture name');
        if (a) out.arch = checkArch(a[0]!, diags);
        break;
      }
      case 'section': {
        const a = r.args(1, 'a section name, e.g. ".parainstructions"');
        if (a) out.section = a[0]!.text.replace(/^"|"$/g, '');
        break;
      }
      case 'stride': {
        const a = r.args(1, 'the entry size in bytes');
        if (a) out.stride = r.int(a[0]!, 'stride', 4096);
        break;
      }
      case 'site': {
        const a = r.args(3, '`ptr at OFFSET` or `rel32 at OFFSET`');
        if (!a) break;
        if (a[0]!.text !== 'ptr' && a[0]!.text !== 'rel32') {
          diags.push(error('table-value', `site field kind must be 'ptr' (absolute pointer of the ELF's width) or 'rel32' (s32 relative to the field), found '${a[0]!.text}'`, a[0]!.span));
          break;
        }
        const off = atOffset(r, a);
        if (off !== undefined) out.site = { kind: a[0]!.text, offset: off };
        break;
      }
      case 'op':
      case 'len':
      case 'clobbers': {
        const a = key === 'clobbers' ? line.tokens.slice(1) : r.args(3, '`u8|u16|u32|u64 at OFFSET`');
        if (!a || a.length < 3) {
          if (a) diags.push(error('table-syntax', `'${key}' takes \`u8|u16|u32|u64 at OFFSET\``, line.span));
          break;
        }
        const width = FIELD_TYPES[a[0]!.text];
        if (!width) {
          diags.push(error('table-value', `field type must be one of ${Object.keys(FIELD_TYPES).join(', ')}, found '${a[0]!.text}'`, a[0]!.span));
          break;
        }
        const off = atOffset(r, a.slice(0, 3));
        if (off === undefined) break;
        if (key === 'clobbers') {
          const bits = (line.block ?? []).flatMap((l) => l.tokens.map((t) => t.text.replace(/^%/, '')));
          if (!bits.length || bits.length > width * 8) {
            diags.push(error('table-syntax', `'clobbers' must name the register of each mask bit, lowest first, e.g. \`clobbers u16 at 10 { rax rcx rdx rdi rsi r8 r9 r10 r11 }\` (at most ${width * 8})`, line.span));
            break;
          }
          out.clobbers = { width, offset: off, bits };
        } else out[key] = { width, offset: off };
        break;
      }
      case 'ops': {
        const a = r.args(1, 'the name of an opstable');
        if (a) out.opsTable = a[0]!.text;
        break;
      }
      case 'expect': {
        // `indirect-call` lexes as three tokens; the value is their spelling joined.
        const rest = line.tokens.slice(1);
        const v = rest.map((t) => t.text).join('');
        if (v === 'any') out.expect = 'any';
        else if (v === 'indirect-call') out.expect = 'indirect-call';
        else diags.push(error('table-value', `expect takes 'indirect-call' or 'any', found '${v}'`, rest[0]?.span ?? line.span));
        break;
      }
    }
  }
  const missing = ['section', 'stride', 'site', 'op', 'len', 'ops'].filter((k) => !seen.has(k));
  if (missing.length) {
    diags.push(error('table-incomplete', `sitetable ${block.name.text} lacks ${missing.map((m) => `'${m}'`).join(', ')}`, block.name.span));
    return undefined;
  }
  if (out.section === undefined || out.stride === undefined || !out.site || !out.op || !out.len || out.opsTable === undefined) return undefined;
  return out as SiteTableDef;
}

function atOffset(r: LineReader, a: Name[]): number | undefined {
  if (a[1]!.text !== 'at') {
    r.diags.push(error('table-syntax', `expected 'at OFFSET' after '${a[0]!.text}', found '${a[1]!.text}'`, a[1]!.span));
    return undefined;
  }
  return r.int(a[2]!, 'field offset', 4095);
}

export function checkOpsTable(block: TableBlock, diags: Diagnostic[]): OpsTableDef | undefined {
  const out: Partial<OpsTableDef> = { name: block.name.text, span: block.span, slots: [] };
  const seen = new Set<string>();
  for (const line of block.lines) {
    const r = new LineReader(line, diags);
    const key = r.key.text;
    if (!OPS_KEYS.includes(key)) {
      diags.push(error('table-key', `unknown opstable entry '${key}'`, r.key.span, [...didYouMean(key, OPS_KEYS), `entries: ${OPS_KEYS.join(', ')}`]));
      continue;
    }
    if (seen.has(key) || ((key === 'symbol' || key === 'address') && (seen.has('symbol') || seen.has('address')))) {
      diags.push(error('table-duplicate', `'${key}' is given twice (or with both symbol and address) in opstable ${block.name.text}`, r.key.span));
      continue;
    }
    seen.add(key);
    if (key === 'arch') {
      const a = r.args(1, 'an architecture name');
      if (a) out.arch = checkArch(a[0]!, diags);
    } else if (key === 'symbol') {
      const a = r.args(1, 'a symbol name');
      if (a) out.location = { kind: 'symbol', symbol: a[0]!.text };
    } else if (key === 'address') {
      const a = r.args(1, 'an address');
      const v = a ? parseInteger(a[0]!.text) : undefined;
      if (a && v === undefined) diags.push(error('table-value', `not an address: '${a[0]!.text}'`, a[0]!.span));
      else if (v !== undefined) out.location = { kind: 'address', address: v };
    } else if (key === 'slots') {
      if (line.tokens.length !== 1 || !line.block) {
        diags.push(error('table-syntax', "'slots' takes a block: slots { name name ... } (optionally `N: name`)", line.span));
        continue;
      }
      out.slots = readSlots(line.block, diags);
    }
  }
  if (!out.location) {
    diags.push(error('table-incomplete', `opstable ${block.name.text} needs 'symbol NAME' or 'address ADDR'`, block.name.span));
    return undefined;
  }
  return out as OpsTableDef;
}

function readSlots(lines: BlockLine[], diags: Diagnostic[]): (string | undefined)[] {
  const slots: (string | undefined)[] = [];
  const spans: SourceSpan[] = [];
  for (const line of lines) {
    let toks = line.tokens;
    let next = slots.length;
    if (toks.length >= 2 && toks[1]!.text === ':') {
      const v = parseInteger(toks[0]!.text);
      if (v === undefined || v > 65535n) {
        diags.push(error('table-value', `slot index must be a number up to 65535, found '${toks[0]!.text}'`, toks[0]!.span));
        continue;
      }
      next = Number(v);
      toks = toks.slice(2);
    }
    for (const t of toks) {
      if (slots[next] !== undefined) {
        diags.push(error('table-duplicate', `slot ${next} is named twice ('${slots[next]}' and '${t.text}')`, t.span, spans[next] ? [`first named at line ${spans[next]!.start.line}`] : []));
      } else {
        slots[next] = t.text;
        spans[next] = t.span;
      }
      next++;
    }
  }
  return slots;
}
