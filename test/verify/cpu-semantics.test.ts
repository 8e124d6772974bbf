// The executor's semantics against this machine's CPU: each snippet (assembled by GNU as) runs natively
// from chosen register and flag values, and the executor's final state, evaluated on the same values, must
// give the same registers and every flag it claims to know (a flag it calls undefined is an unknown, and
// skipped). Covers what proofs now go through: rotates, rcl/rcr, shifts by cl, bswap, bt*, adc/sbb, cmov,
// set*, the sign extensions, and PF/AF of add/sub/inc/dec/neg.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeReplacement } from '../../src/verify/symbolic/decode.js';
import { execute } from '../../src/verify/symbolic/paths.js';
import { GPR64 } from '../../src/verify/symbolic/state.js';
import { evaluate, mix, symbolsOf, type Val } from '../../src/verify/symbolic/values.js';
import { canRun } from '../apply/fixtures.js';
import { gnuAssemble } from '../asm/unit/gnuAs.js';

const SNIPPETS = [
  'rol $5, %rax', 'ror $13, %eax', 'rol $1, %bx', 'ror $1, %rdx', 'rol %cl, %rdx', 'ror %cl, %bl', 'ror %cl, %esi',
  'rcl $1, %rax', 'rcr $3, %ebx', 'rcl $9, %dl', 'rcr $1, %si', 'rcl $17, %di',
  'shl %cl, %rax', 'shr %cl, %edx', 'sar %cl, %rbx', 'shl %cl, %si', 'sar %cl, %dil', 'shl $1, %rax', 'shr $1, %ebx', 'sar $7, %edx', 'shl $3, %ax', 'shr $12, %r9b',
  'bswap %rax', 'bswap %edx', 'bswap %r10',
  'bt $13, %rax', 'bts %rcx, %rdx', 'btr $63, %rbx', 'btc %ecx, %edx', 'bt %rcx, %rsi', 'btr %cx, %di',
  'adc %rbx, %rax', 'sbb %edx, %eax', 'adc $5, %cl', 'sbb $-1, %rdx', 'adc %r8w, %r9w', 'stc; sbb %rax, %rax', 'stc; adc $-1, %rdx', 'stc; sbb %rbx, %rbx', 'clc; adc $-1, %ecx',
  'cmp %rbx, %rax; cmovl %rdx, %rax', 'test %ecx, %ecx; cmovz %ebx, %eax', 'cmp %rcx, %rdx; cmova %rsi, %rdi', 'add %rbx, %rax; cmovp %rcx, %rdx', 'cmovo %r8, %r9',
  'cmp %rbx, %rax; setb %al', 'add %rcx, %rdx; seto %bl', 'sub %rbx, %rax; setp %cl', 'dec %eax; sets %dl', 'xor %rbx, %rax; setnp %cl', 'cmp %esi, %edi; setle %r8b', 'setg %ah',
  'cdqe', 'cqo', 'cwde', 'cdq', 'cbw', 'cwd',
  'add %rbx, %rax', 'sub %ecx, %edx', 'neg %rdx', 'inc %al', 'dec %r11w', 'cmp $0x10, %rdi',
];

/** Registers as the executor names them, in the order the program stores them (rsp is left alone). */
const REGS = GPR64.filter((r) => r !== 'rsp');
const STATUS = 0x8d5n;

interface Case {
  regs: bigint[];
  flags: bigint;
}

function cases(): Case[] {
  const counts = [0n, 1n, 5n, 31n, 63n, 64n + 3n, 0x88n, 17n];
  return counts.map((c, k) => ({
    regs: REGS.map((r, i) => {
      const v = mix(`cpu:${k}:${r}`);
      // Some small and some equal values, so branches of cmov/set and short counts all happen.
      if (r === 'rcx') return (v & ~0xffn) | c;
      if (k % 3 === 0 && r === 'rbx') return mix(`cpu:${k}:rax`);
      return k === 5 && i % 2 ? v & 0xffn : v;
    }),
    flags: (mix(`cpu:${k}:flags`) & STATUS) | 0x202n,
  }));
}

