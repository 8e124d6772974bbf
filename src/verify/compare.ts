// Deciding `a == b`: equal normal forms prove it; concrete inputs that tell the values apart refute it.
// Anything else is "unknown" — never reported as either.
import { formatVal } from './format.js';
import { assume } from './symbolic/conditions.js';
import { equal, evaluate, mix, not, symbolsOf, type Env, type Val } from './symbolic/values.js';

export interface Witness {
  /** The entry values the counterexample picks, by display label. */
  inputs: { label: string; value: bigint }[];
  left: bigint;
  right: bigint;
}

export type Comparison =
  /** under: equal only on the path (after substituting what its conditions pin), or no input takes the path. */
  | { kind: 'proved'; under?: 'path-condition' | 'infeasible-path' }
  /** witness: concrete entry values that tell the two apart; independent: one side is an entry value the other cannot depend on. */
  | { kind: 'refuted'; witness?: Witness; independent?: true }
  | { kind: 'unknown'; why: string; witness?: Witness };

const PATTERNS = [0n, 0xffffffffffffffffn, 0x5555555555555555n, 0xaaaaaaaaaaaaaaaan];

/**
 * Hashes of `seed:symbol`, kept across comparisons: the same few names (rax0, flag6@2, ...) come back in
 * every rule, and evaluation visits each many times. Cleared when large, so memory stays bounded.
 */
const RANDOM_INPUTS = new Map<string, bigint>();
const MAX_REMEMBERED_INPUTS = 1 << 16;

function env(seed: number): Env {
  const random = (name: string): bigint => {
    const key = `${seed}:${name}`;
    let v = RANDOM_INPUTS.get(key);
    if (v === undefined) {
      if (RANDOM_INPUTS.size >= MAX_REMEMBERED_INPUTS) RANDOM_INPUTS.clear();
      RANDOM_INPUTS.set(key, (v = mix(key)));
    }
    return v;
  };
  return {
    seed,
    // Random values first: they make readable counterexamples (every register distinct).
    sym: (name) => (seed < 12 ? random(name) : PATTERNS[seed - 12]!),
  };
}

/** Conditional values (cmov, flags a zero count keeps) split on, at most, for one comparison. */
const MAX_SPLITS = 3;

/**
 * Case analysis on the condition of a conditional value inside either side: equal when c holds and when
 * it does not (each case a path condition, substituted as on a path). Sound: c is 0 or 1 on every input.
 */
function provedByCases(a: Val, b: Val, conditions: readonly Val[], depth: number): boolean {
  if (depth === 0) return false;
  let c: Val | undefined;
  for (const v of [a, b]) eachApp(v, (x) => {
    if (!c && x.f === 'ite') c = x.args[0]!;
  });
  if (!c) return false;
  const cond = c;
  return [cond, not(cond)].every((side) => {
    const cs = [...conditions, side];
    const path = assume(cs);
    if (path.infeasible) return true;
    const x = path.rewrite(a);
    const y = path.rewrite(b);
    if (equal(x, y)) return true;
    // No progress: the condition did not simplify anything (its ite is still there).
    if (x.key === a.key && y.key === b.key) return false;
    return provedByCases(x, y, cs, depth - 1);
  });
}

/**
 * Inputs (for this seed) that take the path, or undefined. Random inputs rarely satisfy `edi₀ = 0`; the
 * facts the conditions pin give ones that may: each pinned symbol takes the value its substitute has on
 * the random inputs. Whatever the inputs, the conditions are then evaluated: a witness is always checked.
 */
function inputsOnPath(seed: number, conditions: readonly Val[], syms: ReadonlyMap<string, Extract<Val, { k: 'sym' }>>): Env | undefined {
  const e = env(seed);
  if (conditions.every((c) => evaluate(c, e) === 1n)) return e;
  let path = ASSUMED.get(conditions);
  if (!path) ASSUMED.set(conditions, (path = assume(conditions)));
  if (path.infeasible) return undefined;
  const pinned = new Map<string, bigint>();
  for (const s of syms.values()) {
    const r = path.rewrite(s);
    if (r.key !== s.key) pinned.set(s.name, evaluate(r, e));
  }
  if (!pinned.size) return undefined;
  const e2: Env = { seed, sym: (name, w) => pinned.get(name) ?? e.sym(name, w) };
  return conditions.every((c) => evaluate(c, e2) === 1n) ? e2 : undefined;
}

/** A path's conditions are compared against once per register and flag: derive their facts once. */
const ASSUMED = new WeakMap<readonly Val[], ReturnType<typeof assume>>();

/**
 * `conditions` (1-bit values) restrict the inputs to those that take one path through the replacement:
 * a proof ignores them (it holds on all inputs), a counterexample must satisfy them.
 */
