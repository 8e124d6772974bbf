// The one serialized shape of a patch table; YAML and JSON are two spellings of it.
import { conditionText, selectorKey } from '../model/check.js';
import type { SelectorDef, Width } from '../model/ruleset.js';
import { fromHex, toHex } from './hex.js';
import type { PatchTable } from './types.js';
import { altTablesFromDocument, altTablesToDocument } from './altTableDoc.js';

const RETURN_WIDTHS: readonly Width[] = [8, 16, 32, 64, 'word', 'void'];

export const FORMAT_VERSION = 1;

export function selectorText(s: SelectorDef): string {
  return selectorKey(s);
}

export function parseSelector(text: string): SelectorDef | undefined {
  if (text === 'default' || text === 'missing') return { kind: text };
  if (text.startsWith('op:')) return { kind: 'op', op: text.slice(3) };
  if (text.startsWith('target:')) return { kind: 'target', symbol: text.slice(7) };
  return undefined;
}

/** Plain data, keys in a fixed order, so output is deterministic and diffs are small. */
export function tableToDocument(t: PatchTable): Record<string, unknown> {
  return {
    patchc_table: FORMAT_VERSION,
    ruleset: t.ruleset,
    arch: t.arch,
    bitness: t.bitness,
    entries: t.entries.map((e) => ({
      rule: selectorText(e.selector),
      ...(e.when ? { when: conditionText(e.when) } : {}),
      length: e.bytes.length,
      bytes: toHex(e.bytes),
      asm: e.instructions.map((i) => `${toHex(i.bytes).padEnd(24)} ${i.text}`),
      writes: e.writes.registers,
      flags: e.writes.flags,
      relocations: e.relocations.map((r) => ({ offset: r.offset, size: r.size, pc_relative: r.pcRelative, symbol: r.symbol, addend: r.addend })),
      ...(e.maxLength !== undefined ? { max_length: e.maxLength } : {}),
      source: `${e.source.file}:${e.source.line}:${e.source.col}`,
      ...(e.notes.length ? { notes: e.notes } : {}),
      ...(e.verdict ? { contract: e.verdict.verdict, ...(e.verdict.basis ? { contract_basis: e.verdict.basis } : {}), ...(e.verdict.details.length ? { contract_details: e.verdict.details } : {}) } : {}),
    })),
    nops: { source: t.nops.source, table: Object.fromEntries([...t.nops.byLength].sort((a, b) => a[0] - b[0]).map(([n, b]) => [String(n), toHex(b)])) },
    ops: t.ops.map((o) => ({ name: o.name, callee_save: o.calleeSave, ...(o.maxLength !== undefined ? { max_length: o.maxLength } : {}), ...(o.returns !== undefined ? { returns: o.returns } : {}) })),
    site_tables: t.siteTables.map((s) => ({
      name: s.name,
      ...(s.arch ? { arch: s.arch } : {}),
      section: s.section,
      stride: s.stride,
      site: s.site,
      op: s.op,
      len: s.len,
      ...(s.clobbers ? { clobbers: s.clobbers } : {}),
      ops: s.opsTable,
      expect: s.expect,
    })),
    ops_tables: t.opsTables.map((o) => ({
      name: o.name,
      ...(o.arch ? { arch: o.arch } : {}),
      ...(o.location.kind === 'symbol' ? { symbol: o.location.symbol } : { address: `0x${o.location.address.toString(16)}` }),
      slots: o.slots.map((s) => s ?? null),
    })),
    ...(t.altTables?.length ? { alt_tables: altTablesToDocument(t.altTables) } : {}),
    ...(t.features !== undefined ? { features: t.features } : {}),
  };
}

export class TableFormatError extends Error {}

