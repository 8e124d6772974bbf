// Every distinct (function in the slot, inline replacement) pair of an apply run, proved once: the
// figures and verdicts the apply report and `explain` show.
import type { ApplyRun } from '../../apply/apply.js';
import { OUTCOME_REFUSED } from '../../apply/results.js';
import type { ElfFile, SymbolTable } from '../../binary/index.js';
import { ARCHES } from '../../model/arch.js';
import type { PatchEntry } from '../../table/types.js';
import { binaryCode } from './binaryCode.js';
import type { CodeSource, FunctionLimits } from './decodeFunction.js';
import { provePair, type PairVerdict } from './equivalence.js';

export interface PairResult {
  /** Ops whose sites use this pair, and how many sites. */
  ops: string[];
  sites: number;
  functionAddress: bigint;
  /** The rule, as the table names it (op:NAME, target:SYM). */
  rule: string;
  replacement: string;
  proof: PairVerdict;
}

export interface RunProofs {
  pairs: PairResult[];
  /** Pair index per site (-1: no pair — a direct call to the slot's function, an empty slot, a refused site). */
  pairOfSite: Int32Array;
  /** Wall time of the proofs, milliseconds. */
  ms: number;
}

/** A direct call to the op's own function is that function, by construction: no pair to prove. */
function callsTarget(e: PatchEntry): boolean {
  return e.relocations.length === 1 && e.relocations[0]!.symbol === 'target' && e.instructions.length === 1;
}

export function proveRun(run: ApplyRun, elf: ElfFile, symbols: SymbolTable | undefined, limits?: FunctionLimits, code?: CodeSource): RunProofs {
  const t0 = performance.now();
  const arch = ARCHES.get(run.table.arch)!;
  const src = code ?? binaryCode(elf, symbols);
  const sites = run.sites;
  const ops = new Map(run.table.ops.map((o) => [o.name, o]));
  const pairOfSite = new Int32Array(sites.count).fill(-1);
  const pairs: PairResult[] = [];
  const byKey = new Map<string, number>();
  for (let i = 0; i < sites.count; i++) {
    // A refused site keeps its call: nothing replaces the function there.
    if (run.loop.outcome[i] === OUTCOME_REFUSED) continue;
    const c = run.loop.choice(i);
    const entry = c?.entry;
    const target = c?.target;
    if (!entry || !target || target.address === 0n || callsTarget(entry)) continue;
    const opName = sites.opNames[sites.op(i)] ?? '?';
    const op = ops.get(opName);
    const clobbers = sites.clobberBits ? sites.clobberBits.filter((_, b) => (sites.clobberMask(i) & (1 << b)) !== 0) : undefined;
    // By the replacement's bytes: op rules with the same code against the same function are one pair.
    const key = [bytesKey(entry), target.address, op?.returns ?? '?', op?.calleeSave ?? false, clobbers?.join(',') ?? '-'].join('|');
    let k = byKey.get(key);
    if (k === undefined) {
      const proof = provePair({
        arch,
        op: { name: opName, calleeSave: op?.calleeSave ?? false, ...(op?.returns !== undefined ? { returns: op.returns } : {}) },
        replacement: { bytes: entry.bytes, relocations: entry.relocations },
        fn: { address: target.address, name: target.symbol ?? src.describe(target.address) },
        code: src,
        ...(clobbers ? { clobbers } : {}),
        ...(limits ? { limits } : {}),
      });
      const s = entry.selector;
      k = pairs.push({ ops: [], sites: 0, functionAddress: target.address, rule: s.kind === 'op' ? `op:${s.op}` : s.kind === 'target' ? `target:${s.symbol}` : s.kind, replacement: entry.instructions.map((x) => x.text).join('; ') || '{}', proof }) - 1;
      byKey.set(key, k);
    }
    const p = pairs[k]!;
    if (!p.ops.includes(opName)) p.ops.push(opName);
    p.sites++;
    pairOfSite[i] = k;
  }
  return { pairs, pairOfSite, ms: performance.now() - t0 };
}

const keys = new WeakMap<PatchEntry, string>();
function bytesKey(e: PatchEntry): string {
  let k = keys.get(e);
  if (k === undefined) keys.set(e, (k = `${Buffer.from(e.bytes).toString('hex')}/${e.relocations.map((r) => `${r.offset}:${r.symbol}`).join(',')}`));
  return k;
}
