// The patch loop, in the shape of Linux's apply_paravirt(): for each site, copy its bytes, choose and
// relocate a replacement, check that it fits and what it clobbers, pad with NOPs, verify, write. A site
// that fails a check keeps its bytes and is recorded with the reason.
import { InstructionReader } from '../asm/reader.js';
import { elfConst, type ElfFile, type SymbolTable } from '../binary/index.js';
import { fullRegister } from '../model/abi.js';
import { nopFill } from '../model/nops.js';
import type { PatchTable } from '../table/types.js';
import { RuleChooser } from './choose.js';
import type { OpsTableView } from './opsTable.js';
import { relocate } from './relocate.js';
import type { SiteList } from './types.js';
import { ShapeVerifier } from './verify.js';

/** Registers every call site gives up anyway: the stack and instruction pointers move by design. */
const ALWAYS_ALLOWED = new Set(['rsp', 'esp', 'rip', 'eip']);

export const OUTCOME_PATCHED = 0;
export const OUTCOME_ALREADY = 1;
export const OUTCOME_REFUSED = 2;

/** What happened at each site, as parallel arrays (see SiteList for why). */
export interface LoopResults {
  outcome: Uint8Array;
  /** Index into table.entries of the rule used, or -1. */
  entry: Int32Array;
  /** Index into reasons, or -1. */
  reason: Int32Array;
  replacementLength: Uint8Array;
  reasons: string[];
  chooser: RuleChooser;
}

export interface LoopInput {
  elf: ElfFile;
  table: PatchTable;
  sites: SiteList;
  ops: OpsTableView | undefined;
  symbols: SymbolTable | undefined;
  /** The output copy: patched bytes are written here (the input stays as it was). */
  write(offset: number, bytes: Uint8Array): void;
}

export function patchSites(input: LoopInput): LoopResults {
  const { elf, table, sites, ops, symbols } = input;
  const n = sites.count;
  const bitness = table.bitness;
  const chooser = new RuleChooser(table, ops, symbols);
  const entryIndex = new Map(table.entries.map((e, i) => [e, i]));
  const verifier = new ShapeVerifier(bitness);
  const res: LoopResults = {
    outcome: new Uint8Array(n),
    entry: new Int32Array(n).fill(-1),
    reason: new Int32Array(n).fill(-1),
    replacementLength: new Uint8Array(n),
    reasons: [],
    chooser,
  };
  const reasonIds = new Map<string, number>();
  const reasonId = (r: string): number => {
    let k = reasonIds.get(r);
    if (k === undefined) reasonIds.set(r, (k = res.reasons.push(r) - 1));
    return k;
  };
  const padCache = new Map<number, Uint8Array>();
  const pad = (len: number): Uint8Array => {
    let p = padCache.get(len);
    if (!p) padCache.set(len, (p = nopFill(table.nops, len)));
    return p;
  };
  const clobberCache = new Map<number, string>();
  const choices = new Map<number, ReturnType<RuleChooser['choose']>>();
  const data = elf.data;
  const patched = new Uint8Array(255);
  const relocBuf = new Uint8Array(255);
  const reader = new CodeReaders(elf, bitness);
  let out = patched;
  /** Builds site i's new bytes in `out`; returns why it cannot be patched, or undefined. */
  const patchOne = (i: number): string | undefined => {
    const len = sites.len[i]!;
    const address = sites.address[i]!;
    // The choice depends only on (op, slot): decided once per pair.
    const key = sites.op[i]! * 0x10000 + (sites.slot[i]! + 1);
    let chosen = choices.get(key);
    if (!chosen) choices.set(key, (chosen = chooser.choose(sites.opNames[sites.op[i]!], sites.slot[i]!)));
    if (!chosen.entry) return chosen.reason;
    const entry = chosen.entry;
    const ei = entryIndex.get(entry)!;
    res.entry[i] = ei;
    const relocated = relocate(entry, address, chosen.target, symbols, bitness, relocBuf);
    if (!relocated.ok) return relocated.reason;
    const repl = relocated.bytes;
    if (repl.length > len) return `replacement is ${repl.length} bytes; the site has ${len}`;
    if (sites.clobberBits) {
      const mask = sites.clobberMask[i]!;
      const key = ei * 0x100000000 + mask;
      let verdict = clobberCache.get(key);
      if (verdict === undefined) {
        const allowed = sites.clobberBits.filter((_, bit) => (mask & (1 << bit)) !== 0);
        clobberCache.set(key, (verdict = clobberViolation(entry.writes.registers, allowed, bitness)));
      }
      if (verdict) return verdict;
    }
    const fill = pad(len - repl.length);
    // Relocation fields do not change instruction boundaries, so the template (the entry's own bytes)
    // verifies every site that uses it: one decode per (rule, site length).
    const problem = verifier.check(entry.bytes, fill, ei * 256 + len);
    if (problem) return `patched site would not decode as whole instructions: ${problem}`;
    out = patched.subarray(0, len);
    out.set(repl, 0);
    out.set(fill, repl.length);
    res.replacementLength[i] = repl.length;
    return undefined;
  };
  try {
    for (let i = 0; i < n; i++) {
      const len = sites.len[i]!;
      const off = sites.fileOffset[i]!;
      const address = sites.address[i]!;
      const slot = sites.slot[i]!;
      // The original must be what the site format promises. When it is not, the site may still be one
      // this table already patched (applying twice gives the same bytes), so that is decided last.
      const unexpected = sites.expect === 'indirect-call' ? checkIndirectCall(reader, off, address, len, slot, ops) : undefined;
      const why = patchOne(i);
      if (why !== undefined) {
        res.outcome[i] = OUTCOME_REFUSED;
        res.reason[i] = reasonId(unexpected ?? why);
        continue;
      }
      if (unexpected) {
        if (equalAt(data, off, out)) res.outcome[i] = OUTCOME_ALREADY;
        else {
          res.outcome[i] = OUTCOME_REFUSED;
          res.reason[i] = reasonId(unexpected);
        }
        continue;
      }
      // Bytes that already are the replacement (a site list without `expect`, applied twice) are not news.
      if (equalAt(data, off, out)) {
        res.outcome[i] = OUTCOME_ALREADY;
        continue;
      }
      input.write(off, out);
      res.outcome[i] = OUTCOME_PATCHED;
    }
  } finally {
    reader.free();
  }
  return res;
}