/** Reads back what tableToDocument wrote, checking every field: a table is also user input. */
export function tableFromDocument(doc: unknown, file: string): PatchTable {
  const fail = (msg: string): never => {
    throw new TableFormatError(`${file}: not a patchc table: ${msg}`);
  };
  const obj = (v: unknown, what: string): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(`${what} must be a mapping`));
  const arr = (v: unknown, what: string): unknown[] => (Array.isArray(v) ? v : fail(`${what} must be a list`));
  const str = (v: unknown, what: string): string => (typeof v === 'string' ? v : fail(`${what} must be a string`));
  const int = (v: unknown, what: string): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : fail(`${what} must be a non-negative integer`));
  const hex = (v: unknown, what: string): Uint8Array => fromHex(str(v, what)) ?? fail(`${what} must be hex bytes`);

  const d = obj(doc, 'the document');
  if (d['patchc_table'] !== FORMAT_VERSION) fail(`patchc_table must be ${FORMAT_VERSION}`);
  const bitness = d['bitness'];
  if (bitness !== 32 && bitness !== 64) fail('bitness must be 32 or 64');
  const entries = arr(d['entries'], 'entries').map((x, i) => {
    const e = obj(x, `entries[${i}]`);
    const rule = str(e['rule'], `entries[${i}].rule`);
    const selector = parseSelector(rule) ?? fail(`entries[${i}].rule '${rule}' is not op:NAME, target:SYMBOL, missing or default`);
    const bytes = hex(e['bytes'], `entries[${i}].bytes`);
    const whenText = e['when'] === undefined ? undefined : str(e['when'], `entries[${i}].when`);
    const cond = whenText === undefined ? undefined : /^(if|unless) (\S+)$/.exec(whenText) ?? fail(`entries[${i}].when '${whenText}' is not 'if FEATURE' or 'unless FEATURE'`);
    const src = /^(.*):(\d+):(\d+)$/.exec(str(e['source'] ?? ':0:0', `entries[${i}].source`));
    return {
      selector,
      ...(cond ? { when: { feature: cond[2]!, set: cond[1] === 'if' } } : {}),
      bytes,
      instructions: [],
      writes: { registers: arr(e['writes'] ?? [], 'writes').map((r) => str(r, 'writes[]')), flags: arr(e['flags'] ?? [], 'flags').map((r) => str(r, 'flags[]')) },
      relocations: arr(e['relocations'] ?? [], `entries[${i}].relocations`).map((rx, j) => {
        const r = obj(rx, `entries[${i}].relocations[${j}]`);
        const size = int(r['size'], 'size');
        if (size !== 1 && size !== 2 && size !== 4 && size !== 8) fail('relocation size must be 1, 2, 4 or 8');
        const offset = int(r['offset'], 'offset');
        if (offset + size > bytes.length) fail(`entries[${i}].relocations[${j}] lies outside the entry's bytes`);
        const addend = r['addend'];
        if (typeof addend !== 'number' || !Number.isInteger(addend)) fail('addend must be an integer');
        return { offset, size: size as 1 | 2 | 4 | 8, pcRelative: r['pc_relative'] === true, symbol: str(r['symbol'], 'symbol'), addend: addend as number };
      }),
      ...(e['max_length'] !== undefined ? { maxLength: int(e['max_length'], 'max_length') } : {}),
      source: { file: src?.[1] ?? '', line: Number(src?.[2] ?? 0), col: Number(src?.[3] ?? 0) },
      notes: [],
    };
  });
  const nopsDoc = obj(d['nops'], 'nops');
  const byLength = new Map<number, Uint8Array>();
  for (const [k, v] of Object.entries(obj(nopsDoc['table'], 'nops.table'))) {
    const n = Number(k);
    const b = hex(v, `nops.table.${k}`);
    if (!Number.isInteger(n) || n < 1 || b.length !== n) fail(`nops.table.${k} must be ${k} bytes`);
    byLength.set(n, b);
  }
  for (let n = 1; n <= byLength.size; n++) if (!byLength.has(n)) fail(`nops.table lacks the ${n}-byte NOP`);
  return {
    ruleset: str(d['ruleset'], 'ruleset'),
    arch: str(d['arch'], 'arch'),
    bitness: bitness as 32 | 64,
    nops: { source: str(nopsDoc['source'] ?? '', 'nops.source'), byLength },
    entries,
    ops: arr(d['ops'] ?? [], 'ops').map((x) => {
      const o = obj(x, 'ops[]');
      const returns = o['returns'];
      if (returns !== undefined && !RETURN_WIDTHS.includes(returns as Width)) fail(`ops[].returns: ${JSON.stringify(returns)} is not 8, 16, 32, 64, word or void`);
      return { name: str(o['name'], 'ops[].name'), calleeSave: o['callee_save'] === true, ...(o['max_length'] !== undefined ? { maxLength: int(o['max_length'], 'max_length') } : {}), ...(returns !== undefined ? { returns: returns as Width } : {}) };
    }),
    siteTables: arr(d['site_tables'] ?? [], 'site_tables').map((x) => {
      const s = obj(x, 'site_tables[]');
      const field = (v: unknown, what: string) => {
        const f = obj(v, what);
        const width = int(f['width'], `${what}.width`);
        if (![1, 2, 4, 8].includes(width)) fail(`${what}.width must be 1, 2, 4 or 8`);
        return { width: width as 1 | 2 | 4 | 8, offset: int(f['offset'], `${what}.offset`) };
      };
      const site = obj(s['site'], 'site');
      const kind = site['kind'];
      if (kind !== 'ptr' && kind !== 'rel32') fail('site.kind must be ptr or rel32');
      const clob = s['clobbers'] === undefined ? undefined : { ...field(s['clobbers'], 'clobbers'), bits: arr(obj(s['clobbers'], 'clobbers')['bits'] ?? [], 'bits').map((b) => str(b, 'bits[]')) };
      const expect = s['expect'];
      return {
        name: str(s['name'], 'name'),
        ...(s['arch'] !== undefined ? { arch: str(s['arch'], 'arch') } : {}),
        section: str(s['section'], 'section'),
        stride: int(s['stride'], 'stride'),
        site: { kind: kind as 'ptr' | 'rel32', offset: int(site['offset'], 'site.offset') },
        op: field(s['op'], 'op'),
        len: field(s['len'], 'len'),
        ...(clob ? { clobbers: clob } : {}),
        opsTable: str(s['ops'], 'ops'),
        expect: expect === 'indirect-call' ? 'indirect-call' : 'any',
        span: { file, start: { line: 0, col: 0, offset: 0 }, end: { line: 0, col: 0, offset: 0 } },
      };
    }),
    opsTables: arr(d['ops_tables'] ?? [], 'ops_tables').map((x) => {
      const o = obj(x, 'ops_tables[]');
      const location =
        o['symbol'] !== undefined
          ? { kind: 'symbol' as const, symbol: str(o['symbol'], 'symbol') }
          : { kind: 'address' as const, address: BigInt(/^0x[0-9a-f]+$/i.test(str(o['address'], 'address')) ? (o['address'] as string) : fail('address must be hex')) };
      return {
        name: str(o['name'], 'name'),
        ...(o['arch'] !== undefined ? { arch: str(o['arch'], 'arch') } : {}),
        location,
        slots: arr(o['slots'] ?? [], 'slots').map((s) => (s === null ? undefined : str(s, 'slots[]'))),
        span: { file, start: { line: 0, col: 0, offset: 0 }, end: { line: 0, col: 0, offset: 0 } },
      };
    }),
    altTables: altTablesFromDocument(d['alt_tables'], file, fail),
    ...(d['features'] !== undefined ? { features: str(d['features'], 'features') } : {}),
  };
}
