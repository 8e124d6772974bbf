// The patch loop, in the shape of Linux's apply_paravirt(): for each site, check its bytes, choose and
// relocate a replacement, check that it fits and what it clobbers, pad with NOPs, verify, write. A site
// that fails a check keeps its bytes and is recorded with the reason.
//
// Everything that depends only on a site's (op, slot), its length or its code range is decided once
// (the rule, the relocation constants, the NOP padding, the decode of the padded replacement); per site
// there remain number arithmetic, byte compares and the copy. See relocPlan.ts and originalCheck.ts
// for why the fast forms give relocate()'s and the decoder's answers.
import type { ElfFile, SymbolTable } from '../binary/index.js';
import { fullRegister } from '../model/abi.js';
import { nopFill } from '../model/nops.js';
import type { PatchTable } from '../table/types.js';
import { selectorText } from '../table/document.js';
import { conditionText } from '../model/check.js';
import { RuleChooser, type FeatureTest } from './choose.js';
import type { CodeMap } from './codeMap.js';
import type { OpsTableView } from './opsTable.js';
import { OriginalCheck } from './originalCheck.js';
import { relocate } from './relocate.js';
import { RelocPlan } from './relocPlan.js';
import { choiceKey, LoopResults, OUTCOME_ALREADY, OUTCOME_PATCHED, type Choice } from './results.js';
import { newPlace } from './sites.js';
import type { SiteList } from './types.js';
import { ShapeVerifier } from './verify.js';

export { LoopResults, OUTCOME_ALREADY, OUTCOME_PATCHED, OUTCOME_REFUSED } from './results.js';

/** Registers every call site gives up anyway: the stack and instruction pointers move by design. */
const ALWAYS_ALLOWED = new Set(['rsp', 'esp', 'rip', 'eip']);

export interface LoopInput {
  elf: ElfFile;
  table: PatchTable;
  sites: SiteList;
  code: CodeMap;
  ops: OpsTableView | undefined;
  symbols: SymbolTable | undefined;
  /** The output bytes; `elf.data` itself when the run patches its input buffer in place. */
  output: Uint8Array;
  /** Writes patched bytes into `output` (with the patcher's checks). */
  write(offset: number, bytes: Uint8Array): void;
  /** The CPU's features, for conditional rules; absent: only unconditional rules serve. */
  features?: FeatureTest;
}

/** A choice with what was decided for it once. */
interface Planned extends Choice {
  /** Undefined: relocate() per site (a field it alone can compute, or a refusal it words). */
  plan: RelocPlan | undefined;
  /** By site length. */
  byLen: (Shaped | undefined)[];
  lastMask: number;
  lastVerdict: string;
}

/** One rule at one site length: the padded template and the checks that depend on nothing else. */
interface Shaped {
  fits: boolean;
  /** The template (site-independent fields filled) plus NOPs; self-relative fields are written per site. */
  full: Uint8Array | undefined;
  fill: Uint8Array | undefined;
  /** Why replacement + NOPs would not decode as whole instructions covering the site. */
  shapeProblem: string | undefined;
}

