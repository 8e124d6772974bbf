// Lines the assembler fuzzer (scripts/fuzz/run.ts --kinds asm, 1,074,000 cases) found assembling to other bytes
// than GNU as, with their neighbours: each is GNU's bytes or refused where GNU errs or warns.
//   - a sizeless memory operand with an immediate that fits one size only (`and $0xffffffff,0x2(%r13,%rbp,1)`):
//     GNU takes the default size with a warning and encodes imm32 (81); patchc took the size from the value
//     and chose imm8 (83).
//   - crc32's AT&T suffix names the source size (`crc32b %al,%rsi`); patchc read it as the destination's, so
//     `crc32q %al,%rsi` came out as crc32b where GNU emits crc32q of %rax.
//   - size suffixes on forms without an operand size: `xsaveq (%rax)` came out as xsave where GNU emits
//     xsave64 (48 0f ae 20); `iretb` as iretq, `invlpgb (%rax)` as invlpg, `intb $1`, `cltqq`: GNU refuses
//     all of these (it takes only `lgdtq`-style q suffixes in 64-bit code).
//   - an immediate as the destination of test (`testw 0x2(%r13),$0xffff`): GNU refuses the swapped order.
//   - Intel `movsx ecx, [mem]` without a size (GNU: ambiguous; patchc read a byte, as GNU's AT&T does), and
//     16-bit movsxd (`movsxd ax, si`), and `movsxdl`: all refused by GNU.
//   - stos/lods/scas with the accumulator alone (`stos %al`): GNU wants the memory operand too.
//   - movabs in 32-bit code (GNU: only in 64-bit mode).
//   - a shift's count in %cl does not say the size of a memory operand (`shl [eax], cl`: GNU's Intel refuses,
//     its AT&T warns and guesses).
// And by the code-table fuzzer (test/fuzz/asmTableFuzz.ts, 100,000-line runs):
//   - `addr32` before an absolute address in 64-bit code: GNU's moffs form with a 32-bit address (67 a1 disp32),
//     where patchc put a 67 before the SIB form;
//   - `data16 push $imm` is pushw to GNU (66 68 imm16, 66 6a imm8), where patchc kept the 32-bit immediate;
//   - `(%ecx,)`, fcom/fcomp/fucom/fucomp/fxch with two operands, prefetchit0/1 off RIP, mnemonics GNU 2.40 does not
//     know (lkgs, pbndkb, getsecq), 32-bit sysexitl: refused by GNU, accepted by patchc.
// And by the code-table corpus (test/asm/diff/codetable):
//   - `rex`/`{rex}` before a direct branch: GNU keeps the 40 (40 70 fd); patchc dropped it;
//   - the wait forms (fsave, fclex, fstsw...) with prefix words: GNU writes 9b first (9b 3e 43 dd 34 59);
//   - Intel size keywords GNU refuses: the xsave family's area, xlat's table other than BYTE, 32-bit bndmov's
//     QWORD, vmovd with a QWORD memory operand.
import { describe, expect, it } from 'vitest';
import { assembleBlock } from '../../../src/asm/index.js';
import { gnuAssemble } from './gnuAs.js';

