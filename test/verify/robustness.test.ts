// Arbitrary bytes, and arbitrary sequences of real instructions, must give a verdict: never an exception,
// never an internal error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ARCHES } from '../../src/model/arch.js';
import type { OpDef } from '../../src/model/ruleset.js';
import { verifyReplacement } from '../../src/verify/index.js';
import { decodeReplacement } from '../../src/verify/symbolic/decode.js';
import { execute } from '../../src/verify/symbolic/paths.js';
import { gnuAs, hasGnuAs } from './helpers.js';

const span = { file: 'x', start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } };
const ops: OpDef[] = [
  { name: 'ident', params: [{ width: 64 }], returns: 64, contracts: [{ kind: 'identity', arg: 0 }], calleeSave: false, span },
  { name: 'cs', params: [], returns: 'word', contracts: [{ kind: 'opaque' }], calleeSave: true, span },
  { name: 'n', params: [], returns: 'void', contracts: [{ kind: 'nop' }], calleeSave: false, span },
];

describe('robustness', () => {
  for (const arch of ['x86_64', 'i386']) {
    it(`random bytes on ${arch}`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 0, maxLength: 24 }), fc.nat(ops.length - 1), (bytes, k) => {
          const r = verifyReplacement({ bytes, arch: ARCHES.get(arch)!, op: ops[k]! });
          expect(['proved', 'opaque', 'not-verified', 'violated']).toContain(r.verdict);
          expect(r.findings.filter((f) => f.code === 'verify-internal').map((f) => f.message)).toEqual([]);
          JSON.stringify(r.details);
        }),
        { numRuns: 1500 },
      );
    });
  }
});


const POOL = [
  'mov %rdi, %rax', 'mov %edi, %eax', 'mov %al, %bl', 'mov %ah, %cl', 'movzbl %dil, %eax', 'movslq %edi, %rax', 'movsbw %al, %cx',
  'xchg %rax, %rdi', 'xchg %eax, %eax', 'lea 8(%rdi,%rsi,4), %rax', 'lea -1(%edi), %eax', 'xor %eax, %eax', 'sub %rsi, %rdi', 'and $0xff, %eax',
  'or $-1, %rax', 'add (%rsp), %rax', 'neg %rax', 'not %ecx', 'inc %r8', 'dec %r9d', 'shl $3, %rax', 'shr $1, %edx', 'sar $63, %rax',
  'shl %cl, %rax', 'push %rdi', 'push %rbx', 'pop %rax', 'pop %rbx', 'pushf', 'popf', 'push $1', 'pushw $2', 'popw %ax', 'mov (%rsp), %rcx',
  'mov %rax, 8(%rsp)', 'movb $0, (%rdi)', 'cli', 'sti', 'cld', 'std', 'clc', 'cmc', 'nop', 'nopw 0(%rax,%rax,1)', 'test %eax, %eax', 'cmp $3, %rdi',
  'bswap %rax', 'cpuid', 'mov %cr2, %rax', 'cmovz %rdi, %rax', 'sub $8, %rsp', 'add $8, %rsp', 'mov %rsp, %rbp', 'leave', 'rdtsc', 'ud2', 'ret',
  'xchg %rax, (%rdi)', 'lock incl (%rdi)', 'mov %gs:0x10, %rax', 'mov 0x10(%rip), %rax',
];

describe.skipIf(!hasGnuAs())('robustness on real instructions', () => {
  const encoded = POOL.map((l) => gnuAs([l], 64, 'att'));

  it('random sequences of real x86_64 instructions', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(POOL.length - 1), { minLength: 0, maxLength: 8 }), fc.nat(ops.length - 1), (picks, k) => {
        const parts = picks.map((p) => encoded[p]!);
        const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let at = 0;
        for (const p of parts) {
          bytes.set(p, at);
          at += p.length;
        }
        const r = verifyReplacement({ bytes, arch: ARCHES.get('x86_64')!, op: ops[k]! });
        expect(r.findings.filter((f) => f.code === 'verify-internal').map((f) => `${f.message} in ${picks.map((p) => POOL[p]).join('; ')}`)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });
});

describe.skipIf(!hasGnuAs())('executor against iced', () => {
  it('changes only registers iced says an instruction writes', () => {
    for (const line of POOL) {
      const d = decodeReplacement(gnuAs([line], 64, 'att'), 64);
      const [insn] = d.insns;
      if (!insn || insn.flow !== 'next') continue;
      const r = execute(d.insns, { wordBits: 64, callClobbers: [] });
      const changed = [...r.state.regs].filter(([name, v]) => v.key !== r.state.entry(name).key).map(([name]) => name);
      const icedWrites = new Set(insn.written.filter((w) => w.gpr).map((w) => r.state.fullNameOf(w.reg)));
      expect(changed.filter((c) => !icedWrites.has(c)), line).toEqual([]);
    }
  });
});
