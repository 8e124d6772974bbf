// Forms where one instruction has more than one encoding of the same operands, or where a size suffix was read
// more kindly than GNU reads it; each line is compared with GNU as at test time (bytes equal, or refused where GNU
// errs or warns). Reported from outside corpora (issue 12), then widened to the whole family:
//   - selector / msw instructions with a memory operand: `strw (%rdi)` is 0f 00 0f (no 66), `strl (%rdi)` and
//     `ltrl (%rdi)` are errors;
//   - a 64-bit general register that only carries a byte, word or mask (pextrw, pinsrb, extractps, pmovmskb,
//     movmskps, and their VEX forms): GNU encodes the 32-bit form (no REX.W, VEX.W0 and so the 2-byte VEX);
//   - movq between a vector register and memory: f3 0f 7e / 66 0f d6 (VEX f3 7e / 66 d6, %mm 0f 6f / 0f 7f), not
//     the general-register forms 66 REX.W 0f 6e / 7e, which tie in length with an extended base;
//   - suffixes on vector instructions: only on the few whose general register they size (pextrwl, cvtss2sil,
//     pmovmskbl) and cvtsi2ss/sd's memory source; `pextrdl`, `movdl`, `pinsrwl $1,(%rax),%xmm0` are errors;
//   - movd with a 64-bit general register is movq;
//   - FMA4 with four registers: GNU's W1 form (src3 in ModRM.rm); x87 popping forms swap for st(0) too
//     (`fdivrp %st,%st(0)` is de f8);
//   - suffixes GNU refuses: x87 memory suffixes without memory (`faddl %st(7),%st`, `fchsl`), second suffixes
//     (`pushfww`, `iretqq`), `movzww`; GNU lacks 64-bit lfs/lss/lgs and umwait/tpause with a 64-bit register;
//     GNU takes `fnstcww (%rax)`.
// Found by the code-table corpus (test/asm/diff/codetable).
import { describe, expect, it } from 'vitest';
import { compareWithGnu } from './gnuCompare.js';

const SUFFIXES = ['', 'b', 'w', 'l', 'q'];
const withSuffixes = (line: string): string[] => SUFFIXES.map((s) => line.replace(/^(\S+)/, `$1${s}`));

function selectorLines(bits: 32 | 64): string[] {
  const r = bits === 64 ? ['%ax', '%eax', '%rax', '%r9w', '%r9d', '%r9'] : ['%ax', '%eax'];
  const mem = bits === 64 ? ['(%rdi)', '0x10(%r8)', '(%rip)'] : ['(%edi)', '0x10(%ebx,%esi,4)'];
  return ['str', 'sldt', 'smsw', 'lldt', 'ltr', 'verr', 'verw', 'lmsw'].flatMap((m) => [...mem, ...r].flatMap((o) => withSuffixes(`${m} ${o}`)));
}

function narrowGprLines(bits: 32 | 64): string[] {
  const g = bits === 64 ? ['%eax', '%rax', '%r9', '%r9d'] : ['%eax'];
  const x = bits === 64 ? ['%xmm0', '%xmm9'] : ['%xmm0'];
  const m = bits === 64 ? '(%r8)' : '(%eax)';
  const out: string[] = [];
  for (const r of g) {
    for (const v of x) {
      out.push(`pextrw $1,${v},${r}`, `vpextrw $1,${v},${r}`, `pextrb $1,${v},${r}`, `vpextrb $1,${v},${r}`, `extractps $1,${v},${r}`, `vextractps $1,${v},${r}`);
      out.push(`pinsrw $1,${r},${v}`, `vpinsrw $1,${r},%xmm1,${v}`, `pinsrb $1,${r},${v}`, `vpinsrb $1,${r},%xmm1,${v}`);
      out.push(`pmovmskb ${v},${r}`, `vpmovmskb ${v},${r}`, `vpmovmskb %ymm1,${r}`, `movmskps ${v},${r}`, `movmskpd ${v},${r}`, `vmovmskps %ymm1,${r}`, `vmovmskpd ${v},${r}`);
      out.push(`pextrd $1,${v},${r}`, `pinsrd $1,${r},${v}`, `cvtss2si ${v},${r}`, `vcvttsd2si ${v},${r}`, `cvtsi2sd ${r},${v}`);
    }
    out.push(`pextrw $1,%mm0,${r}`, `pinsrw $1,${r},%mm0`, `pmovmskb %mm0,${r}`);
  }
  out.push(`pextrw $1,%xmm0,${m}`, `pinsrw $1,${m},%xmm0`, `pextrb $1,%xmm0,${m}`, `extractps $1,%xmm0,${m}`);
  return out.flatMap(withSuffixes);
}

