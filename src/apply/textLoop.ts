// The loop over one `texttable` (src/model/textTable.ts): the table's entries read from the binary as the rule
// set lays them out, and per site what the table's pass (a kernel version's code, from src/kernel/) makes of
// it. A pass returns the bytes written (the prediction) and, for a site whose final state depends on something
// the image and the CPU do not say (a static key enabled by init code, a static call updated during boot),
// every form the site may legally hold and what it depends on. A site the pass leaves alone keeps its bytes.
import { lookupVaddr, type ElfFile, type SymbolTable } from '../binary/index.js';
import { InputError } from '../diag/diagnostic.js';
import type { TextAddrField, TextTableDef } from '../model/textTable.js';
import type { AltMemory } from './altLoop.js';
import { boundsFromSizeCode } from './tableBounds.js';

export interface TextSite {
  /** Position in the table (0-based; for `symbols`, in address order). */
  index: number;
  addr: bigint;
  /** Where the entry is (undefined for `symbols`). */
  entryAddr?: bigint;
  target?: bigint;
  key?: bigint;
  /** Names of the flag bits set in the key field. */
  flags: readonly string[];
  /** The symbol that is the site (`symbols` tables). */
  symbol?: string;
}

/**
 * One form a runtime-dependent site may hold: exact bytes, or a relative call/jmp (`op` e8 or e9, 5 bytes) to
 * the entry of any kernel function (a static call retargeted by static_call_update()), or any bytes.
 */
export type LegalForm =
  | { bytes: Uint8Array; when: string }
  | { branch: 0xe8 | 0xe9; to: 'function'; tail?: Uint8Array; when: string }
  /**
   * A call/jmp to the function the static call's trampoline (at `trampoline`) jumps to in the same text:
   * static_call_update() rewrites the trampoline and every inline site of its key together.
   */
  | { branch: 0xe8 | 0xe9; to: 'trampoline'; trampoline: bigint; when: string }
  /** Any bytes: a value boot code computes from what the image cannot say (an allocation's address). */
  | { any: true; when: string };

export interface TextSiteOutcome {
  /** What the site holds after the pass; undefined: unchanged. */
  bytes?: Uint8Array;
  /** Site length when the pass decided it (decoded lengths); defaults to the table's. */
  len?: number;
  /** A short name of what happened (counted in the report). */
  outcome: string;
  /** Set for runtime-dependent sites: every legal form (the prediction is one of them) and the input. */
  forms?: LegalForm[];
  dependsOn?: string;
  reason?: string;
}

export interface TextPassRules {
  site(s: TextSite, mem: AltMemory, fixedLen: number | undefined): TextSiteOutcome;
}

/** The bytes before and after are the input's and the output's at [site.addr, +len). */
export interface TextSiteResult {
  site: TextSite;
  len: number;
  /** Whether the pass wrote the site (it may have written the bytes it held). */
  wrote: boolean;
  outcome: string;
  forms?: LegalForm[];
  dependsOn?: string;
  reason?: string;
}

