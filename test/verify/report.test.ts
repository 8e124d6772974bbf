import { describe, expect, it } from 'vitest';
import { ARCHES } from '../../src/model/arch.js';
import type { OpDef } from '../../src/model/ruleset.js';
import { formatVerdicts, verifyReplacement } from '../../src/verify/index.js';
import { verifyFixture } from './helpers.js';

describe('formatVerdicts', () => {
  it('prints one line per rule, reasons under the failures, and totals per architecture', () => {
    const v = verifyFixture('calls.rules');
    const text = formatVerdicts(v.verdicts);
    expect(text).toMatch(/^x86_64:$/m);
    expect(text).toMatch(/^ {2}proved \(call to target\) +ident64 +call target$/m);
    expect(text).toMatch(/^ {2}opaque +target _paravirt_nop +\{\}$/m);
    expect(text).toMatch(/^ {2}not verified +wrapped +call helper; mov %rdi, %rax$/m);
    expect(text).toMatch(/^ {6}undecided: wrapped on x86_64: /m);
    expect(text).toMatch(/^ {2}1 proved, 5 opaque, 1 not verified, 0 violated$/m);
  });

  it('shows violations', () => {
    const text = formatVerdicts(verifyFixture('identity-bad-swapped-intel.rules').verdicts);
    expect(text).toContain('VIOLATED');
    expect(text).toContain('violated: ident64 on x86_64: after `mov rdi, rax` (Intel order: rdi ← rax)');
  });
});

describe('verdict data', () => {
  it('survives JSON', () => {
    const v = verifyFixture('const-good.rules');
    expect(JSON.parse(JSON.stringify(v.verdicts))).toEqual(v.verdicts);
    expect(v.verdicts[0]).toMatchObject({ op: 'zero32', arch: 'x86_64', rule: 'zero32 -> xor %eax, %eax', verdict: 'proved' });
    expect(v.verdicts[0]!.at).toMatch(/const-good\.rules:\d+:\d+$/);
  });
});

describe('verifyReplacement', () => {
  // What the apply engine can do once it knows which op a target rule lands on.
  const op: OpDef = {
    name: 'lock.vcpu_is_preempted',
    params: [{ width: 'word' }],
    returns: 8,
    contracts: [{ kind: 'const', value: 0n }],
    calleeSave: true,
    span: { file: 'x', start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } },
  };
  const x86_64 = ARCHES.get('x86_64')!;

  it('proves a target rule against the op it is applied to', () => {
    const r = verifyReplacement({ bytes: Uint8Array.from([0x48, 0x31, 0xc0]), arch: x86_64, op });
    expect(r.verdict).toBe('proved');
    expect(r.text).toEqual(['xor %rax, %rax']);
  });

  it('judges the same bytes against the convention alone when the op is unknown', () => {
    const r = verifyReplacement({ bytes: Uint8Array.from([0x48, 0x31, 0xc0]), arch: x86_64, selector: 'target __raw_callee_save___native_vcpu_is_preempted' });
    expect(r.verdict).toBe('opaque');
  });

  it('reports bytes that are not instructions', () => {
    const r = verifyReplacement({ bytes: Uint8Array.from([0x48]), arch: x86_64, op });
    expect(r.verdict).toBe('not-verified');
    expect(r.findings[0]).toMatchObject({ code: 'verify-decode' });
  });
});