function movqLines(bits: 32 | 64): string[] {
  const mems = bits === 64 ? ['(%rax)', '(%r15)', '0x2c(%r12)', '(%rsi,%r9,1)', '0x10(%rip)', '(%rsp)'] : ['(%eax)', '0x2c(%esp)', '(%esi,%edi,1)'];
  const xs = bits === 64 ? ['%xmm1', '%xmm8'] : ['%xmm1'];
  const out: string[] = [];
  for (const mem of mems) {
    for (const x of xs) out.push(`movq ${mem},${x}`, `movq ${x},${mem}`, `vmovq ${mem},${x}`, `vmovq ${x},${mem}`, `movd ${mem},${x}`, `movd ${x},${mem}`, `vmovd ${mem},${x}`, `vmovd ${x},${mem}`);
    out.push(`movq ${mem},%mm1`, `movq %mm1,${mem}`, `movd ${mem},%mm1`, `movd %mm1,${mem}`);
  }
  const regs = bits === 64 ? ['%rax', '%r9', '%eax'] : ['%eax'];
  for (const r of regs) for (const x of [...xs, '%mm2']) out.push(`movq ${r},${x}`, `movq ${x},${r}`, `movd ${r},${x}`, `movd ${x},${r}`);
  for (const x of xs) out.push(`movq ${x},%xmm2`, `movq %xmm2,${x}`, `vmovq ${x},%xmm2`, `vmovq %xmm2,${x}`, `vmovq ${x},%rax`, `vmovd %rax,${x}`);
  return out.flatMap(withSuffixes);
}

function miscLines(bits: 32 | 64): string[] {
  const fma = ['vfmaddps', 'vfmaddpd', 'vfmaddss', 'vfmaddsd', 'vfmsubps', 'vfnmaddps', 'vfnmsubsd', 'vfmaddsubps', 'vfmsubaddpd'];
  const regs = bits === 64 ? ['%xmm3,%xmm2,%xmm1,%xmm0', '%xmm6,%xmm7,%xmm1,%xmm4', '%xmm2,%xmm2,%xmm2,%xmm2', '%ymm9,%ymm2,%ymm11,%ymm0', '(%rax),%xmm2,%xmm1,%xmm0', '%xmm2,(%r8),%xmm1,%xmm0'] : ['%xmm3,%xmm2,%xmm1,%xmm0', '(%eax),%xmm2,%xmm1,%xmm0'];
  const x87 = ['fadd', 'fmul', 'fsub', 'fsubr', 'fdiv', 'fdivr'].flatMap((m) => [m, `${m}p`]).flatMap((m) => ['%st,%st(0)', '%st,%st(1)', '%st(0),%st', '%st(3),%st', '%st,%st(5)'].map((o) => `${m} ${o}`));
  const m = bits === 64 ? '(%rax)' : '(%eax)';
  const sized = [`faddl %st(7),%st`, 'fchs', 'fwait', 'fincstp', 'fld1', 'fnstsw %ax', `fldcw ${m}`, `fnstcw ${m}`, `fstsw ${m}`, `fnstsw ${m}`, `fild ${m}`, `fadd ${m}`, `fldenv ${m}`];
  const pushes = ['pushf', 'popf', 'pushfw', 'pushfl', 'pushfq', 'popfw', 'pushaw', 'pusha', 'iret', 'iretw', 'iretq', 'sysretq', 'lretq', 'cwtl'];
  const ext = ['movzw %si,%si', 'movsw %ax,%ax', 'movzw %si,%esi', 'movzb %al,%ax', 'movsb %al,%ax'];
  const lacks = bits === 64 ? ['lfs (%rax),%rbp', 'lfs (%rax),%ebp', 'lss (%rax),%rax', 'lgs (%rax),%bp', 'umwait %rbp', 'umwait %ebp', 'tpause %rax', 'tpause %eax'] : ['lfs (%eax),%ebp', 'umwait %ebp'];
  return [...fma.flatMap((f) => regs.map((r) => `${f} ${r}`)), ...x87, ...[...sized, ...pushes, ...ext, ...lacks].flatMap(withSuffixes)];
}

