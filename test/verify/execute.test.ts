// Instruction semantics, one behaviour at a time, on bytes from GNU as; expectations are the SDM's.
import { describe, expect, it } from 'vitest';
import { decodeReplacement } from '../../src/verify/symbolic/decode.js';
import { execute } from '../../src/verify/symbolic/paths.js';
import { evaluate, mask, type Env } from '../../src/verify/symbolic/values.js';
import { gnuAs, hasGnuAs } from './helpers.js';

const IN: Record<string, bigint> = {
  rax0: 0x1111111111111111n,
  rcx0: 0x0000000000000003n,
  rdx0: 0x2222222222222222n,
  rbx0: 0x3333333333333333n,
  rsp0: 0x7fff0000n,
  rdi0: 0x8877665544332211n,
  rsi0: 0x00000000000000f0n,
  rflags0: 0x246n,
};
const env: Env = { seed: 0, sym: (name) => IN[name] ?? 0n };

function run(lines: string[], bits: 32 | 64 = 64) {
  const d = decodeReplacement(gnuAs(lines, bits, 'att'), bits);
  expect(d.ok).toBe(true);
  const r = execute(d.insns, { wordBits: bits, callClobbers: [] });
  expect(r.unmodelled.map((u) => u.insn.att)).toEqual([]);
  return { r, reg: (name: string) => evaluate(r.state.full(name), env) };
}

const cases: [string, string[], string, bigint, (32 | 64)?][] = [
  ['8-bit write merges', ['mov $-1, %rax', 'mov $0x12, %al'], 'rax', 0xffffffffffffff12n],
  ['high-byte write merges', ['mov $-1, %rax', 'mov $0x12, %ah'], 'rax', 0xffffffffffff12ffn],
  ['16-bit write merges', ['mov $-1, %rax', 'mov $0x1234, %ax'], 'rax', 0xffffffffffff1234n],
  ['32-bit write zero-extends', ['mov $-1, %rax', 'mov $1, %eax'], 'rax', 1n],
  ['xchg of a 32-bit register with itself zero-extends', ['xchg %eax, %ebx', 'xchg %eax, %ebx'], 'rax', 0x11111111n],
  ['movzx', ['movzbl %dil, %eax'], 'rax', 0x11n],
  ['movsx', ['mov $0x80, %edi', 'movsbq %dil, %rax'], 'rax', 0xffffffffffffff80n],
  ['movsxd', ['mov $0x80000000, %edi', 'movslq %edi, %rax'], 'rax', 0xffffffff80000000n],
  ['lea base+index*scale+disp', ['lea 8(%rdi,%rsi,4), %rax'], 'rax', (0x8877665544332211n + 4n * 0xf0n + 8n) & mask(64)],
  ['lea into 32 bits', ['lea -1(%rdi), %eax'], 'rax', 0x44332210n],
  ['add/sub/neg', ['mov %rdi, %rax', 'add $5, %rax', 'sub %rsi, %rax', 'neg %rax'], 'rax', -(0x8877665544332211n + 5n - 0xf0n) & mask(64)],
  ['and/or/xor/not', ['mov %rdi, %rax', 'and $0xff00ff, %eax', 'or $0x10, %al', 'xor %rsi, %rax', 'not %rax'], 'rax', ~(((0x8877665544332211n & 0xff00ffn) | 0x10n) ^ 0xf0n) & mask(64)],
  ['inc/dec', ['mov %rdi, %rax', 'inc %rax', 'inc %rax', 'dec %eax'], 'rax', 0x44332212n],
  ['shl/shr/sar', ['mov %rdi, %rax', 'shl $4, %rax', 'shr $8, %rax', 'sar $4, %eax'], 'rax', 0x05443322n],
  ['sar copies the sign bit', ['mov $0x80000000, %eax', 'sar $4, %eax'], 'rax', 0xf8000000n],
  ['push/pop moves values through the stack', ['push %rdi', 'push %rsi', 'pop %rax', 'pop %rbx'], 'rbx', 0x8877665544332211n],
  ['push/pop leave rsp balanced', ['push %rdi', 'pop %rax'], 'rsp', 0x7fff0000n],
  ['pushf; pop: RF and VM read as 0', ['pushf', 'pop %rax'], 'rax', 0x246n],
  ['stack addressing through rsp', ['push %rdi', 'mov (%rsp), %eax', 'pop %rcx'], 'rax', 0x44332211n],
  ['i386: 8-bit write merges', ['mov $-1, %eax', 'mov $1, %al'], 'rax', 0xffffff01n, 32],
  ['i386: push/pop', ['push %esi', 'pop %eax'], 'rax', 0xf0n, 32],
];

describe.skipIf(!hasGnuAs())('executor semantics', () => {
  for (const [name, lines, reg, want, bits] of cases) {
    it(name, () => {
      expect(run(lines, bits).reg(reg)).toBe(want);
    });
  }

  it('cli/sti/cld/std set their flags; popf restores what pushf saved', () => {
    const f = (lines: string[]) => evaluate(run(lines).r.state.rflags, env);
    expect(f(['cli']) & 0x200n).toBe(0n);
    expect(f(['sti']) & 0x200n).toBe(0x200n);
    expect(f(['std']) & 0x400n).toBe(0x400n);
    expect(run(['pushf', 'cli', 'std', 'popf']).r.state.rflags.key).toBe(run([]).r.state.rflags.key);
  });

  it('records memory writes that are not the stack', () => {
    const { r } = run(['movq $0, 8(%rdi)', 'push %rax', 'pop %rax']);
    expect(r.state.memoryWrites.map((w) => w.what)).toEqual(['`movq $0, 8(%rdi)` writes memory']);
  });
});