export function patchSites(input: LoopInput): LoopResults {
  const { elf, table, sites, ops, symbols, output } = input;
  const n = sites.count;
  const bitness = table.bitness;
  const inPlace = output === elf.data;
  const chooser = new RuleChooser(table, ops, symbols, input.features);
  // In place, a slot read later could read a patched site (an ops table inside code): read all first.
  if (inPlace && ops) for (let s = 0; s < ops.def.slots.length; s++) chooser.target(s);
  const entryIndex = new Map(table.entries.map((e, i) => [e, i]));
  const verifier = new ShapeVerifier(bitness);
  const choices = new Map<number, Planned>();
  const res = new LoopResults(sites, choices);
  res.unconsideredRules = chooser.unconsidered.map((e) => ({ rule: `${selectorText(e.selector)} ${conditionText(e.when!)}`, source: `${e.source.file}:${e.source.line}` }));
  const pads: Uint8Array[] = [];
  const pad = (len: number): Uint8Array => (pads[len] ??= nopFill(table.nops, len));
  const clobberCache = new Map<number, string>();
  const clobberVerdict = (ei: number, mask: number): string => {
    const key = ei * 0x100000000 + mask;
    let verdict = clobberCache.get(key);
    if (verdict === undefined) {
      const allowed = sites.clobberBits!.filter((_, bit) => (mask & (1 << bit)) !== 0);
      clobberCache.set(key, (verdict = clobberViolation(table.entries[ei]!.writes.registers, allowed, bitness)));
    }
    return verdict;
  };
  const planFor = (op: number, slot: number): Planned => {
    const chosen = chooser.choose(sites.opNames[op], slot);
    const entry = chosen.entry;
    const c: Planned = {
      entry,
      entryIndex: entry ? entryIndex.get(entry)! : -1,
      target: chosen.target,
      ...(chosen.entry ? {} : { reason: chosen.reason }),
      plan: entry ? RelocPlan.create(entry, chosen.target, symbols, bitness) : undefined,
      byLen: [],
      lastMask: -1,
      lastVerdict: '',
    };
    choices.set(choiceKey(op, slot), c);
    return c;
  };
  const shapeFor = (c: Planned, len: number): Shaped => {
    const entry = c.entry!;
    const fits = entry.bytes.length <= len;
    let s: Shaped = { fits, full: undefined, fill: undefined, shapeProblem: undefined };
    if (fits) {
      const fill = pad(len - entry.bytes.length);
      // Relocation fields do not change instruction boundaries (see verify.ts), so the entry's own bytes
      // verify every site that uses it: one decode per (rule, site length).
      const problem = verifier.check(entry.bytes, fill, c.entryIndex * 256 + len);
      let full: Uint8Array | undefined;
      if (c.plan) {
        full = new Uint8Array(len);
        full.set(c.plan.bytes, 0);
        full.set(fill, entry.bytes.length);
      }
      s = { fits, full, fill, shapeProblem: problem && `patched site would not decode as whole instructions: ${problem}` };
    }
    return (c.byLen[len] = s);
  };

  const source = inPlace ? output : elf.data;
  const original = new OriginalCheck(source, bitness, ops, ops?.def.slots.length ?? 0, input.code.ranges.length);
  const expectCall = sites.expect === 'indirect-call';
  const place = newPlace();
  const relocBuf = new Uint8Array(255);
  const slowBuf = new Uint8Array(255);
  let originals: Uint8Array | undefined;
  if (inPlace) {
    let total = 0;
    for (let i = 0; i < n; i++) total += sites.len(i);
    originals = res.originals = new Uint8Array(total);
  }
  let kept = 0;
  let lastKey = -1;
  let c: Planned | undefined;
  let out: Uint8Array = slowBuf;

  /** relocate() and the checks in their general form: every site the fast form leaves. */
  const patchSlow = (entry: NonNullable<Choice['entry']>, address: bigint, len: number, mask: number): string | undefined => {
    const relocated = relocate(entry, address, c!.target, symbols, bitness, relocBuf);
    if (!relocated.ok) return relocated.reason;
    const repl = relocated.bytes;
    if (repl.length > len) return `replacement is ${repl.length} bytes; the site has ${len}`;
    if (sites.clobberBits) {
      const verdict = clobberVerdict(c!.entryIndex, mask);
      if (verdict) return verdict;
    }
    const shaped = c!.byLen[len] ?? shapeFor(c!, len);
    if (shaped.shapeProblem) return shaped.shapeProblem;
    out = slowBuf.subarray(0, len);
    out.set(repl, 0);
    out.set(shaped.fill!, repl.length);
    return undefined;
  };

  try {
    for (let i = 0; i < n; i++) {
      sites.locate(i, place);
      const range = place.range;
      const rel = place.rel;
      const off = range.offset + rel;
      const len = sites.len(i);
      const slot = sites.slot(i);
      if (originals) {
        for (let k = 0; k < len; k++) originals[kept + k] = source[off + k]!;
        kept += len;
      }
      // The original must be what the site format promises. When it is not, the site may still be one
      // this table already patched (applying twice gives the same bytes), so that is decided last.
      const unexpected = expectCall ? original.check(off, range, rel, len, slot) : undefined;
      const key = choiceKey(sites.op(i), slot);
      if (key !== lastKey) {
        c = choices.get(key) ?? planFor(sites.op(i), slot);
        lastKey = key;
      }
      const entry = c!.entry;
      let why: string | undefined;
      if (!entry) why = c!.reason;
      else {
        const mask = sites.clobberBits ? sites.clobberMask(i) : 0;
        const shaped = c!.byLen[len] ?? shapeFor(c!, len);
        const fields = shaped.full ? c!.plan!.fieldsFor(range) : null;
        if (fields && RelocPlan.fill(fields, rel, shaped.full!)) {
          if (sites.clobberBits) {
            if (mask !== c!.lastMask) {
              c!.lastVerdict = clobberVerdict(c!.entryIndex, mask);
              c!.lastMask = mask;
            }
            why = c!.lastVerdict || undefined;
          }
          why ??= shaped.shapeProblem;
          out = shaped.full!;
          // The after-check of the bytes that differ from the verified template: each self-relative
          // field, read back as the CPU reads it, reaches its target from this site.
          if (why === undefined && !RelocPlan.fieldsReach(fields, rel, out)) why = 'internal: a relocated field does not reach its target';
        } else why = patchSlow(entry, range.start + BigInt(rel), len, mask);
      }
      if (why !== undefined) {
        res.refuse(i, unexpected ?? why);
        continue;
      }
      if (unexpected) {
        if (equalAt(source, off, out)) res.outcome[i] = OUTCOME_ALREADY;
        else res.refuse(i, unexpected);
        continue;
      }
      // Bytes that already are the replacement (a site list without `expect`, applied twice) are not news.
      if (equalAt(source, off, out)) {
        res.outcome[i] = OUTCOME_ALREADY;
        continue;
      }
      input.write(off, out);
      res.outcome[i] = OUTCOME_PATCHED;
    }
  } finally {
    original.free();
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