export function compare(a: Val, b: Val, conditions: readonly Val[] = []): Comparison {
  if (a.w !== b.w) throw new RangeError(`comparing ${a.w} and ${b.w} bits`);
  if (equal(a, b)) return { kind: 'proved' };
  if (conditions.length) {
    let path = ASSUMED.get(conditions);
    if (!path) ASSUMED.set(conditions, (path = assume(conditions)));
    if (path.infeasible) return { kind: 'proved', under: 'infeasible-path' };
    if (equal(path.rewrite(a), path.rewrite(b))) return { kind: 'proved', under: 'path-condition' };
  }
  if (provedByCases(a, b, conditions, MAX_SPLITS)) return { kind: 'proved', under: 'path-condition' };
  const condSyms = new Map<string, Extract<Val, { k: 'sym' }>>();
  conditions.forEach((c) => symbolsOf(c, condSyms));
  const syms = new Map([...symbolsOf(a), ...symbolsOf(b), ...condSyms]);
  for (let seed = 0; seed < 12 + PATTERNS.length; seed++) {
    const e = inputsOnPath(seed, conditions, condSyms);
    if (!e) continue;
    const l = evaluate(a, e);
    const r = evaluate(b, e);
    if (l === r) continue;
    const witness: Witness = {
      inputs: [
        ...[...syms.values()].filter((s) => s.origin === 'entry').map((s) => ({ label: s.label, value: e.sym(s.name, s.w) & ((1n << BigInt(s.w)) - 1n) })),
        // Memory and system registers are inputs too: the counterexample names the values it picked for them.
        ...machineInputs([a, b, ...conditions]).map((v) => ({ label: formatVal(v), value: evaluate(v, e) })),
      ],
      left: l,
      right: r,
    };
    const shaky = [...syms.values()].filter((s) => s.origin === 'maybe');
    const opaque = [...opaqueResults(a), ...opaqueResults(b), ...conditions.flatMap((c) => opaqueResults(c))];
    if (!shaky.length && !opaque.length) return { kind: 'refuted', witness };
    // The inputs above give an unmodelled instruction a made-up result, so they are no counterexample.
    // Still, a value that does not mention an entry value cannot equal it for every input: vary the
    // entry value and keep the rest.
    const free = (x: Val): boolean => [...symbolsOf(x).keys()].every((k) => !condSyms.has(k));
    if (!shaky.length && ((free(b) && independent(a, b)) || (free(a) && independent(b, a)))) return { kind: 'refuted', independent: true };
    const causes = [...shaky.map((s) => `${s.label}, which may or may not have changed`), ...opaque.map((f) => `the result of \`${f}\`, which is not modelled`)];
    return { kind: 'unknown', why: `it depends on ${[...new Set(causes)].join('; ')}` };
  }
  return { kind: 'unknown', why: conditions.length ? 'no input tried both takes this path and tells them apart' : 'the two values agree on every input tried, but their forms differ' };
}

/** Some input provably takes the path these conditions describe (a concrete one was found). */
export function feasible(conditions: readonly Val[]): boolean {
  return pathInput(conditions) !== undefined;
}

/** Entry values that take the path these conditions describe (none needed: []); undefined when none was found. */
export function pathInput(conditions: readonly Val[]): Witness['inputs'] | undefined {
  if (!conditions.length) return [];
  const syms = new Map<string, Extract<Val, { k: 'sym' }>>();
  conditions.forEach((c) => symbolsOf(c, syms));
  if ([...syms.values()].some((s) => s.origin !== 'entry') || conditions.some((c) => opaqueResults(c).length)) return undefined;
  for (let seed = 0; seed < 12 + PATTERNS.length; seed++) {
    const e = inputsOnPath(seed, conditions, syms);
    if (e) return [...syms.values()].map((s) => ({ label: s.label, value: e.sym(s.name, s.w) & ((1n << BigInt(s.w)) - 1n) }));
  }
  return undefined;
}

/** Every application inside a value, outermost first. */
function eachApp(v: Val, fn: (a: Extract<Val, { k: 'app' }>) => void): void {
  if (v.k === 'app') {
    fn(v);
    v.args.forEach((x) => eachApp(x, fn));
  } else if (v.k === 'slice' || v.k === 'sext') eachApp(v.of, fn);
  else if (v.k === 'concat') v.parts.forEach((x) => eachApp(x, fn));
  else if (v.k === 'lin') v.terms.forEach((t) => eachApp(t.t, fn));
  else if (v.k === 'xor' || v.k === 'and' || v.k === 'or') v.terms.forEach((x) => eachApp(x, fn));
}

/** Results of unmodelled instructions inside a value (execute.ts names them `insn:mnemonic@index:reg`). */
function opaqueResults(v: Val, out: string[] = []): string[] {
  eachApp(v, (a) => {
    if (a.f.startsWith('insn:')) out.push(/^insn:(\w+)@/.exec(a.f)?.[1] ?? a.f);
  });
  return out;
}

/** `entry` is made of entry values only, none of which `other` mentions. */
function independent(other: Val, entry: Val): boolean {
  if (opaqueResults(entry).length) return false;
  const mine = symbolsOf(entry);
  if (![...mine.values()].every((s) => s.origin === 'entry') || mine.size === 0) return false;
  const theirs = symbolsOf(other);
  return [...mine.keys()].every((k) => !theirs.has(k));
}

/** Reads of memory and of system registers inside values (`load[...]`, `sys:cr3[...]`), once each. */
function machineInputs(vs: Val[]): Val[] {
  const out = new Map<string, Val>();
  for (const v of vs) eachApp(v, (a) => {
    if (a.f.startsWith('load') || a.f.startsWith('sys:')) out.set(a.key, a);
  });
  return [...out.values()];
}
