import { describe, expect, it } from 'vitest';
import { diagnosticsFor, verdictOf, verifyFixture } from './helpers.js';

describe('const N', () => {
  it('proves constants at the op width, with 32-bit writes zero-extending on x86_64', () => {
    const v = verifyFixture('const-good.rules');
    expect(v.pipeline).toEqual([]);
    expect(v.diagnostics).toEqual([]);
    for (const op of ['zero32', 'zero64', 'preempted', 'one', 'minus_one', 'big']) expect(verdictOf(v, op).verdict, op).toBe('proved');
    for (const op of ['zero32', 'wide']) expect(verdictOf(v, op, 'i386').verdict, op).toBe('proved');
  });

  it('reports the wrong constant and how to get the right one', () => {
    const v = verifyFixture('const-bad-wrong-value.rules');
    expect(verdictOf(v, 'vcpu_is_preempted').verdict).toBe('violated');
    const [d] = diagnosticsFor(v, 'vcpu_is_preempted');
    expect(d).toMatchObject({ severity: 'error', code: 'verify-const' });
    expect(d!.message).toContain('returns 1, not 0');
    expect(d!.message).toContain('after `mov eax, 1`');
    expect(d!.hints!.join('\n')).toContain('`xor eax, eax`');
  });

  it('sees that an 8-bit write leaves the rest of the register', () => {
    const v = verifyFixture('const-bad-high-bits.rules');
    const [d] = diagnosticsFor(v, 'zero');
    expect(d).toMatchObject({ code: 'verify-const' });
    expect(d!.message).toContain('rax ends as {rax₀[63:8] : 0}');
  });
});
