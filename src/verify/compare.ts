// Deciding `a == b`: equal normal forms prove it; concrete inputs that tell the values apart refute it.
// Anything else is "unknown" — never reported as either.
import { equal, evaluate, mix, symbolsOf, type Env, type Val } from './symbolic/values.js';

export interface Witness {
  /** The entry values the counterexample picks, by display label. */
  inputs: { label: string; value: bigint }[];
  left: bigint;
  right: bigint;
}

export type Comparison = { kind: 'proved' } | { kind: 'refuted'; witness: Witness } | { kind: 'unknown'; why: string; witness?: Witness };

const PATTERNS = [0n, 0xffffffffffffffffn, 0x5555555555555555n, 0xaaaaaaaaaaaaaaaan];

function env(seed: number): Env {
  return {
    seed,
    // Random values first: they make readable counterexamples (every register distinct).
    sym: (name) => (seed < 12 ? mix(`${seed}:${name}`) : PATTERNS[seed - 12]!),
  };
}

export function compare(a: Val, b: Val): Comparison {
  if (a.w !== b.w) throw new RangeError(`comparing ${a.w} and ${b.w} bits`);
  if (equal(a, b)) return { kind: 'proved' };
  const syms = new Map([...symbolsOf(a), ...symbolsOf(b)]);
  for (let seed = 0; seed < 12 + PATTERNS.length; seed++) {
    const e = env(seed);
    const l = evaluate(a, e);
    const r = evaluate(b, e);
    if (l === r) continue;
    const witness: Witness = {
      inputs: [...syms.values()].filter((s) => s.origin === 'entry').map((s) => ({ label: s.label, value: e.sym(s.name, s.w) & ((1n << BigInt(s.w)) - 1n) })),
      left: l,
      right: r,
    };
    const shaky = [...syms.values()].filter((s) => s.origin === 'maybe');
    if (shaky.length) return { kind: 'unknown', why: `it depends on ${shaky.map((s) => s.label).join(', ')}, which may or may not have changed`, witness };
    return { kind: 'refuted', witness };
  }
  return { kind: 'unknown', why: 'the two values agree on every input tried, but their forms differ' };
}
