// A site list file (YAML or JSON): for binaries without a site table. Each entry: address, op, length.
import { parse } from 'yaml';
import { InputError } from '../diag/diagnostic.js';
import type { ElfFile } from '../binary/index.js';
import { checkSiteAddress, MAX_SITES } from './sites.js';
import type { Site } from './types.js';

export function parseSiteList(text: string, file: string, elf: ElfFile, knownOps: ReadonlySet<string>): Site[] {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new InputError(`${file}: not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  const list = Array.isArray(doc) ? doc : doc && typeof doc === 'object' && Array.isArray((doc as { sites?: unknown }).sites) ? (doc as { sites: unknown[] }).sites : undefined;
  if (!list) throw new InputError(`${file}: expected a list of sites (or a mapping with 'sites:'), each {address, op, length}`);
  if (list.length > MAX_SITES) throw new InputError(`${file}: ${list.length} sites exceed the limit of ${MAX_SITES} (MAX_SITES)`);
  return list.map((raw, i) => {
    const what = `${file}: site ${i}`;
    if (!raw || typeof raw !== 'object') throw new InputError(`${what}: expected a mapping {address, op, length}`);
    const r = raw as Record<string, unknown>;
    const address = toBigInt(r['address'], `${what}: address`);
    const op = r['op'];
    if (typeof op !== 'string') throw new InputError(`${what}: 'op' must be an op name`);
    if (!knownOps.has(op)) throw new InputError(`${what}: unknown op '${op}'`);
    const lenRaw = r['length'] ?? r['len'];
    if (typeof lenRaw !== 'number' || !Number.isInteger(lenRaw) || lenRaw < 1 || lenRaw > 255) throw new InputError(`${what}: 'length' must be a whole number from 1 to 255`);
    const site: Site = { index: i, origin: `${file}#${i}`, address, fileOffset: checkSiteAddress(elf, address, lenRaw, what), op, len: lenRaw, expect: r['expect'] === 'indirect-call' ? 'indirect-call' : 'any' };
    if (r['clobbers'] !== undefined) {
      if (!Array.isArray(r['clobbers']) || r['clobbers'].some((c) => typeof c !== 'string')) throw new InputError(`${what}: 'clobbers' must be a list of register names`);
      site.clobbers = r['clobbers'] as string[];
    }
    return site;
  });
}

function toBigInt(v: unknown, what: string): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) return BigInt(v);
  throw new InputError(`${what} must be a number or a "0x..." string`);
}