function program(snippets: string[], all: Case[]): string {
  const lines = ['.text', '.globl _start', '_start:'];
  let out = 0;
  for (const s of snippets) {
    for (const c of all) {
      c.regs.forEach((v, i) => lines.push(`  movabs $${v}, %${REGS[i]}`));
      lines.push(`  push $${c.flags}`, '  popfq', `  ${s}`, '  pushfq');
      REGS.forEach((r) => {
        lines.push(`  mov %${r}, out+${out}(%rip)`);
        out += 8;
      });
      lines.push(`  popq out+${out}(%rip)`);
      out += 8;
    }
  }
  lines.push('  mov $1, %eax', '  mov $1, %edi', '  lea out(%rip), %rsi', `  mov $${out}, %edx`, '  syscall', '  mov $60, %eax', '  xor %edi, %edi', '  syscall', '.bss', 'out:', `  .skip ${out}`);
  return `${lines.join('\n')}\n`;
}

function runNative(src: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'patchc-cpu-'));
  try {
    writeFileSync(join(dir, 'p.s'), src);
    execFileSync('as', ['--64', '-o', join(dir, 'p.o'), join(dir, 'p.s')], { stdio: 'pipe' });
    execFileSync('ld', ['-m', 'elf_x86_64', '-o', join(dir, 'p'), join(dir, 'p.o')], { stdio: 'pipe' });
    const r = spawnSync(join(dir, 'p'), { timeout: 20_000, maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`the program failed: ${r.status} ${r.signal}`);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The value on these inputs, or undefined when it depends on something the executor calls unknown. */
function valueOn(v: Val, c: Case): bigint | undefined {
  if ([...symbolsOf(v).values()].some((s) => s.origin !== 'entry')) return undefined;
  const regs = new Map(REGS.map((r, i) => [`${r}0`, c.regs[i]!]));
  return evaluate(v, { seed: 0, sym: (name) => (name === 'rflags0' ? c.flags : (regs.get(name) ?? 0n)) });
}

describe.skipIf(!canRun('x86_64'))('the executor agrees with the CPU', () => {
  it(`on ${SNIPPETS.length} snippets × 8 inputs: every register, every flag it defines`, () => {
    const all = cases();
    const bytes = gnuAssemble(SNIPPETS, { bitness: 64, syntax: 'att' });
    const out = runNative(program(SNIPPETS, all));
    let checkedFlags = 0;
    SNIPPETS.forEach((s, si) => {
      const hex = bytes[si]!.bytes!;
      const d = decodeReplacement(Uint8Array.from(hex.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16))), 64);
      expect(d.insns.length, s).toBe(s.split(';').length);
      const exec = execute(d.insns, { wordBits: 64, callClobbers: [] });
      expect(exec.unmodelled.map((u) => u.insn.att), s).toEqual([]);
      all.forEach((c, ci) => {
        const at = (si * all.length + ci) * (REGS.length + 1) * 8;
        REGS.forEach((r, i) => {
          const got = valueOn(exec.state.full(r), c);
          expect(got, `${s}: ${r} on input ${ci}`).toBe(out.readBigUInt64LE(at + 8 * i));
        });
        const flags = out.readBigUInt64LE(at + 8 * REGS.length);
        for (const bit of [0, 2, 4, 6, 7, 11]) {
          const v = valueOn(exec.state.flagBit(bit), c);
          if (v === undefined) continue;
          checkedFlags++;
          expect(v, `${s}: flag bit ${bit} on input ${ci}`).toBe((flags >> BigInt(bit)) & 1n);
        }
      });
    });
    // Most flags are defined: the check is not vacuous.
    expect(checkedFlags).toBeGreaterThan(SNIPPETS.length * all.length * 3);
  });
});
