// Symbolic bit-vector values. Every constructor normalizes, so two values with the same `key` are equal
// for every assignment of their symbols: equal keys are a proof. Different keys prove nothing; a
// disagreement is only claimed when `evaluate` finds concrete inputs that tell the two apart.

/**
 * Where a symbol comes from, which decides what a counterexample built on it is worth:
 * - entry: a register or memory byte as the replacement found it (any value is possible);
 * - havoc: written by an instruction the executor does not model (the value is something else);
 * - maybe: possibly written (a conditional write, a call, an unmodelled stack effect): no counterexample
 *   that depends on it is trusted.
 */

/**
 * Keys spell a value's whole term, and a term can share subterms (`and %rax,%rcx; and %rcx,%rax` repeated
 * doubles it each time): past this many characters the engine stops rather than exhaust memory, and its
 * callers report the pair or rule as not decided (never as proved or refuted).
 */
export const MAX_KEY_CHARS = 1 << 16;

export class TermTooLarge extends Error {
  constructor() {
    super(`a value's term grew past ${MAX_KEY_CHARS} characters`);
  }
}

function sized(key: string): string {
  if (key.length > MAX_KEY_CHARS) throw new TermTooLarge();
  return key;
}

export type Origin = 'entry' | 'havoc' | 'maybe';

interface Base {
  /** Width in bits, 1..64 (i386 register pairs are 64). */
  readonly w: number;
  /** Canonical text; equal keys ⇒ equal values. */
  readonly key: string;
}

export type Val =
  | (Base & { k: 'const'; v: bigint })
  | (Base & { k: 'sym'; name: string; origin: Origin; label: string })
  | (Base & { k: 'slice'; of: Val; lo: number })
  /** LSB first. */
  | (Base & { k: 'concat'; parts: Val[] })
  | (Base & { k: 'sext'; of: Val })
  /** Σ coef·term + c, modulo 2^w. */
  | (Base & { k: 'lin'; terms: { coef: bigint; t: Val }[]; c: bigint })
  /** Bitwise op over a set of terms and a constant. */
  | (Base & { k: 'xor' | 'and' | 'or'; terms: Val[]; c: bigint })
  /** Uninterpreted: the same function of the same arguments is the same value, nothing more is known. */
  | (Base & { k: 'app'; f: string; args: Val[] });

// Every width a value can have (1..64 bits, and 128 for products), computed once: evaluation asks per node.
const MASKS: bigint[] = Array.from({ length: 129 }, (_, w) => (1n << BigInt(w)) - 1n);

export function mask(w: number): bigint {
  return MASKS[w] ?? (1n << BigInt(w)) - 1n;
}

export function constant(w: number, v: bigint): Val {
  const m = v & mask(w);
  return { k: 'const', w, v: m, key: `#${w}:${m.toString(16)}` };
}

export function symbol(w: number, name: string, origin: Origin, label = name): Val {
  return { k: 'sym', w, name, origin, label, key: `$${name}/${w}` };
}

export function slice(x: Val, lo: number, w: number): Val {
  if (w <= 0 || lo < 0 || lo + w > x.w) throw new RangeError(`slice [${lo}, ${lo + w}) of a ${x.w}-bit value`);
  if (lo === 0 && w === x.w) return x;
  switch (x.k) {
    case 'const':
      return constant(w, x.v >> BigInt(lo));
    case 'slice':
      return slice(x.of, x.lo + lo, w);
    case 'concat': {
      const out: Val[] = [];
      let at = 0;
      for (const p of x.parts) {
        const a = Math.max(lo, at);
        const b = Math.min(lo + w, at + p.w);
        if (a < b) out.push(slice(p, a - at, b - a));
        at += p.w;
      }
      return concat(out);
    }
    case 'sext': {
      // The bits above the source are copies of its sign bit.
      const src = x.of;
      const parts: Val[] = [];
      if (lo < src.w) parts.push(slice(src, lo, Math.min(w, src.w - lo)));
      const signBits = lo + w - Math.max(lo, src.w);
      if (signBits > 0) parts.push(replicate(slice(src, src.w - 1, 1), signBits));
      return concat(parts);
    }
    case 'lin':
      // The low bits of a sum depend only on the low bits of its terms.
      if (lo === 0) return lin(w, x.terms.map((t) => ({ coef: t.coef, t: slice(t.t, 0, w) })), x.c);
      break;
    case 'xor':
    case 'and':
    case 'or':
      return bitwise(
        x.k,
        w,
        x.terms.map((t) => slice(t, lo, w)),
        x.c >> BigInt(lo),
      );
    default:
      break;
  }
  return { k: 'slice', w, of: x, lo, key: sized(`S${lo}.${w}(${x.key})`) };
}

