// Reasoning with a path's conditions: each condition that pins a symbol (ZF from `test %rdi,%rdi` taken
// as "rdi₀ = 0", a sign bit, `cmp $5,%edi; je` as "edi₀ = 5") becomes a substitution, applied to the
// values compared and to the other conditions, until nothing changes. A substitution replaces a symbol by
// a value equal to it on every input that takes the path, so values equal after it are equal on the path;
// a condition that becomes the constant 0 shows that no input takes the path at all.
import { concat, constant, lin, mask, slice, substitute, type Val } from './values.js';

type Sym = Extract<Val, { k: 'sym' }>;

/** Rounds of derive-and-substitute: each may expose a new fact (a condition that simplified). */
const MAX_ROUNDS = 8;

export interface Assumed {
  /** Every input that takes the path satisfies these, and `rewrite` is exact on those inputs. */
  rewrite(v: Val): Val;
  /** The conditions contradict each other: no input takes the path. */
  infeasible: boolean;
}

export function assume(conditions: readonly Val[]): Assumed {
  let conds = [...conditions];
  const rounds: Map<string, Val>[] = [];
  let infeasible = false;
  for (let round = 0; round < MAX_ROUNDS && !infeasible; round++) {
    const subs = new Map<string, Val>();
    for (const c of conds) if (!facts(c, 1n, subs)) infeasible = true;
    if (infeasible || subs.size === 0) break;
    rounds.push(subs);
    const memo = new Map<string, Val>();
    const next = conds.map((c) => substitute(c, subs, memo));
    if (next.some((c) => c.k === 'const' && c.v === 0n)) infeasible = true;
    const kept = next.filter((c) => c.k !== 'const');
    if (kept.length === conds.length && kept.every((c, i) => c.key === conds[i]!.key)) break;
    conds = kept;
  }
  // What no symbol captures (ltu(a, b), a flag of an unknown count): the condition itself is 1 on the path.
  const whole = new Map<string, Val>();
  for (const c of conds) {
    if (c.k === 'const') continue;
    whole.set(c.key, constant(1, 1n));
    if (c.k === 'xor' && c.terms.length === 1 && c.c === 1n) whole.set(c.terms[0]!.key, constant(1, 0n));
  }
  if (whole.size) rounds.push(whole);
  return {
    infeasible,
    rewrite(v) {
      for (const subs of rounds) v = substitute(v, subs);
      return v;
    },
  };
}

/** Adds what `c == value` says about single symbols; false when it is plainly impossible. */
function facts(c: Val, value: bigint, out: Map<string, Val>): boolean {
  if (c.k === 'const') return c.v === value;
  if (c.w !== 1) return true;
  if (c.k === 'xor' && c.terms.length === 1) return facts(c.terms[0]!, value ^ c.c, out);
  if ((c.k === 'and' && value === 1n) || (c.k === 'or' && value === 0n)) return c.terms.every((t) => facts(t, value, out));
  if (c.k === 'app' && c.f === 'eqz' && value === 1n) return zero(c.args[0]!, out);
  return pin(c, constant(1, value), out);
}

/** `x == 0`. */
function zero(x: Val, out: Map<string, Val>): boolean {
  switch (x.k) {
    case 'const':
      return x.v === 0n;
    case 'concat':
      return x.parts.every((p) => zero(p, out));
    case 'or':
      return x.c === 0n ? x.terms.every((t) => zero(t, out)) : false;
    case 'sext':
      return zero(x.of, out);
    case 'lin': {
      // t·(±1) + rest = 0  ⇒  t = ∓rest.
      const m = mask(x.w);
      const i = x.terms.findIndex((t) => (t.coef === 1n || t.coef === m) && pinnable(t.t));
      if (i < 0) return true;
      const t = x.terms[i]!;
      const rest = x.terms.filter((_, j) => j !== i);
      const sign = t.coef === 1n ? -1n : 1n;
      return pin(t.t, lin(x.w, rest.map((r) => ({ coef: sign * r.coef, t: r.t })), sign * x.c), out);
    }
    case 'xor':
      if (x.terms.length === 1) return pin(x.terms[0]!, constant(x.w, x.c), out);
      if (x.terms.length === 2 && x.c === 0n) return pinnable(x.terms[0]!) ? pin(x.terms[0]!, x.terms[1]!, out) : pin(x.terms[1]!, x.terms[0]!, out);
      return true;
    default:
      return pin(x, constant(x.w, 0n), out);
  }
}

function pinnable(t: Val): boolean {
  return t.k === 'sym' || (t.k === 'slice' && t.of.k === 'sym');
}

/** `t == v` for a symbol or a slice of one: the symbol with those bits replaced. Anything else: no fact. */
function pin(t: Val, v: Val, out: Map<string, Val>): boolean {
  let s: Sym;
  let lo = 0;
  if (t.k === 'sym') s = t;
  else if (t.k === 'slice' && t.of.k === 'sym') {
    s = t.of;
    lo = t.lo;
  } else return true;
  if (out.has(s.name) || v.w !== t.w) return true;
  const parts: Val[] = [];
  if (lo > 0) parts.push(slice(s, 0, lo));
  parts.push(v);
  if (lo + t.w < s.w) parts.push(slice(s, lo + t.w, s.w - lo - t.w));
  const e = concat(parts);
  if (e.key !== s.key) out.set(s.name, e);
  return true;
}
