// Reasoning with path conditions (symbolic/conditions.ts) and conditional values (cmov): what each flag
// test pins is substituted; a contradiction means no input takes the path. Never a proof by sampling.
import { describe, expect, it } from 'vitest';
import { diagnosticsFor, verdictOf, verifyFixture } from './helpers.js';

describe('proofs under a path condition', () => {
  const v = verifyFixture('conditions.rules');

  it('compiles', () => {
    expect(v.pipeline).toEqual([]);
  });

  it('uses what cmp/jne pins (edi₀ = 5) and what bt/jc pins (the sign bit)', () => {
    expect(verdictOf(v, 'when_five').verdict).toBe('proved');
    expect(verdictOf(v, 'when_five').details.join('\n')).toContain("equal on this path's condition");
    expect(verdictOf(v, 'sign_bit').verdict).toBe('proved');
  });

  it('proves a path no input takes by its contradiction', () => {
    expect(verdictOf(v, 'contradiction').verdict).toBe('proved');
    expect(verdictOf(v, 'contradiction').details.join('\n')).toContain('no input takes this path');
  });

  it('splits on a cmov condition, and still refutes a wrong cmov with a counterexample', () => {
    expect(verdictOf(v, 'cmov_zero').verdict).toBe('proved');
    expect(verdictOf(v, 'cmov_bug').verdict).toBe('violated');
    expect((diagnosticsFor(v, 'cmov_bug')[0]!.hints ?? []).join('\n')).toMatch(/counterexample: with rdi₀ = 0x[0-9a-f]+, rax ends as 0;/);
  });

  it('a condition on the low half pins only the low half: wrong, and shown on an input that takes the path', () => {
    expect(verdictOf(v, 'low_half').verdict).toBe('violated');
    const [d] = diagnosticsFor(v, 'low_half');
    expect(d!.message).toContain('not taken');
    // The counterexample takes the path: edi₀ = 0 with a non-zero upper half.
    const m = /rdi₀ = (0x[0-9a-f]+)/.exec((d!.hints ?? []).join('\n'));
    expect(m).not.toBeNull();
    const rdi = BigInt(m![1]!);
    expect(rdi & 0xffffffffn).toBe(0n);
    expect(rdi).not.toBe(0n);
  });
});