function equalAt(data: Uint8Array, off: number, b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (data[off + i] !== b[i]) return false;
  return true;
}

/** '' when the replacement writes only registers the site's mask allows; otherwise the refusal. */
function clobberViolation(written: readonly string[], clobbers: readonly string[], bits: 32 | 64): string {
  const allowed = new Set(clobbers.map((r) => fullRegister(r, bits) ?? r));
  // The mask speaks of general-purpose registers; writing cr3 or IF is what an op does, not a clobber.
  const bad = [...new Set(written.flatMap((r) => fullRegister(r, bits) ?? []))].filter((r) => !ALWAYS_ALLOWED.has(r) && !allowed.has(r));
  return bad.length ? `replacement writes ${bad.join(', ')}, which the site's clobber mask (${clobbers.join(', ') || 'none'}) does not allow` : '';
}

/**
 * One decoder per executable section, over that section's bytes only: the decoder copies its input into
 * WebAssembly memory, and a whole binary would be a third copy of the file.
 */
class CodeReaders {
  private readonly readers: { start: number; end: number; reader: InstructionReader }[] = [];

  constructor(
    private readonly elf: ElfFile,
    private readonly bitness: 32 | 64,
  ) {}

  at(fileOffset: number): { reader: InstructionReader; base: number } {
    for (const r of this.readers) if (fileOffset >= r.start && fileOffset < r.end) return { reader: r.reader, base: r.start };
    // The section holding the site; without section headers, its PT_LOAD segment (one reader for all its
    // sites, not one per site).
    const sec = this.elf.sections.find((s) => s.fileSize > 0 && fileOffset >= s.offset && fileOffset < s.offset + s.fileSize);
    const seg = sec ? undefined : this.elf.programHeaders.find((p) => p.type === elfConst.PT_LOAD && fileOffset >= p.offset && fileOffset < p.offset + p.filesz);
    const start = sec ? sec.offset : seg ? seg.offset : fileOffset;
    const end = sec ? sec.offset + sec.fileSize : seg ? seg.offset + seg.filesz : Math.min(this.elf.data.length, fileOffset + 255);
    const reader = new InstructionReader(this.bitness, this.elf.data.subarray(start, end));
    this.readers.push({ start, end, reader });
    return { reader, base: start };
  }

  free(): void {
    for (const r of this.readers) r.reader.free();
  }
}

/** The site must hold exactly one `call *SLOT` through its own slot of the ops table, `len` bytes long. */
function checkIndirectCall(readers: CodeReaders, off: number, address: bigint, len: number, slot: number, ops: OpsTableView | undefined): string | undefined {
  const { reader, base } = readers.at(off);
  const d = reader.decodeAt(off - base, address, len);
  if (d.length === 0) {
    // An entry whose len is too short cuts its call: say so rather than "not valid" (rare; refusals only).
    const whole = reader.decodeAt(off - base, address);
    if (whole.indirectCall && whole.length > len) return `the indirect call is ${whole.length} bytes; the site says ${len}`;
    return `original bytes are not a valid instruction within the site's ${len} bytes`;
  }
  if (!d.indirectCall) return 'original bytes are not an indirect call';
  if (d.length !== len) return `the indirect call is ${d.length} bytes; the site says ${len}`;
  const slotAddr = slot >= 0 ? ops?.slotAddress(slot) : undefined;
  if (slotAddr !== undefined && d.memoryTarget !== slotAddr) {
    const through = d.memoryTarget === undefined ? 'a register-based address' : `0x${d.memoryTarget.toString(16)}`;
    return `the call goes through ${through}, not slot ${slot} of ${ops!.def.name} (0x${slotAddr.toString(16)})`;
  }
  return undefined;
}
