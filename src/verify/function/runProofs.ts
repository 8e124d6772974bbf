// Every distinct (function in the slot, inline replacement) pair of an apply run, proved once: the
// figures and verdicts the apply report and `explain` show. Pairs come from the paravirt sites (the rule
// chosen per site) and, with --cpu, from the alternatives pass over sites that still called through a
// slot (Linux 6.8+: the kernel's own replacement of `call *pv_ops+N(%rip)`).
import type { ApplyRun } from '../../apply/apply.js';
import { indirectCallSlot, OpsTableView } from '../../apply/opsTable.js';
import { OUTCOME_REFUSED } from '../../apply/results.js';
import type { ElfFile, SymbolTable } from '../../binary/index.js';
import type { AltEntryResult } from '../../apply/altLoop.js';
import { ARCHES, type ArchInfo } from '../../model/arch.js';
import type { PatchEntry, PatchTable } from '../../table/types.js';
import { decodeReplacement } from '../symbolic/decode.js';
import { binaryCode } from './binaryCode.js';
import type { CodeSource, FunctionLimits } from './decodeFunction.js';
import { provePair, type PairVerdict } from './equivalence.js';
import { disassembleToString } from '../../asm/disasm.js';

export interface PairResult {
  /** Ops whose sites use this pair, and how many sites. */
  ops: string[];
  sites: number;
  functionAddress: bigint;
  /** Where the replacement comes from: the rule (op:NAME, target:SYM), or `alternatives` (the kernel's own). */
  rule: string;
  replacement: string;
  proof: PairVerdict;
}

export interface RunProofs {
  pairs: PairResult[];
  /** Pair index per paravirt site (-1: no pair — a direct call to the slot's function, an empty slot, a refused site). */
  pairOfSite: Int32Array;
  /** Wall time of the proofs, milliseconds. */
  ms: number;
}

interface Candidate {
  op: string;
  bytes: Uint8Array;
  entry?: PatchEntry;
  /** Only for a new pair: a decode per site would cost more than the proofs. */
  text: () => string;
  rule: string;
  target: { address: bigint; symbol?: string };
  clobbers: readonly string[] | undefined;
}