const CASES: { syntax: 'att' | 'intel'; bitness?: 32 | 64; lines: string[] }[] = [
  {
    syntax: 'att',
    lines: [
      'and $0xffffffff, 0x2(%r13,%rbp,1)', 'and $0xffffffff, 0xff(%r8d,%ecx,2)', 'andl $0xffffffff, 0x2(%r13,%rbp,1)', 'mov $0xffffffff,(%rax)',
      'add $0x12345,(%rax)', 'test $0x12345,(%rax)', 'and $0xffff,(%rax)', 'movq $1,(%rax)', 'and $0xffffffff,%eax', 'push $0x12345',
      'crc32q %al, %rsi', 'crc32q %spl, %rsp', 'crc32q %cl, %rax', 'crc32b %al,%rsi', 'crc32b %al,%esi', 'crc32w %ax,%esi', 'crc32l %eax,%esi',
      'crc32q %rax,%rsi', 'crc32 %al,%rsi', 'crc32 %ax,%esi', 'crc32q (%rax),%rsi', 'crc32b (%rax),%rsi', 'crc32w (%rax),%esi', 'crc32 (%rax),%esi',
      'crc32l %al,%esi', 'crc32w %al,%esi',
      'intb $0x1', 'intq $-0xf', 'cwtll', 'cltqq', 'cqtoq', 'iretb', 'iretq', 'clflushw 0x10000(,%eax,2)', 'clflush (%rax)', 'invlpgb -0x80(,%r13,8)',
      'invlpgq (%rax)', 'invlpg (%rax)', 'xsaveq (%rax)', 'fxsaveq (%rax)', 'lgdtq (%rax)', 'lgdtl (%rax)', 'lgdt (%rax)', 'sgdtq (%rax)', 'lidtq (%rax)',
      'sidtq (%rax)', 'cmpxchg8bq (%rax)', 'cmpxchg8bl (%rax)', 'testw 0x2(%r13), $0xffff', 'test %eax,(%rbx)', 'test (%rbx),%eax',
      'shl %cl,(%rax)', 'rol %cl,(%rax)', 'shlb %cl,(%rax)', 'shld %cl,%eax,(%rbx)', 'shl %cl,%eax', 'shl %cl,%cl',
      'stos %al', 'stos %eax', 'lods %al', 'scas %al', 'stosw %ax', 'stos %al,(%rdi)', 'lods (%rsi),%al', 'scas (%rdi),%al', 'stosb',
      'movsxd %bp, %ax', 'movsxdl %esi, %ebp', 'movsxd %esi,%ebp', 'movzx (%rax),%eax', 'movsx (%rax),%eax', 'movslq %esi,%rbp',
    ],
  },
  {
    syntax: 'att',
    lines: [
      'addr32 mov 0x1000,%eax', 'addr32 mov %eax,0x1000', 'addr32 mov 0x1000,%al', 'addr32 mov 0x1000,%rax', 'addr32 mov 0x1000,%ax', 'addr32 mov 0x1000,%ecx',
      'addr32 movb %al,0xffffffff', 'addr32 mov -1,%eax', 'addr32 mov foo,%eax', 'addr32 mov %fs:0x1000,%eax', 'addr32 mov 0x80000000,%eax', 'addr32 lea 0x1000,%eax',
      'data16 push $0x59e8', 'data16 push $0x12', 'data16 push $-1', 'data16 push %rax', 'data16 add $0x1234,%eax', 'data16 ret $8',
      'mov (%rcx,),%eax', 'mov (%rcx,%rax,),%eax', 'mov (,%rax),%eax', 'fcom %st(7),%st', 'fcom %st(7)', 'fxch %st(2),%st', 'fucomp %st(1),%st',
      'prefetchit0 (%rax)', 'prefetchit0 0x10(%rip)', 'lkgs %ax', 'pbndkb', 'getsecq', 'getsec', 'sysexitl', 'sysexitq',
    ],
  },
  {
    syntax: 'att',
    lines: [
      'rex jo .', '{rex} jmp .', 'rex call foo', 'rex loop .', 'rex jrcxz .', 'rex jecxz .', 'rex jmp .+200', 'rex xbegin .', 'rex jmp 1f\n1:',
      'ds fsave (%r9,%r11,2)', 'rex fclex', 'rex finit', 'fs fstsw (%rax)', 'fsave %fs:(%rax)', 'fnsave (%rax)', 'ds fnstsw (%rax)',
    ],
  },
  {
    syntax: 'intel',
    lines: [
      'xsave [rax]', 'xsave QWORD PTR [rax]', 'xrstor64 BYTE PTR [rax]', 'xsaveopt DWORD PTR [rax]', 'bndmov bnd1, XMMWORD PTR [rax]',
      'vmovd xmm9, QWORD PTR [r12+rdi*1]', 'vmovd xmm9, DWORD PTR [r12+rdi*1]', 'movd xmm1, QWORD PTR [rax]', 'vmovd rax, xmm1',
      'movdir64b rdi, zmmword ptr [rax]', 'movdir64b rdi, [rax]', 'enqcmd rdi, zmmword ptr [rax]', 'enqcmds rdi, [rax]',
      'aesencwide256kl zmmword ptr [rdx]', 'aesencwide256kl [rdx]', 'aesdec256kl xmm1, zmmword ptr [rdx]', 'aesdec256kl xmm1, [rdx]', 'vmovdqu64 zmm0, zmmword ptr [rax]',
    ],
  },
  { syntax: 'intel', bitness: 32, lines: ['vunpckhps xmm0{k3}, xmm2, dword ptr [0xfd880f67]{1to4}', 'vaddps zmm0, zmm1, dword bcst [0x10]', 'vaddps zmm0, zmm1, [eax]{1to16}', 'vaddps zmm0, zmm1, dword ptr foo{1to16}', 'xlat BYTE PTR ds:[ebx]', 'xlat WORD PTR ds:[ebx]', 'xlat ds:[ebx]', 'bndmov bnd1, QWORD PTR [eax]', 'bndmov bnd1, [eax]', 'bndmov QWORD PTR [eax], bnd1'] },
  { syntax: 'att', bitness: 32, lines: ['data16 push $0xff80', 'data16 push $0x1234', 'sysexitl', 'sysretl', 'mov (%ecx,),%eax', 'addr16 mov 0x1000,%eax'] },
  { syntax: 'intel', lines: ['addr32 mov eax, DWORD PTR [0x1000]', 'addr32 mov eax, DWORD PTR ds:0x1000', 'data16 push 0x1234', 'fcom st, st(7)', 'fcom st(7)', 'fxch st, st(2)', 'fucomp st, st(1)', 'lkgs ax'] },
  { syntax: 'att', bitness: 32, lines: ['lgdtw (%eax)', 'lgdtl (%eax)', 'sidtw (%eax)', 'sidtl (%eax)', 'cmpxchg8bl (%eax)', 'iretb', 'iretl', 'movabs 0x80, %eax', 'mov 0x80, %eax'] },
  {
    syntax: 'intel',
    lines: ['and DWORD PTR [rax], 0xffffffff', 'and [rax], 0xffffffff', 'crc32 esi, [rax]', 'crc32 esi, DWORD PTR [rax]', 'crc32 rsi, BYTE PTR [rax]', 'test -0x80, dword ptr [rip-0x1]', 'test 0x8000, rdi', 'test rdi, 0x8000',
      'shl [eax+eax*2-0x1], cl', 'shl DWORD PTR [eax], cl', 'shl cl, cl', 'stos al', 'stos BYTE PTR es:[rdi], al',
      'movsx ecx, [rip+0x7f]', 'movsx ecx, BYTE PTR [rip+0x7f]', 'movzx r8, [rsp]', 'movzx r8, WORD PTR [rsp]', 'movsxd ax, si', 'movsxd ebp, esi', 'movsxd rbp, esi', 'movsxd sp, word ptr [eax-0x1]'],
  },
];

