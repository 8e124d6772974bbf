import { describe, expect, it } from 'vitest';
import { diagnosticsFor, verdictOf, verifyFixture } from './helpers.js';

describe('what the executor does not model', () => {
  const v = verifyFixture('unmodelled.rules');

  it('never claims a proof through an unmodelled instruction, nor a false violation', () => {
    expect(v.pipeline).toEqual([]);
    // bswap is modelled (byte pieces): twice is the identity, proved.
    expect(verdictOf(v, 'swap_twice').verdict).toBe('proved');
    // popcnt is not: its result is some function of rax, neither proved nor refuted.
    expect(verdictOf(v, 'count_it').verdict).toBe('not-verified');
    const ds = diagnosticsFor(v, 'count_it');
    expect(ds.every((d) => d.severity === 'warning')).toBe(true);
    const un = ds.find((d) => d.code === 'verify-unmodelled');
    expect(un!.message).toContain('`popcnt %rax, %rax`');
  });


  it('does not call a trap a proof of a value contract', () => {
    expect(verdictOf(v, 'trapping').verdict).toBe('not-verified');
    expect(diagnosticsFor(v, 'trapping')[0]).toMatchObject({ code: 'verify-no-return' });
  });

  it('keeps opaque ops with privileged instructions opaque', () => {
    expect(verdictOf(v, 'read_cr2').verdict).toBe('opaque');
    expect(diagnosticsFor(v, 'read_cr2')).toEqual([]);
  });

  it('still finds clobbers from iced when the result cannot depend on the old value', () => {
    expect(verdictOf(v, 'cpuid_it').verdict).toBe('violated');
    const ds = diagnosticsFor(v, 'cpuid_it');
    expect(ds.find((d) => d.code === 'verify-callee-saved')!.message).toContain('rbx is callee-saved');
    expect(ds.find((d) => d.code === 'verify-clobber' && d.severity === 'error')!.message).toContain('rdx');
    // eax and ecx are cpuid's inputs: whether they come back unchanged is not decided.
    expect(ds.find((d) => d.severity === 'warning')!.message).toMatch(/cannot show that rax, rcx are preserved/);
  });
});

describe('branches inside a replacement', () => {
  const v = verifyFixture('branches.rules');

  it('proves a contract that holds on every path', () => {
    expect(v.pipeline).toEqual([]);
    expect(verdictOf(v, 'skip').verdict).toBe('proved');
    expect(verdictOf(v, 'skip').details.join('\n')).toMatch(/on the path where `je 9` taken: identity\(arg0\): proved/);
    expect(verdictOf(v, 'jump_over').verdict).toBe('proved');
  });

  it('proves with the path condition: where `test %rdi,%rdi` sets ZF, rdi₀ is 0', () => {
    expect(verdictOf(v, 'zero_case').verdict).toBe('proved');
    expect(verdictOf(v, 'zero_case').details.join('\n')).toMatch(/`jne 0xa` not taken: identity\(arg0\): proved .*on this path's condition/);
    expect(diagnosticsFor(v, 'zero_case')).toEqual([]);
  });

  it('does not call a failure on a path a violation unless an input that takes the path shows it', () => {
    // rdi & 0x1f = rdi when rdi < 16: right, but an unsigned bound is not a fact the conditions pin.
    expect(verdictOf(v, 'below16').verdict).toBe('not-verified');
    const [d] = diagnosticsFor(v, 'below16');
    expect(d).toMatchObject({ severity: 'warning', code: 'verify-unproved' });
    expect(d!.message).toContain('not taken');
    expect(d!.message).toContain('no input tried both takes this path and tells them apart');
  });

  it('reports a violation on a path with a counterexample that takes it', () => {
    expect(verdictOf(v, 'zero_bug').verdict).toBe('violated');
    const [d] = diagnosticsFor(v, 'zero_bug');
    expect(d).toMatchObject({ severity: 'error', code: 'verify-identity' });
    expect(d!.message).toContain('on the path where `je 0xa` not taken: identity(arg0) does not hold: rax ends as 0');
    expect(verdictOf(v, 'push_on_one_path').verdict).toBe('violated');
    expect(diagnosticsFor(v, 'push_on_one_path')[0]).toMatchObject({ severity: 'error', code: 'verify-stack' });
  });

  it('does not follow loops', () => {
    expect(verdictOf(v, 'loop').verdict).toBe('not-verified');
    expect(diagnosticsFor(v, 'loop')[0]).toMatchObject({ severity: 'warning', code: 'verify-control-flow' });
    expect(diagnosticsFor(v, 'loop')[0]!.message).toContain('a backward jump (a loop) is not followed');
  });
});

describe('calls and selector rules', () => {
  const v = verifyFixture('calls.rules');

  it('counts a call to the op\'s own function as proved by construction', () => {
    const ident = verdictOf(v, 'ident64');
    expect(ident).toMatchObject({ verdict: 'proved', basis: 'call-to-target' });
    expect(ident.details[0]).toContain('by construction');
  });

  it('leaves target/missing/default rules opaque', () => {
    for (const op of ['target _paravirt_nop', 'target _paravirt_ident_64', 'missing', 'default']) expect(verdictOf(v, op).verdict, op).toBe('opaque');
    expect(verdictOf(v, 'default').basis).toBe('call-to-target');
    expect(verdictOf(v, 'missing').details.join('\n')).toContain('`ud2` traps');
  });

  it('does not guess what another function does', () => {
    expect(verdictOf(v, 'wrapped').verdict).toBe('not-verified');
    expect(diagnosticsFor(v, 'wrapped').every((d) => d.severity === 'warning')).toBe(true);
    expect(verdictOf(v, 'halt').verdict).toBe('opaque');
  });
});