/** Proves each distinct pair once; the rest of its sites are counted. */
class PairCollector {
  readonly pairs: PairResult[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly ops: Map<string, PatchTable['ops'][number]>;
  constructor(
    private readonly arch: ArchInfo,
    table: PatchTable,
    private readonly code: CodeSource,
    private readonly limits: FunctionLimits | undefined,
  ) {
    this.ops = new Map(table.ops.map((o) => [o.name, o]));
  }

  add(c: Candidate): number {
    const op = this.ops.get(c.op);
    // By the replacement's bytes: op rules with the same code against the same function are one pair.
    const key = [c.entry ? entryKey(c.entry) : hexOf(c.bytes), c.target.address, op?.returns ?? '?', op?.calleeSave ?? false, c.clobbers?.join(',') ?? '-'].join('|');
    let k = this.byKey.get(key);
    if (k === undefined) {
      const proof = provePair({
        arch: this.arch,
        op: { name: c.op, calleeSave: op?.calleeSave ?? false, ...(op?.returns !== undefined ? { returns: op.returns } : {}) },
        replacement: { bytes: c.bytes, relocations: c.entry?.relocations ?? [] },
        fn: { address: c.target.address, name: c.target.symbol ?? this.code.describe(c.target.address) },
        code: this.code,
        ...(c.clobbers ? { clobbers: c.clobbers } : {}),
        ...(this.limits ? { limits: this.limits } : {}),
      });
      k = this.pairs.push({ ops: [], sites: 0, functionAddress: c.target.address, rule: c.rule, replacement: c.text() || '{}', proof }) - 1;
      this.byKey.set(key, k);
    }
    this.count(k, c.op);
    return k;
  }

  /** One more site of pair k. */
  count(k: number, op: string): void {
    const p = this.pairs[k]!;
    if (!p.ops.includes(op)) p.ops.push(op);
    p.sites++;
  }
}

/** A direct call to the op's own function is that function, by construction: no pair to prove. */
function callsTarget(e: PatchEntry): boolean {
  // By the bytes, not the disassembly: a table read back from YAML/JSON carries no instructions.
  const r = e.relocations[0];
  return e.relocations.length === 1 && r!.symbol === 'target' && r!.pcRelative && r!.offset === 1 && r!.size === 4 && e.bytes.length === 5 && e.bytes[0] === 0xe8;
}

export function proveRun(run: ApplyRun, elf: ElfFile, symbols: SymbolTable | undefined, limits?: FunctionLimits, code?: CodeSource): RunProofs {
  const t0 = performance.now();
  const pairs = new PairCollector(ARCHES.get(run.table.arch)!, run.table, code ?? binaryCode(elf, symbols), limits);
  const sites = run.sites;
  const pairOfSite = new Int32Array(sites.count).fill(-1);
  // Per (op, slot) choice and clobber mask, the pair is known after its first site: a million sites cost a lookup each.
  const known = new Map<object, Map<number, number>>();
  for (let i = 0; i < sites.count; i++) {
    // A refused site keeps its call: nothing replaces the function there.
    if (run.loop.outcome[i] === OUTCOME_REFUSED) continue;
    const c = run.loop.choice(i);
    const entry = c?.entry;
    const target = c?.target;
    if (!entry || !target || target.address === 0n || callsTarget(entry)) continue;
    const mask = sites.clobberBits ? sites.clobberMask(i) : -1;
    const byMask = known.get(c) ?? new Map<number, number>();
    known.set(c, byMask);
    const seen = byMask.get(mask);
    if (seen !== undefined) {
      pairs.count(seen, sites.opNames[sites.op(i)] ?? '?');
      pairOfSite[i] = seen;
      continue;
    }
    const s = entry.selector;
    pairOfSite[i] = pairs.add({
      op: sites.opNames[sites.op(i)] ?? '?',
      bytes: entry.bytes,
      entry,
      // A table read back from YAML/JSON has no instructions: its bytes say what the replacement is.
      text: () => (entry.instructions.length ? entry.instructions.map((x) => x.text).join('; ') : disassembleToString(entry.bytes, run.table.bitness, 'att')),
      rule: s.kind === 'op' ? `op:${s.op}` : s.kind === 'target' ? `target:${s.symbol}` : s.kind,
      target,
      clobbers: sites.clobberBits ? sites.clobberBits.filter((_, b) => (mask & (1 << b)) !== 0) : undefined,
    });
    byMask.set(mask, pairOfSite[i]!);
  }
  return { pairs: pairs.pairs, pairOfSite, ms: performance.now() - t0 };
}

/**
 * The alternatives pass's sites that called through a slot before it (`ff 15`: `call *slot(%rip)` on
 * x86_64, `call *slot` on i386) and hold something other than a direct call after it: the kernel's own
 * inline replacement (padding included) against the slot's function. Sites the paravirt pass already
 * patched are not seen here (their proofs are the paravirt ones).
 */
export function proveAlternatives(alt: { results: readonly AltEntryResult[] }, table: PatchTable, elf: ElfFile, symbols: SymbolTable | undefined, limits?: FunctionLimits, code?: CodeSource): RunProofs {
  const t0 = performance.now();
  const src = code ?? binaryCode(elf, symbols);
  const pairs = new PairCollector(ARCHES.get(table.arch)!, table, src, limits);
  const bySite = new Map<bigint, { before: Uint8Array; after: Uint8Array | undefined }>();
  for (const r of alt.results) {
    const s = bySite.get(r.entry.instrAddr) ?? { before: r.before, after: undefined };
    if (r.outcome === 'applied') s.after = r.after;
    bySite.set(r.entry.instrAddr, s);
  }
  const views = table.opsTables.map((d) => OpsTableView.resolve(d, elf, symbols)).filter((v) => v.address !== undefined);
  const W = table.bitness;
  for (const [at, s] of bySite) {
    const slotAddr = indirectCallSlot(s.before, at, W);
    if (!s.after || slotAddr === undefined || s.after[0] === 0xe8) continue;
    const view = views.find((v) => v.slotOf(slotAddr) !== undefined);
    if (!view) continue;
    const slot = view.slotOf(slotAddr)!;
    const fn = view.slotValue(slot);
    if (fn === undefined || fn === 0n) continue;
    const near = symbols?.nearest(fn);
    const after = s.after;
    pairs.add({
      op: view.def.slots[slot] ?? `slot ${slot}`,
      bytes: after,
      text: () =>
        decodeReplacement(after, W)
          .insns.filter((x) => x.mnemonic !== 'nop')
          .map((x) => x.att)
          .join('; '),
      rule: 'alternatives',
      target: { address: fn, ...(near && near.offset === 0n ? { symbol: near.symbol.name } : {}) },
      clobbers: undefined,
    });
  }
  return { pairs: pairs.pairs, pairOfSite: new Int32Array(0), ms: performance.now() - t0 };
}

const keys = new WeakMap<PatchEntry, string>();
function entryKey(e: PatchEntry): string {
  let k = keys.get(e);
  if (k === undefined) keys.set(e, (k = `${hexOf(e.bytes)}/${e.relocations.map((r) => `${r.offset}:${r.symbol}`).join(',')}`));
  return k;
}

function hexOf(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** Both passes' proofs as one: the paravirt sites keep their pair indices. */
export function mergeProofs(a: RunProofs, b: RunProofs | undefined): RunProofs {
  return b ? { pairs: [...a.pairs, ...b.pairs], pairOfSite: a.pairOfSite, ms: a.ms + b.ms } : a;
}
