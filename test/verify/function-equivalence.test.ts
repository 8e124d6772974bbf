// One pair at a time, on code assembled by GNU as: what the function proofs decide, and what stops them.
// The "binary" is one function at 0x1000 (and whatever follows it in the same bytes).
import { describe, expect, it } from 'vitest';
import { ARCHES } from '../../src/model/arch.js';
import type { CodeSource } from '../../src/verify/function/decodeFunction.js';
import { provePair, type PairVerdict } from '../../src/verify/function/equivalence.js';
import { gnuAssemble } from '../asm/unit/gnuAs.js';

const BASE = 0x1000n;

function bytes(line: string): Uint8Array {
  const [r] = gnuAssemble([line], { bitness: 64, syntax: 'att' });
  if (!r?.bytes && r?.bytes !== '') throw new Error(`GNU as: ${r?.error}`);
  return Uint8Array.from(r.bytes.replace(/\s+/g, '').match(/../g) ?? [], (b) => parseInt(b, 16));
}

function code(fn: Uint8Array): CodeSource {
  return {
    bitness: 64,
    codeAt: (a, n) => (a >= BASE && a < BASE + BigInt(fn.length) ? fn.subarray(Number(a - BASE), Math.min(fn.length, Number(a - BASE) + n)) : undefined),
    describe: (a) => (a === BASE ? 'fn' : `0x${a.toString(16)}`),
    isReturnThunk: () => false,
  };
}

function prove(replacement: string, fn: string, op: { returns?: 64 | 32 | 'void'; calleeSave?: boolean } = {}): PairVerdict {
  return provePair({
    arch: ARCHES.get('x86_64')!,
    op: { name: 'op', calleeSave: op.calleeSave ?? true, returns: op.returns ?? 64 },
    replacement: { bytes: bytes(replacement) },
    fn: { address: BASE, name: 'fn' },
    code: code(bytes(fn)),
  });
}

describe('provePair', () => {
  it('a function that branches on its argument is the plain move (the path condition pins rdi₀ = 0)', () => {
    expect(prove('mov %rdi, %rax', 'mov %rdi, %rax; test %rdi, %rdi; jnz 1f; xor %eax, %eax; 1: ret').verdict).toBe('equivalent');
  });

  it('follows a direct call and its return', () => {
    const v = prove('lea 1(%rdi), %rax', 'call 1f; ret; 1: lea 1(%rdi), %rax; ret');
    expect(v.verdict).toBe('equivalent');
    expect(v.followed).toEqual(['0x1006']);
  });

  it('a register the callee-save site keeps, changed by the replacement: differs, with its entry value', () => {
    const v = prove('mov %rdi, %rax; xor %esi, %esi', 'mov %rdi, %rax; ret');
    expect(v.verdict).toBe('differs');
    if (v.verdict !== 'differs') return;
    expect(v.what).toMatch(/^rsi \(the site keeps it\)/);
    expect(v.counterexample.replacement).toBe('0');
    expect(v.counterexample.function).toBe(v.counterexample.inputs.find((i) => i.name === 'rsi₀')!.value);
  });

  it('a normal op may clobber the caller-saved registers: only the result and the callee-saved ones count', () => {
    expect(prove('mov %rdi, %rax; xor %esi, %esi', 'mov %rdi, %rax; ret', { calleeSave: false }).verdict).toBe('equivalent');
    expect(prove('mov %rdi, %rax; xor %ebx, %ebx', 'mov %rdi, %rax; ret', { calleeSave: false }).verdict).toBe('differs');
  });

  it('the op\'s width: a u32 result compares eax only', () => {
    expect(prove('mov %edi, %eax', 'mov %rdi, %rax; ret', { returns: 32, calleeSave: false }).verdict).toBe('equivalent');
    expect(prove('mov %edi, %eax', 'mov %rdi, %rax; ret', { returns: 64, calleeSave: false }).verdict).toBe('differs');
  });

  it('not decided, naming what stopped it: an unmodelled instruction, a loop, a call it cannot follow', () => {
    const un = prove('mov %rdi, %rax', 'popcnt %rdi, %rax; mov %rdi, %rax; ret');
    expect(un).toMatchObject({ verdict: 'not-decided' });
    expect(un.verdict === 'not-decided' && un.why).toMatch(/fn: no modelled semantics for `popcnt/);
    const loop = prove('mov %rdi, %rax', 'mov %rdi, %rax; 1: dec %ecx; jnz 1b; ret');
    expect(loop.verdict).toBe('not-decided');
    expect(loop.verdict === 'not-decided' && loop.why).toMatch(/paths|instructions on one path/);
    const call = prove('mov %rdi, %rax', 'mov %rdi, %rax; call *%rsi; ret');
    expect(call.verdict === 'not-decided' && call.why).toMatch(/calls an unknown function/);
  });

  it('never "equivalent" through an unmodelled instruction of the replacement either', () => {
    const v = prove('popcnt %rdi, %rax; mov %rdi, %rax', 'mov %rdi, %rax; ret');
    expect(v.verdict).toBe('not-decided');
  });

  it('memory: the same store is equivalent; a store of another value differs', () => {
    expect(prove('movb $0, (%rdi)', 'movb $0, (%rdi); ret', { returns: 'void' }).verdict).toBe('equivalent');
    const v = prove('movb $1, (%rdi)', 'movb $0, (%rdi); ret', { returns: 'void' });
    expect(v.verdict === 'differs' && v.what).toMatch(/store's value differs/);
  });
});
