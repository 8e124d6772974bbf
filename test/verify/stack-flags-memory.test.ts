import { describe, expect, it } from 'vitest';
import { diagnosticsFor, verdictOf, verifyFixture } from './helpers.js';

describe('stack', () => {
  it('rejects a push without a pop, naming the push', () => {
    const v = verifyFixture('stack-bad-push.rules');
    expect(verdictOf(v, 'save_fl').verdict).toBe('violated');
    const [d] = diagnosticsFor(v, 'save_fl');
    expect(d).toMatchObject({ severity: 'error', code: 'verify-stack' });
    expect(d!.message).toContain('rsp ends 8 bytes below its entry value');
    expect(d!.message).toContain('`pushf` is never popped');
  });

  it('rejects a pop of something never pushed', () => {
    const v = verifyFixture('stack-bad-pop.rules');
    const [d] = diagnosticsFor(v, 'grab');
    expect(d).toMatchObject({ code: 'verify-stack' });
    expect(d!.message).toContain('8 bytes above');
    expect(d!.message).toContain('`pop %rax` pops a value this replacement never pushed');
  });
});

describe('flags', () => {
  it('requires DF clear at the end even for an opaque op', () => {
    const v = verifyFixture('flags-bad-std.rules');
    expect(verdictOf(v, 'strings').verdict).toBe('violated');
    const [d] = diagnosticsFor(v, 'strings');
    expect(d).toMatchObject({ code: 'verify-flags' });
    expect(d!.message).toContain('direction flag');
    expect(d!.message).toContain('after `std`');
  });
});

describe('memory', () => {
  it('rejects a store in an op that promises a value', () => {
    const v = verifyFixture('memory-bad.rules');
    const [d] = diagnosticsFor(v, 'ident64');
    expect(d).toMatchObject({ severity: 'error', code: 'verify-memory' });
    expect(d!.message).toContain('`movq $0, (%rsi)` writes memory');
  });
});