/** `n` copies of a 1-bit value. */
export function replicate(bit: Val, n: number): Val {
  if (bit.w !== 1) throw new RangeError('replicate takes one bit');
  if (n === 1) return bit;
  if (bit.k === 'const') return constant(n, bit.v ? mask(n) : 0n);
  return { k: 'sext', w: n, of: bit, key: sized(`X${n}(${bit.key})`) };
}

function asSlice(v: Val): { of: Val; lo: number } {
  return v.k === 'slice' ? { of: v.of, lo: v.lo } : { of: v, lo: 0 };
}

export function concat(input: Val[]): Val {
  const parts: Val[] = [];
  for (const p of input.flatMap((v) => (v.k === 'concat' ? v.parts : [v]))) {
    const prev = parts[parts.length - 1];
    if (prev && prev.k === 'const' && p.k === 'const') {
      parts[parts.length - 1] = constant(prev.w + p.w, prev.v | (p.v << BigInt(prev.w)));
      continue;
    }
    if (prev) {
      // Adjacent pieces of one value join back into it: this is what makes push/pop and
      // sub-register merges come out as the original register.
      const a = asSlice(prev);
      const b = asSlice(p);
      if (a.of.key === b.of.key && a.lo + prev.w === b.lo) {
        parts[parts.length - 1] = slice(a.of, a.lo, prev.w + p.w);
        continue;
      }
      // A value followed by copies of its own sign bit is its sign extension.
      const bit = p.k === 'sext' && p.of.w === 1 ? p.of : p.w === 1 ? p : undefined;
      if (bit) {
        const base = prev.k === 'sext' ? prev.of : prev;
        if (slice(base, base.w - 1, 1).key === bit.key) {
          parts[parts.length - 1] = sext(base, prev.w + p.w);
          continue;
        }
      }
    }
    parts.push(p);
  }
  if (parts.length === 0) throw new RangeError('empty concat');
  if (parts.length === 1) return parts[0]!;
  const w = parts.reduce((s, p) => s + p.w, 0);
  return { k: 'concat', w, parts, key: sized(`C(${parts.map((p) => p.key).join(',')})`) };
}

export function zext(x: Val, w: number): Val {
  return w === x.w ? x : concat([x, constant(w - x.w, 0n)]);
}

export function sext(x: Val, w: number): Val {
  if (w === x.w) return x;
  if (x.k === 'const') {
    const neg = (x.v >> BigInt(x.w - 1)) & 1n;
    return constant(w, neg ? x.v | (mask(w) ^ mask(x.w)) : x.v);
  }
  if (x.k === 'sext') return sext(x.of, w);
  return { k: 'sext', w, of: x, key: sized(`X${w}(${x.key})`) };
}

export function lin(w: number, terms: { coef: bigint; t: Val }[], c: bigint): Val {
  const acc = new Map<string, { coef: bigint; t: Val }>();
  let k = c;
  const add = (coef: bigint, t: Val): void => {
    if (t.k === 'const') k += coef * t.v;
    // ~x is -x - 1 in two's complement: seen as a sum, neg/not/inc chains cancel.
    else if (t.k === 'xor' && t.w === w && t.terms.length === 1 && t.c === mask(w)) {
      add(-coef, t.terms[0]!);
      k -= coef;
    }
    else if (t.k === 'lin' && t.w === w) {
      for (const u of t.terms) add(coef * u.coef, u.t);
      k += coef * t.c;
    } else {
      const e = acc.get(t.key);
      acc.set(t.key, { coef: (e?.coef ?? 0n) + coef, t });
    }
  };
  for (const t of terms) add(t.coef, t.t);
  const m = mask(w);
  const kept = [...acc.entries()]
    .map(([, e]) => ({ coef: e.coef & m, t: e.t }))
    .filter((e) => e.coef !== 0n)
    .sort((a, b) => (a.t.key < b.t.key ? -1 : a.t.key > b.t.key ? 1 : 0));
  k &= m;
  if (kept.length === 0) return constant(w, k);
  if (kept.length === 1 && kept[0]!.coef === 1n && k === 0n) return kept[0]!.t;
  return { k: 'lin', w, terms: kept, c: k, key: sized(`L${w}(${kept.map((e) => `${e.coef.toString(16)}*${e.t.key}`).join('+')}+${k.toString(16)})`) };
}