describe('assembler fuzzer finds', () => {
  it.each(CASES)('$syntax $bitness: GNU as bytes, or refused where GNU errs or warns', ({ syntax, bitness = 64, lines }) => {
    const gnu = gnuAssemble(lines, { bitness, syntax });
    let compared = 0;
    lines.forEach((line, i) => {
      const ref = gnu[i]!;
      const r = assembleBlock(line, { bitness, syntax });
      if (ref.error || ref.warning) expect(r.errors.length, `${line}: GNU says ${ref.error ?? ref.warning}`).toBeGreaterThan(0);
      else if (r.errors.length === 0) {
        expect(Buffer.from(r.bytes).toString('hex'), line).toBe(ref.bytes);
        compared++;
      }
    });
    expect(compared).toBeGreaterThan(2);
  });

  it('the lines that differed before are now refused or GNU-identical', () => {
    const at = (l: string) => assembleBlock(l, { bitness: 64, syntax: 'att' });
    expect(at('and $0xffffffff, 0x2(%r13,%rbp,1)').errors[0]?.message).toMatch(/operand size of 'and' is ambiguous/);
    expect(at('crc32q %al, %rsi').errors.length).toBe(1);
    expect(Buffer.from(at('crc32b %al,%rsi').bytes).toString('hex')).toBe('f2480f38f0f0');
    expect(at('xsaveq (%rax)').errors.length).toBe(1);
    expect(at('iretb').errors.length).toBe(1);
    expect(Buffer.from(at('lgdtq (%rax)').bytes).toString('hex')).toBe('0f0110');
  });
});