const INTEL_LINES = [
  'str WORD PTR [rdi]', 'str DWORD PTR [rdi]', 'sldt WORD PTR [rdi]', 'smsw WORD PTR [rax]', 'str [rdi]', 'sldt [r8+0x10]', 'ltr WORD PTR [rax]',
  'lldt [rax]', 'verr WORD PTR [rax]', 'lmsw WORD PTR [rax]', 'str ax', 'str eax', 'str rax', 'smsw rax', 'sldt r9', 'lldt ax',
  'movq xmm1, QWORD PTR [r15]', 'movq QWORD PTR [r12+0x2c], xmm0', 'vmovq xmm1, QWORD PTR [rsi+r9*1]', 'vmovq QWORD PTR [r8], xmm0',
  'movq xmm8, [rax]', 'movq [rax], xmm8', 'movq mm0, QWORD PTR [r8]', 'movq QWORD PTR [r8], mm0', 'movq rax, xmm0', 'movq xmm0, rax',
  'movd rax, xmm0', 'movd xmm0, rax', 'vmovd rax, xmm9', 'movd xmm0, DWORD PTR [r8]',
  'pextrw rax, xmm0, 1', 'pextrw r9, xmm9, 1', 'vpextrw rax, xmm0, 1', 'pinsrw xmm0, rax, 1', 'vpinsrw xmm0, xmm1, rax, 1', 'pextrb rax, xmm0, 1',
  'vpextrb rax, xmm0, 1', 'pinsrb xmm0, rax, 1', 'extractps rax, xmm0, 1', 'vextractps rax, xmm0, 1', 'pmovmskb rax, xmm0', 'vpmovmskb rax, ymm1',
  'movmskps rax, xmm0', 'vmovmskpd rax, ymm0', 'pextrw WORD PTR [rax], xmm0, 1', 'pinsrw xmm0, WORD PTR [rax], 1',
  // MASM's h suffix is no number to GNU's Intel syntax.
  'mov eax, 10h', 'mov eax, 0ffh', 'mov eax, [rbx+10h]', 'add eax, 1fh',
  // Register names GNU has and patchc does not encode are no symbols.
  'mov eax, tmm0', 'mov eax, tmm7', 'mov eax, flat', 'lea eax, [flat]', 'mov eax, tr3', 'mov eax, db7', 'mov rbx, db7', 'mov db0, rbx',
];

const CASES: { name: string; syntax: 'att' | 'intel'; bitness: 32 | 64; lines: string[]; noprefix?: boolean }[] = [
  ...([32, 64] as const).flatMap((bitness) => [
    { name: `selector forms ${bitness}`, syntax: 'att' as const, bitness, lines: selectorLines(bitness) },
    { name: `narrow general registers ${bitness}`, syntax: 'att' as const, bitness, lines: narrowGprLines(bitness) },
    { name: `movq/movd ${bitness}`, syntax: 'att' as const, bitness, lines: movqLines(bitness) },
    { name: `fma4, x87, suffixes ${bitness}`, syntax: 'att' as const, bitness, lines: miscLines(bitness) },
  ]),
  { name: 'intel 64', syntax: 'intel', bitness: 64, lines: INTEL_LINES },
  // GNU's db0-db7 are the debug registers (`mov db7,ebx` is 0f 21 fb, not a load from a symbol db7).
  { name: 'att noprefix 32', syntax: 'att', bitness: 32, noprefix: true, lines: ['mov db7,ebx', 'mov ebx,db0', 'mov dr7,ebx', 'mov tr6,eax', 'mov %db7,%ebx'] },
  { name: 'att noprefix 64', syntax: 'att', bitness: 64, noprefix: true, lines: ['mov db7,rbx', 'mov rbx,db0', 'mov dr7,rbx', 'mov tmm0,eax', 'mov tmm7,rax', 'mov rax,rbx'] },
];

describe('GNU choices between encodings of the same operands', () => {
  it.each(CASES)('$name: GNU as bytes, or refused where GNU errs or warns', ({ syntax, bitness, lines, noprefix }) => {
    const { wrong, compared, gnuOk } = compareWithGnu(lines, { bitness, syntax, ...(noprefix ? { noprefix } : {}) });
    expect(wrong).toEqual([]);
    // Most of each family is encoded, not refused.
    expect(compared).toBeGreaterThan(gnuOk * 0.9);
  });
});