export function add(a: Val, b: Val): Val {
  return lin(a.w, [{ coef: 1n, t: a }, { coef: 1n, t: b }], 0n);
}
export function sub(a: Val, b: Val): Val {
  return lin(a.w, [{ coef: 1n, t: a }, { coef: -1n, t: b }], 0n);
}
export function neg(a: Val): Val {
  return lin(a.w, [{ coef: -1n, t: a }], 0n);
}

export function bitwise(op: 'xor' | 'and' | 'or', w: number, terms: Val[], c?: bigint): Val {
  const m = mask(w);
  const identity = op === 'and' ? m : 0n;
  let k = c === undefined ? identity : c & m;
  const kept = new Map<string, Val>();
  const visit = (t: Val): void => {
    if (t.k === 'const') {
      k = op === 'xor' ? k ^ t.v : op === 'and' ? k & t.v : k | t.v;
      return;
    }
    if (t.k === op) {
      t.terms.forEach(visit);
      k = op === 'xor' ? k ^ t.c : op === 'and' ? k & t.c : k | t.c;
      return;
    }
    // x ^ x = 0; x & x = x | x = x.
    if (kept.has(t.key)) {
      if (op === 'xor') kept.delete(t.key);
      return;
    }
    kept.set(t.key, t);
  };
  terms.forEach(visit);
  if (op === 'and' && k === 0n) return constant(w, 0n);
  if (op === 'or' && k === m) return constant(w, m);
  const list = [...kept.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (list.length === 0) return constant(w, k);
  if (list.length === 1 && k === identity) return list[0]!;
  // One value and a mask: pieces of the value and constant runs (`and $0xff` is the low byte, zero-extended).
  if (list.length === 1 && op !== 'xor') {
    const runs = bitRuns(k, w);
    if (runs.length <= MAX_RUNS) {
      const x = list[0]!;
      const keepBit = op === 'and' ? 1n : 0n;
      return concat(runs.map(([lo, n, bit]) => (bit === keepBit ? slice(x, lo, n) : constant(n, bit ? mask(n) : 0n))));
    }
  }
  return { k: op, w, terms: list, c: k, key: sized(`${op}${w}(${list.map((t) => t.key).join(',')};${k.toString(16)})`) };
}

/** Masks with more runs than this stay bitwise nodes: a piece per run would not be simpler. */
const MAX_RUNS = 8;

/** Runs of equal bits of `c`, LSB first: [first bit, length, bit value]. */
function bitRuns(c: bigint, w: number): [number, number, bigint][] {
  const runs: [number, number, bigint][] = [];
  for (let b = 0; b < w; b++) {
    const bit = (c >> BigInt(b)) & 1n;
    const last = runs[runs.length - 1];
    if (last && last[2] === bit) last[1]++;
    else runs.push([b, 1, bit]);
    if (runs.length > MAX_RUNS) break;
  }
  return runs;
}

export function not(a: Val): Val {
  return bitwise('xor', a.w, [a], mask(a.w));
}

export function shl(a: Val, n: number): Val {
  if (n === 0) return a;
  if (n >= a.w) return constant(a.w, 0n);
  return concat([constant(n, 0n), slice(a, 0, a.w - n)]);
}
export function shr(a: Val, n: number): Val {
  if (n === 0) return a;
  if (n >= a.w) return constant(a.w, 0n);
  return concat([slice(a, n, a.w - n), constant(n, 0n)]);
}
export function sar(a: Val, n: number): Val {
  if (n === 0) return a;
  const keep = Math.max(1, a.w - n);
  return sext(slice(a, a.w - keep, keep), a.w);
}

/** 1 when x is zero (ZF). Interpreted by `evaluate`, unlike other applications. */
export function eqz(x: Val): Val {
  if (x.k === 'const') return constant(1, x.v === 0n ? 1n : 0n);
  if (x.k === 'concat') {
    // Zero exactly when every piece is: constant pieces decide or drop out (a zero-extension is its source).
    if (x.parts.some((p) => p.k === 'const' && p.v !== 0n)) return constant(1, 0n);
    const rest = x.parts.filter((p) => p.k !== 'const');
    if (rest.length === 1) return eqz(rest[0]!);
  }
  if (x.k === 'sext') return eqz(x.of);
  return app(1, 'eqz', [x]);
}

/** 1 when a < b unsigned (CF of a - b). */
export function ltu(a: Val, b: Val): Val {
  if (a.k === 'const' && b.k === 'const') return constant(1, a.v < b.v ? 1n : 0n);
  if (a.key === b.key || (b.k === 'const' && b.v === 0n)) return constant(1, 0n);
  return app(1, 'ltu', [a, b]);
}

/** `c ? x : y` for a 1-bit c (cmov, and flags a zero shift count leaves alone). */
export function ite(c: Val, x: Val, y: Val): Val {
  if (c.w !== 1 || x.w !== y.w) throw new RangeError(`ite over ${c.w}, ${x.w}, ${y.w} bits`);
  if (c.k === 'const') return c.v ? x : y;
  if (x.key === y.key) return x;
  if (c.k === 'xor' && c.terms.length === 1 && c.c === 1n) return ite(c.terms[0]!, y, x);
  if (x.w === 1 && x.k === 'const' && y.k === 'const') return x.v ? c : not(c);
  return app(x.w, 'ite', [c, x, y]);
}

export type ShiftKind = 'shl' | 'shr' | 'sar' | 'rol' | 'ror';

/** Rotations by a constant: pieces of the value, so `rol 8; ror 8` is the value again. */
export function rol(a: Val, n: number): Val {
  const k = n % a.w;
  return k === 0 ? a : concat([slice(a, a.w - k, k), slice(a, 0, a.w - k)]);
}
export function ror(a: Val, n: number): Val {
  return rol(a, a.w - (n % a.w));
}

/** A shift or rotation by a count the code computes (already masked to 5 or 6 bits, as the CPU does). */
export function shiftBy(kind: ShiftKind, a: Val, n: Val): Val {
  if (n.k === 'const') {
    const k = Number(n.v);
    return kind === 'shl' ? shl(a, k) : kind === 'shr' ? shr(a, k) : kind === 'sar' ? sar(a, k) : kind === 'rol' ? rol(a, k) : ror(a, k);
  }
  return app(a.w, kind, [a, n]);
}

const INTERPRETED = new Set(['eqz', 'ltu', 'ite', 'shl', 'shr', 'sar', 'rol', 'ror']);

function applyInterpreted(f: string, w: number, args: bigint[]): bigint {
  const m = mask(w);
  const [a, b, c] = args as [bigint, bigint, bigint];
  switch (f) {
    case 'eqz':
      return a === 0n ? 1n : 0n;
    case 'ltu':
      return a < b ? 1n : 0n;
    case 'ite':
      return a ? b : c;
    case 'shl':
      return b >= BigInt(w) ? 0n : (a << b) & m;
    case 'shr':
      return b >= BigInt(w) ? 0n : a >> b;
    case 'sar': {
      const neg = (a >> BigInt(w - 1)) & 1n;
      const s = a - (neg << BigInt(w));
      return (s >> (b >= BigInt(w) ? BigInt(w - 1) : b)) & m;
    }
    default: {
      const k = b % BigInt(w);
      const left = f === 'rol' ? k : (BigInt(w) - k) % BigInt(w);
      return ((a << left) | (a >> (BigInt(w) - left))) & m;
    }
  }
}

/** The same function of rebuilt arguments: constructors normalize again (a count that became constant, ...). */
function rebuildApp(v: Extract<Val, { k: 'app' }>, args: Val[]): Val {
  switch (v.f) {
    case 'eqz':
      return eqz(args[0]!);
    case 'ltu':
      return ltu(args[0]!, args[1]!);
    case 'ite':
      return ite(args[0]!, args[1]!, args[2]!);
    case 'shl':
    case 'shr':
    case 'sar':
    case 'rol':
    case 'ror':
      return shiftBy(v.f, args[0]!, args[1]!);
    default:
      return app(v.w, v.f, args);
  }
}

/**
 * `v` with symbols replaced (all at once: a replacement may mention the symbol it replaces), normalized
 * again. `subs` is keyed by symbol name, or by a whole value's key (names never contain '/', keys do). Sound for a proof under a path condition when each replacement equals its symbol on every input
 * that satisfies the condition (conditions.ts).
 */
export function substitute(v: Val, subs: ReadonlyMap<string, Val>, memo = new Map<string, Val>()): Val {
  const known = memo.get(v.key) ?? subs.get(v.key);
  if (known) return known;
  const r = (x: Val): Val => substitute(x, subs, memo);
  let out: Val;
  switch (v.k) {
    case 'const':
      out = v;
      break;
    case 'sym':
      out = subs.get(v.name) ?? v;
      break;
    case 'slice':
      out = slice(r(v.of), v.lo, v.w);
      break;
    case 'concat':
      out = concat(v.parts.map(r));
      break;
    case 'sext':
      out = sext(r(v.of), v.w);
      break;
    case 'lin':
      out = lin(v.w, v.terms.map((t) => ({ coef: t.coef, t: r(t.t) })), v.c);
      break;
    case 'xor':
    case 'and':
    case 'or':
      out = bitwise(v.k, v.w, v.terms.map(r), v.c);
      break;
    case 'app':
      out = rebuildApp(v, v.args.map(r));
      break;
  }
  memo.set(v.key, out);
  return out;
}

export function app(w: number, f: string, args: Val[]): Val {
  return { k: 'app', w, f, args, key: sized(`${f}/${w}(${args.map((a) => a.key).join(',')})`) };
}

export function equal(a: Val, b: Val): boolean {
  return a.w === b.w && a.key === b.key;
}

/** Every symbol a value depends on. */
export function symbolsOf(v: Val, out = new Map<string, Extract<Val, { k: 'sym' }>>()): Map<string, Extract<Val, { k: 'sym' }>> {
  switch (v.k) {
    case 'sym':
      out.set(v.name, v);
      break;
    case 'slice':
    case 'sext':
      symbolsOf(v.of, out);
      break;
    case 'concat':
      v.parts.forEach((p) => symbolsOf(p, out));
      break;
    case 'lin':
      v.terms.forEach((t) => symbolsOf(t.t, out));
      break;
    case 'xor':
    case 'and':
    case 'or':
    case 'app':
      (v.k === 'app' ? v.args : v.terms).forEach((t) => symbolsOf(t, out));
      break;
    default:
      break;
  }
  return out;
}

/** Values for symbols; uninterpreted functions get a fixed pseudo-random function of their arguments. */
export interface Env {
  sym(name: string, w: number): bigint;
  seed: number;
}

export function evaluate(v: Val, env: Env): bigint {
  const m = mask(v.w);
  switch (v.k) {
    case 'const':
      return v.v;
    case 'sym':
      return env.sym(v.name, v.w) & m;
    case 'slice':
      return (evaluate(v.of, env) >> BigInt(v.lo)) & m;
    case 'concat': {
      let r = 0n;
      let at = 0n;
      for (const p of v.parts) {
        r |= evaluate(p, env) << at;
        at += BigInt(p.w);
      }
      return r & m;
    }
    case 'sext': {
      const x = evaluate(v.of, env);
      const negative = (x >> BigInt(v.of.w - 1)) & 1n;
      return negative ? (x | (m ^ mask(v.of.w))) & m : x;
    }
    case 'lin':
      return v.terms.reduce((s, t) => s + t.coef * evaluate(t.t, env), v.c) & m;
    case 'xor':
      return v.terms.reduce((s, t) => s ^ evaluate(t, env), v.c) & m;
    case 'and':
      return v.terms.reduce((s, t) => s & evaluate(t, env), v.c) & m;
    case 'or':
      return v.terms.reduce((s, t) => s | evaluate(t, env), v.c) & m;
    case 'app': {
      const args = v.args.map((a) => evaluate(a, env));
      if (INTERPRETED.has(v.f)) return applyInterpreted(v.f, v.w, args);
      return mix(`${env.seed}|${v.f}|${args.map((a) => a.toString(16)).join(',')}`) & m;
    }
  }
}

/** A 64-bit hash of a string (FNV-1a, then a splitmix64 finalizer). */
export function mix(s: string): bigint {
  // FNV-1a over 16-bit limbs (l0 lowest) in plain numbers: exact, and no BigInt per character. The prime is
  // 2^40 + 0x1b3, so h * prime = h * 0x1b3 + (h << 40) (mod 2^64).
  let l0 = 0x2325;
  let l1 = 0x8422;
  let l2 = 0x9ce4;
  let l3 = 0xcbf2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    l0 ^= c & 0xffff;
    const m0 = l0 * 0x1b3;
    const m1 = l1 * 0x1b3 + Math.floor(m0 / 0x10000);
    const m2 = l2 * 0x1b3 + Math.floor(m1 / 0x10000) + ((l0 << 8) & 0xffff);
    const m3 = l3 * 0x1b3 + Math.floor(m2 / 0x10000) + ((l1 << 8) & 0xffff) + (l0 >> 8);
    l0 = m0 & 0xffff;
    l1 = m1 & 0xffff;
    l2 = m2 & 0xffff;
    l3 = m3 & 0xffff;
  }
  let h = (BigInt(l3) << 48n) | (BigInt(l2) << 32n) | (BigInt(l1) << 16n) | BigInt(l0);
  h ^= h >> 30n;
  h = (h * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
  h ^= h >> 27n;
  h = (h * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
  return h ^ (h >> 31n);
}
