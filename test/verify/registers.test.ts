import { describe, expect, it } from 'vitest';
import { diagnosticsFor, verdictOf, verifyFixture } from './helpers.js';

describe('nop', () => {
  it('proves empty, NOP-form and balanced replacements; status flags are scratch', () => {
    const v = verifyFixture('nop-good.rules');
    expect(v.pipeline).toEqual([]);
    expect(v.diagnostics).toEqual([]);
    for (const op of ['nop', 'nop1', 'nop6', 'nop_stack', 'nop_flags']) expect(verdictOf(v, op).verdict, op).toBe('proved');
  });

  it('rejects register, system-flag and memory changes', () => {
    const v = verifyFixture('nop-bad.rules');
    expect(diagnosticsFor(v, 'nop_reg')[0]).toMatchObject({ code: 'verify-nop' });
    expect(diagnosticsFor(v, 'nop_reg')[0]!.message).toContain('leaves rax holding 0');
    expect(diagnosticsFor(v, 'nop_if')[0]).toMatchObject({ code: 'verify-flags' });
    expect(diagnosticsFor(v, 'nop_if')[0]!.message).toContain('IF ends as 0 after `cli`');
    expect(diagnosticsFor(v, 'nop_mem')[0]).toMatchObject({ code: 'verify-memory' });
    for (const op of ['nop_reg', 'nop_if', 'nop_mem']) expect(verdictOf(v, op).verdict).toBe('violated');
  });
});

describe('writes(...)', () => {
  it('allows the declared registers', () => {
    const v = verifyFixture('writes-good.rules');
    expect(v.diagnostics).toEqual([]);
    expect(verdictOf(v, 'get').verdict).toBe('proved');
    expect(verdictOf(v, 'two').verdict).toBe('proved');
  });

  it('names an undeclared register', () => {
    const v = verifyFixture('writes-bad.rules');
    const [d] = diagnosticsFor(v, 'get');
    expect(d).toMatchObject({ severity: 'error', code: 'verify-writes' });
    expect(d!.message).toContain('only rax may change');
    expect(d!.message).toContain('leaves rcx holding rdi₀');
  });
});

describe('callee-saved registers', () => {
  it('accepts a callee-saved register that is saved and restored', () => {
    const v = verifyFixture('callee-saved-good.rules');
    expect(v.diagnostics).toEqual([]);
    expect(verdictOf(v, 'uses_rbx').verdict).toBe('proved');
    expect(verdictOf(v, 'uses_esi', 'i386').verdict).toBe('proved');
  });

  it('rejects clobbering rbx, even in an opaque op', () => {
    const v = verifyFixture('callee-saved-bad-rbx.rules');
    expect(verdictOf(v, 'scratch').verdict).toBe('violated');
    const [d] = diagnosticsFor(v, 'scratch');
    expect(d).toMatchObject({ severity: 'error', code: 'verify-callee-saved' });
    expect(d!.message).toContain('rbx is callee-saved under sysv-x86_64');
    expect(d!.message).toContain('`mov $1, %ebx` leaves rbx holding 1');
    expect(d!.hints![0]).toContain('`push %rbx` … `pop %rbx`');
  });

  it('knows the i386 callee-saved set', () => {
    const v = verifyFixture('callee-saved-bad-i386.rules');
    const [d] = diagnosticsFor(v, 'scratch', 'i386');
    expect(d).toMatchObject({ code: 'verify-callee-saved' });
    expect(d!.message).toContain('esi is callee-saved under linux-i386-regparm3');
  });
});

describe('callee_save ops (PV_CALLEE_SAVE)', () => {
  it('allows the return register and privileged instructions', () => {
    const v = verifyFixture('callee-save-op-good.rules');
    expect(v.pipeline).toEqual([]);
    expect(v.diagnostics).toEqual([]);
    for (const op of ['save_fl', 'irq_disable', 'read_cr2', 'spin_unlock']) expect(verdictOf(v, op).verdict, op).toBe('opaque');
    expect(verdictOf(v, 'saves_rcx').verdict).toBe('proved');
    for (const op of ['save_fl', 'irq_disable', 'read_tsc']) expect(verdictOf(v, op, 'i386').verdict, op).toBe('opaque');
    // A control register read is modelled as the register's value at that point (no register it clobbers).
    expect(verdictOf(v, 'read_cr2').details.join('\n')).toContain('registers changed: rax = cr2 (allowed');
  });

  it('names edx when an i386 callee_save op returning 32 bits writes it (from iced: rdtsc is not modelled)', () => {
    const v = verifyFixture('callee-save-op-bad-i386-edx.rules');
    expect(verdictOf(v, 'read_tsc_low', 'i386').verdict).toBe('violated');
    const [d] = diagnosticsFor(v, 'read_tsc_low', 'i386');
    expect(d).toMatchObject({ severity: 'error', code: 'verify-clobber' });
    expect(d!.message).toContain('only the return register eax, but `rdtsc` leaves edx holding the edx result of `rdtsc`');
  });

  it('names rcx when a callee_save op writes it', () => {
    const v = verifyFixture('callee-save-op-bad-rcx.rules');
    expect(verdictOf(v, 'vcpu_is_preempted').verdict).toBe('violated');
    const ds = diagnosticsFor(v, 'vcpu_is_preempted');
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ severity: 'error', code: 'verify-clobber' });
    expect(ds[0]!.message).toContain('is callee_save');
    expect(ds[0]!.message).toContain('only the return register rax');
    expect(ds[0]!.message).toContain('`xor %ecx, %ecx` leaves rcx holding 0');
  });
});
