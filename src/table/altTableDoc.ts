// The `alt_tables` part of a serialized patch table: an alttable's fields as written, read back checked.
import { ALT_FLAG_NAMES, type AltField, type AltFlagName, type AltTableDef } from '../model/altTable.js';

export function altTablesToDocument(tables: readonly AltTableDef[] | undefined): Record<string, unknown>[] {
  // Keys in the order a reader checks them against the kernel's struct, so the YAML reads like the rules.
  return (tables ?? []).map((t) => ({
    name: t.name,
    ...(t.arch ? { arch: t.arch } : {}),
    section: t.section,
    replacements: t.replacements,
    stride: t.stride,
    instr: t.instr,
    repl: t.repl,
    feature: t.feature,
    ...(t.flags ? { flags: t.flags } : {}),
    instrlen: t.instrlen,
    replacementlen: t.replacementlen,
    features: t.features,
    pass: t.pass,
    assume: t.assume.map((a) => ({ feature: a.feature, set: a.set })),
  }));
}

/** `fail` throws; every field is checked, since a table file is user input. */
export function altTablesFromDocument(v: unknown, file: string, fail: (msg: string) => never): AltTableDef[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail('alt_tables must be a list');
  const obj = (x: unknown, what: string): Record<string, unknown> => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : fail(`${what} must be a mapping`));
  const int = (x: unknown, what: string, max = 0xffffffff): number => (Number.isInteger(x) && (x as number) >= 0 && (x as number) <= max ? (x as number) : fail(`${what} must be a whole number up to ${max}`));
  const str = (x: unknown, what: string): string => (typeof x === 'string' ? x : fail(`${what} must be a string`));
  const field = (x: unknown, what: string): AltField => {
    const f = obj(x, what);
    const width = int(f['width'], `${what}.width`);
    if (width !== 1 && width !== 2 && width !== 4) fail(`${what}.width must be 1, 2 or 4`);
    return { width: width as 1 | 2 | 4, offset: int(f['offset'], `${what}.offset`, 4095) };
  };
  const addr = (x: unknown, what: string): AltTableDef['instr'] => {
    const f = obj(x, what);
    if (f['kind'] !== 'rel32' && f['kind'] !== 'ptr') fail(`${what}.kind must be rel32 or ptr`);
    return { kind: f['kind'] as 'rel32' | 'ptr', offset: int(f['offset'], `${what}.offset`, 4095) };
  };
  return v.map((x, i) => {
    const t = obj(x, `alt_tables[${i}]`);
    const flags = t['flags'] === undefined ? undefined : obj(t['flags'], 'flags');
    const bits = flags === undefined ? undefined : (Array.isArray(flags['bits']) ? flags['bits'] : fail('flags.bits must be a list')).map((b) => {
      const o = obj(b, 'flags.bits[]');
      const name = str(o['name'], 'flags.bits[].name');
      if (!(ALT_FLAG_NAMES as readonly string[]).includes(name)) fail(`unknown flag '${name}'`);
      return { bit: int(o['bit'], 'flags.bits[].bit', 31), name: name as AltFlagName };
    });
    const assume = (Array.isArray(t['assume'] ?? []) ? ((t['assume'] ?? []) as unknown[]) : fail('assume must be a list')).map((a) => {
      const o = obj(a, 'assume[]');
      return { feature: str(o['feature'], 'assume[].feature'), set: o['set'] === true };
    });
    return {
      name: str(t['name'], 'name'),
      ...(t['arch'] !== undefined ? { arch: str(t['arch'], 'arch') } : {}),
      section: str(t['section'], 'section'),
      replacements: str(t['replacements'], 'replacements'),
      stride: int(t['stride'], 'stride', 4096),
      instr: addr(t['instr'], 'instr'),
      repl: addr(t['repl'], 'repl'),
      feature: { ...field(t['feature'], 'feature'), mask: int(obj(t['feature'], 'feature')['mask'], 'feature.mask') },
      ...(flags && bits ? { flags: { ...field(flags, 'flags'), bits } } : {}),
      instrlen: field(t['instrlen'], 'instrlen'),
      replacementlen: field(t['replacementlen'], 'replacementlen'),
      features: str(t['features'], 'features'),
      pass: str(t['pass'], 'pass'),
      assume,
      span: { file, start: { line: 0, col: 0, offset: 0 }, end: { line: 0, col: 0, offset: 0 } },
    };
  });
}
