import { describe, expect, it } from 'vitest';
import { diagnosticsFor, verdictOf, verifyFixture } from './helpers.js';

describe('identity(argN)', () => {
  it('proves the right replacements on x86_64 and i386', () => {
    const v = verifyFixture('identity-good.rules');
    expect(v.pipeline).toEqual([]);
    expect(v.diagnostics).toEqual([]);
    for (const op of ['ident64', 'ident32', 'via_lea', 'via_stack', 'via_xchg', 'via_math', 'second', 'abi', 'pte_val']) {
      expect(verdictOf(v, op).verdict, op).toBe('proved');
      expect(verdictOf(v, op).basis).toBe('execution');
    }
    // i386: a u64 arrives and leaves in edx:eax, so the empty replacement is the identity.
    for (const op of ['ident64', 'ident32', 'abi', 'pte_val']) expect(verdictOf(v, op, 'i386').verdict, op).toBe('proved');
    expect(verdictOf(v, 'ident64').details.join('\n')).toMatch(/identity\(arg0\): proved .*rax.*rdi₀.*64 bits/);
  });

  it('catches AT&T operand order written in an Intel file, and suggests the swap', () => {
    const v = verifyFixture('identity-bad-swapped-intel.rules');
    expect(v.pipeline).toEqual([]);
    expect(verdictOf(v, 'ident64').verdict).toBe('violated');
    const [d, ...rest] = diagnosticsFor(v, 'ident64');
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ severity: 'error', code: 'verify-identity' });
    expect(d!.message).toContain('after `mov rdi, rax` (Intel order: rdi ← rax)');
    expect(d!.message).toContain('the return register rax still holds its entry value, not arg0');
    expect(d!.hints).toContain('did you mean `mov rax, rdi`?');
    expect(d!.hints!.some((h) => h.startsWith('counterexample: with '))).toBe(true);
    expect(d!.span).toMatchObject({ start: { line: 6 } });
  });

  it('catches Intel operand order written in an AT&T file', () => {
    const v = verifyFixture('identity-bad-swapped-att.rules');
    const [d] = diagnosticsFor(v, 'ident64');
    expect(d).toMatchObject({ severity: 'error', code: 'verify-identity' });
    expect(d!.message).toContain('`mov %rax, %rdi` (AT&T order: rdi ← rax)');
    expect(d!.hints).toContain('did you mean `mov %rdi, %rax`?');
  });

  it('explains that a 32-bit move loses the upper half of a 64-bit argument', () => {
    const v = verifyFixture('identity-bad-32bit-move.rules');
    expect(verdictOf(v, 'ident64').verdict).toBe('violated');
    const [d] = diagnosticsFor(v, 'ident64');
    expect(d).toMatchObject({ severity: 'error', code: 'verify-identity' });
    expect(d!.message).toContain('`mov %edi, %eax` zero-extends');
    expect(d!.message).toContain('the upper 32 bits of arg0 are lost');
    expect(d!.hints!.join('\n')).toContain('use `mov %rdi, %rax`');
  });

  it('checks both halves of an i386 register pair', () => {
    const v = verifyFixture('identity-bad-i386-high-half.rules');
    expect(verdictOf(v, 'ident64', 'i386').verdict).toBe('violated');
    const [d] = diagnosticsFor(v, 'ident64', 'i386');
    expect(d).toMatchObject({ code: 'verify-identity' });
    expect(d!.message).toContain('edx:eax ends as');
    expect(d!.message).toContain('{edx₀ : eax₀}');
  });
});
