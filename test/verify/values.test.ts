// Normal forms must keep meaning: whatever the smart constructors rewrite, evaluation agrees with doing
// the same operations on plain numbers. Equal keys are taken as proofs, so this is the soundness test.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as V from '../../src/verify/symbolic/values.js';
import { compare } from '../../src/verify/compare.js';

interface Pair {
  v: V.Val;
  c: bigint;
}

const m = V.mask;
const signed = (x: bigint, w: number): bigint => (x >> BigInt(w - 1) ? x - (1n << BigInt(w)) : x);

type Step = { op: number; a: number; b: number; n: number };

function run(steps: Step[], inputs: bigint[]): Pair[] {
  const env: V.Env = { seed: 0, sym: (name) => inputs[Number(name.slice(1))]! };
  const pool: Pair[] = inputs.map((x, i) => ({ v: V.symbol(i % 2 ? 32 : 64, `s${i}`, 'entry'), c: x & m(i % 2 ? 32 : 64) }));
  for (const s of steps) {
    const A = pool[s.a % pool.length]!;
    const sameWidth = pool.filter((p) => p.v.w === A.v.w);
    const B = sameWidth[s.b % sameWidth.length]!;
    const w = A.v.w;
    const n = s.n % (w + 1);
    let next: Pair | undefined;
    switch (s.op % 14) {
      case 0: {
        const lo = n % w;
        const len = 1 + (s.b % (w - lo));
        next = { v: V.slice(A.v, lo, len), c: (A.c >> BigInt(lo)) & m(len) };
        break;
      }
      case 1:
        if (A.v.w + B.v.w <= 64) next = { v: V.concat([A.v, B.v]), c: A.c | (B.c << BigInt(A.v.w)) };
        break;
      case 2:
        if (w < 64) next = { v: V.zext(A.v, 64), c: A.c };
        break;
      case 3:
        if (w < 64) next = { v: V.sext(A.v, 64), c: signed(A.c, w) & m(64) };
        break;
      case 4:
        next = { v: V.add(A.v, B.v), c: (A.c + B.c) & m(w) };
        break;
      case 5:
        next = { v: V.sub(A.v, B.v), c: (A.c - B.c) & m(w) };
        break;
      case 6:
        next = { v: V.neg(A.v), c: -A.c & m(w) };
        break;
      case 7:
        next = { v: V.not(A.v), c: ~A.c & m(w) };
        break;
      case 8:
        next = { v: V.bitwise('xor', w, [A.v, B.v]), c: A.c ^ B.c };
        break;
      case 9:
        next = { v: V.bitwise('and', w, [A.v, B.v]), c: A.c & B.c };
        break;
      case 10:
        next = { v: V.bitwise('or', w, [A.v, B.v]), c: A.c | B.c };
        break;
      case 11:
        next = { v: V.shl(A.v, n), c: (A.c << BigInt(n)) & m(w) };
        break;
      case 12:
        next = { v: V.shr(A.v, n), c: A.c >> BigInt(n) };
        break;
      case 13:
        next = { v: V.sar(A.v, n), c: (signed(A.c, w) >> BigInt(Math.min(n, w - 1))) & m(w) };
        break;
    }
    if (next) {
      expect(next.v.w).toBeGreaterThan(0);
      expect(V.evaluate(next.v, env)).toBe(next.c);
      pool.push(next);
    }
  }
  return pool;
}

describe('symbolic values', () => {
  it('normalization preserves meaning (random programs)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ op: fc.nat(), a: fc.nat(), b: fc.nat(), n: fc.nat() }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.bigInt({ min: 0n, max: m(64) }), { minLength: 4, maxLength: 4 }),
        (steps, inputs) => {
          const pool = run(steps, inputs);
          // Equal keys must mean equal values.
          const byKey = new Map<string, bigint>();
          for (const p of pool) {
            const k = `${p.v.w}|${p.v.key}`;
            if (byKey.has(k)) expect(byKey.get(k)).toBe(p.c);
            byKey.set(k, p.c);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('puts pieces of a register back together', () => {
    const x = V.symbol(64, 'x', 'entry');
    expect(V.concat([V.slice(x, 0, 8), V.slice(x, 8, 24), V.slice(x, 32, 32)]).key).toBe(x.key);
    expect(V.concat([V.slice(x, 0, 16), V.replicate(V.slice(x, 15, 1), 48)]).key).toBe(V.sext(V.slice(x, 0, 16), 64).key);
    expect(V.bitwise('xor', 64, [x, x]).key).toBe(V.constant(64, 0n).key);
    expect(V.sub(x, x).key).toBe(V.constant(64, 0n).key);
    expect(V.not(V.not(x)).key).toBe(x.key);
    expect(V.add(V.not(V.neg(x)), V.constant(64, 1n)).key).toBe(x.key);
    expect(V.slice(V.add(x, V.constant(64, 5n)), 0, 32).key).toBe(V.add(V.slice(x, 0, 32), V.constant(32, 5n)).key);
  });

  it('proves, refutes, or admits it does not know', () => {
    const x = V.symbol(64, 'x', 'entry');
    const y = V.symbol(64, 'y', 'entry');
    const maybe = V.symbol(64, 'z', 'maybe');
    expect(compare(V.lin(64, [{ coef: 2n, t: x }], 0n), V.add(x, x)).kind).toBe('proved');
    const r = compare(x, y);
    expect(r.kind).toBe('refuted');
    expect(r.kind === 'refuted' && r.witness!.left).not.toBe(r.kind === 'refuted' && r.witness!.right);
    expect(compare(maybe, x).kind).toBe('unknown');
    // An unmodelled result that does not read x cannot always equal x; one that reads x might.
    expect(compare(V.app(64, 'insn:cpuid@0:rbx', [y]), x)).toMatchObject({ kind: 'refuted', independent: true });
    expect(compare(V.app(64, 'insn:bswap@0:rax', [x]), x).kind).toBe('unknown');
  });
});
