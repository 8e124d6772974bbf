// A site list file (YAML or JSON): for binaries without a site table. Each entry: address, op, length.
import { parse } from 'yaml';
import { InputError } from '../diag/diagnostic.js';
import type { ElfFile } from '../binary/index.js';
import { CodeMap } from './codeMap.js';
import { ArraySites, MAX_SITES } from './sites.js';

const GPR64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const GPR32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];

export function parseSiteList(text: string, file: string, elf: ElfFile, knownOps: readonly string[], clobberBits?: string[]): ArraySites {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new InputError(`${file}: not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  const raw = Array.isArray(doc) ? doc : doc && typeof doc === 'object' && Array.isArray((doc as { sites?: unknown }).sites) ? (doc as { sites: unknown[] }).sites : undefined;
  if (!raw) throw new InputError(`${file}: expected a list of sites (or a mapping with 'sites:'), each {address, op, length}`);
  if (raw.length > MAX_SITES) throw new InputError(`${file}: ${raw.length} sites exceed the limit of ${MAX_SITES} (MAX_SITES)`);
  const opIndex = new Map(knownOps.map((o, i) => [o, i]));
  const expectAll = raw.every((r) => (r as { expect?: unknown })?.expect === 'indirect-call');
  const code = new CodeMap(elf);
  const list = new ArraySites(raw.length, [...knownOps], expectAll ? 'indirect-call' : 'any', code, (i) => `${file}#${i}`);
  // The general-purpose registers of the binary's width, in encoding order (an ELF32 has no rax).
  const bits = clobberBits ?? (elf.header.class === 64 ? GPR64 : GPR32);
  let anyClobbers = false;
  raw.forEach((entry, i) => {
    const what = `${file}: site ${i}`;
    if (!entry || typeof entry !== 'object') throw new InputError(`${what}: expected a mapping {address, op, length}`);
    const r = entry as Record<string, unknown>;
    const address = toBigInt(r['address'], `${what}: address`);
    const op = r['op'];
    if (typeof op !== 'string') throw new InputError(`${what}: 'op' must be an op name`);
    const k = opIndex.get(op);
    if (k === undefined) throw new InputError(`${what}: unknown op '${op}'`);
    const len = r['length'] ?? r['len'];
    if (typeof len !== 'number' || !Number.isInteger(len) || len < 1 || len > 255) throw new InputError(`${what}: 'length' must be a whole number from 1 to 255`);
    list.addresses[i] = address;
    list.fileOffsets[i] = code.offsetOf(address, len, what);
    list.ops[i] = k;
    list.lens[i] = len;
    if (r['clobbers'] !== undefined) {
      const c = r['clobbers'];
      if (!Array.isArray(c) || c.some((x) => typeof x !== 'string' || !bits.includes(x.replace(/^%/, '')))) {
        throw new InputError(`${what}: 'clobbers' must be a list of register names (${bits.join(' ')})`);
      }
      anyClobbers = true;
      list.clobberMasks[i] = (c as string[]).reduce((m, x) => m | (1 << bits.indexOf(x.replace(/^%/, ''))), 0);
    }
  });
  if (anyClobbers) {
    const without = raw.findIndex((e) => (e as Record<string, unknown>)['clobbers'] === undefined);
    if (without >= 0) throw new InputError(`${file}: site ${without} has no 'clobbers' while others do: give them on every site or on none`);
    list.clobberBits = bits;
  }
  return list;
}

function toBigInt(v: unknown, what: string): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) return BigInt(v);
  throw new InputError(`${what} must be a number or a "0x..." string`);
}
