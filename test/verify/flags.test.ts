// Status flags the executor computes (ZF, SF, CF, OF) against the SDM's definitions on concrete numbers:
// branch conditions, and so counterexamples on a path, rest on them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeReplacement } from '../../src/verify/symbolic/decode.js';
import { execute } from '../../src/verify/symbolic/paths.js';
import { FLAG_BITS } from '../../src/verify/symbolic/state.js';
import { evaluate, mask } from '../../src/verify/symbolic/values.js';
import { gnuAs, hasGnuAs } from './helpers.js';

type Op = 'add' | 'sub' | 'cmp' | 'and' | 'or' | 'xor' | 'test' | 'inc' | 'dec' | 'neg';

function expected(op: Op, a: bigint, b: bigint, w: number, cfIn: bigint): { ZF: bigint; SF: bigint; CF: bigint; OF: bigint } {
  const m = mask(w);
  const sign = (x: bigint): bigint => (x >> BigInt(w - 1)) & 1n;
  let r: bigint;
  let CF: bigint;
  let OF: bigint;
  switch (op) {
    case 'add':
      r = (a + b) & m;
      CF = a + b > m ? 1n : 0n;
      OF = sign(a) === sign(b) && sign(r) !== sign(a) ? 1n : 0n;
      break;
    case 'sub':
    case 'cmp':
      r = (a - b) & m;
      CF = a < b ? 1n : 0n;
      OF = sign(a) !== sign(b) && sign(r) !== sign(a) ? 1n : 0n;
      break;
    case 'inc':
      r = (a + 1n) & m;
      CF = cfIn;
      OF = a === m >> 1n ? 1n : 0n;
      break;
    case 'dec':
      r = (a - 1n) & m;
      CF = cfIn;
      OF = a === (m >> 1n) + 1n ? 1n : 0n;
      break;
    case 'neg':
      r = -a & m;
      CF = a === 0n ? 0n : 1n;
      OF = a === (m >> 1n) + 1n ? 1n : 0n;
      break;
    default:
      r = op === 'or' ? a | b : op === 'xor' ? a ^ b : a & b;
      CF = 0n;
      OF = 0n;
  }
  return { ZF: r === 0n ? 1n : 0n, SF: sign(r), CF, OF };
}

const OPS: Op[] = ['add', 'sub', 'cmp', 'and', 'or', 'xor', 'test', 'inc', 'dec', 'neg'];

describe.skipIf(!hasGnuAs())('status flags', () => {
  for (const w of [64, 32] as const) {
    const [a, b] = w === 64 ? ['%rdi', '%rsi'] : ['%edi', '%esi'];
    const programs = new Map(OPS.map((op) => [op, decodeReplacement(gnuAs([['inc', 'dec', 'neg'].includes(op) ? `${op} ${a}` : `${op} ${b}, ${a}`], 64, 'att'), 64).insns]));
    it(`match the SDM for ${w}-bit operands`, () => {
      const edge = fc.constantFrom(0n, 1n, mask(w), mask(w) >> 1n, (mask(w) >> 1n) + 1n);
      const value = fc.oneof(edge, fc.bigInt({ min: 0n, max: mask(w) }));
      fc.assert(
        fc.property(fc.constantFrom(...OPS), value, value, fc.bigInt({ min: 0n, max: 1n }), (op, x, y, cf) => {
          const r = execute(programs.get(op)!, { wordBits: 64, callClobbers: [] });
          const env = { seed: 0, sym: (name: string) => (name === 'rdi0' ? x : name === 'rsi0' ? y : name === 'rflags0' ? cf : 0n) };
          const got = (f: string): bigint => (evaluate(r.state.rflags, env) >> BigInt(FLAG_BITS[f]!)) & 1n;
          const want = expected(op, x, y, w, cf);
          expect({ ZF: got('ZF'), SF: got('SF'), CF: got('CF'), OF: got('OF') }).toEqual(want);
        }),
        { numRuns: 1500 },
      );
    });
  }
});