/** The entries of a texttable, bounds-checked (an entry whose site is not file-backed code is skipped by the caller). */
export function readTextTable(elf: ElfFile, def: TextTableDef, symbols: SymbolTable | undefined): TextSite[] {
  const need = (name: string): bigint => {
    const a = symbols?.addressOf(name);
    if (a === undefined) throw new InputError(`texttable ${def.name}: symbol '${name}' is not in the kernel's symbols (give --symbols System.map)`);
    return a;
  };
  if (def.where.kind === 'symbols') {
    const prefix = def.where.prefix;
    const addrs = (symbols?.symbols ?? []).filter((e) => e.name.startsWith(prefix)).map((e) => ({ addr: e.address, name: e.name }));
    addrs.sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
    return addrs.map((a, index) => ({ index, addr: a.addr, flags: [], symbol: a.name }));
  }
  let start: bigint;
  let size: number;
  if (def.where.kind === 'section') {
    const name = def.where.name;
    const s = elf.sections.find((x) => x.name === name);
    if (!s) return [];
    start = s.addr;
    size = Number(s.size);
  } else {
    const w = def.where;
    const a = symbols?.addressOf(w.start);
    const b = symbols?.addressOf(w.stop);
    if ((a === undefined || b === undefined) && w.sizedBy !== undefined) {
      const found = boundsFromSizeCode(elf, symbols, w.sizedBy, def.stride);
      if ('problem' in found) throw new InputError(`texttable ${def.name}: '${w.start}'/'${w.stop}' are not in the kernel's symbols, and their distance was not found in code: ${found.problem} (give --symbols System.map)`);
      start = found.start;
      size = Number(found.stop - found.start);
    } else {
      start = need(w.start);
      size = Number(need(w.stop) - start);
    }
  }
  if (size < 0 || size % def.stride !== 0) throw new InputError(`texttable ${def.name}: ${size} bytes is not a whole number of ${def.stride}-byte entries`);
  const l = lookupVaddr(elf, start, Math.max(size, 1));
  if (size === 0) return [];
  if (!l.ok) throw new InputError(`texttable ${def.name}: the table at 0x${start.toString(16)} (+${size}): ${l.reason}`);
  const bytes = elf.data.subarray(l.offset, l.offset + size);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const word = elf.header.class === 64 ? 8 : 4;
  const bits = word * 8;
  // Hundreds of thousands of entries (6.12's .call_sites): 32-bit fields are read as numbers, and addresses
  // wrap to the word with asUintN rather than BigInt division.
  const read = (f: TextAddrField, at: number, here: bigint): { value: bigint; low: number } => {
    let v: bigint;
    let low: number;
    if (f.kind === 'rel32' || word === 4) {
      const raw = dv.getInt32(at, true);
      low = (raw & f.mask) >>> 0;
      v = BigInt(raw & ~f.mask);
    } else {
      const raw = dv.getBigInt64(at, true);
      const m = BigInt(f.mask);
      low = Number(raw & m);
      v = raw & ~m;
    }
    return { value: BigInt.asUintN(bits, f.kind === 'ptr' ? v : here + v), low };
  };
  const out: TextSite[] = [];
  for (let i = 0; i < size; i += def.stride) {
    const here = start + BigInt(i);
    const site = read(def.site!, i + def.site!.offset, here + BigInt(def.site!.offset));
    const s: TextSite = { index: i / def.stride, addr: site.value, entryAddr: here, flags: [] };
    if (def.target) s.target = read(def.target, i + def.target.offset, here + BigInt(def.target.offset)).value;
    if (def.key) {
      const k = read(def.key, i + def.key.offset, here + BigInt(def.key.offset));
      s.key = k.value;
      s.flags = def.flags.filter((b) => (k.low >>> b.bit) & 1).map((b) => b.name);
    }
    out.push(s);
  }
  return out;
}

/** Whether [addr, addr+len) is file-backed bytes of the binary (sites elsewhere — discarded sections — are skipped). */
export function siteInFile(elf: ElfFile, addr: bigint, len: number): boolean {
  return lookupVaddr(elf, addr, len).ok;
}

export function runTextTable(elf: ElfFile, def: TextTableDef, sites: readonly TextSite[], mem: AltMemory, rules: TextPassRules): TextSiteResult[] {
  const fixed = def.length === 'decoded' ? undefined : def.length;
  const out: TextSiteResult[] = [];
  for (const s of sites) {
    if (!siteInFile(elf, s.addr, fixed ?? 1)) continue;
    const r = rules.site(s, mem, fixed);
    const len = r.len ?? fixed ?? r.bytes?.length ?? 1;
    if (r.bytes) mem.write(s.addr, r.bytes);
    out.push({
      site: s, len, wrote: r.bytes !== undefined, outcome: r.outcome,
      ...(r.forms ? { forms: r.forms } : {}), ...(r.dependsOn ? { dependsOn: r.dependsOn } : {}), ...(r.reason ? { reason: r.reason } : {}),
    });
  }
  return out;
}
