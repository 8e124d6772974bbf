// Statements that differ only in a number share one remembered encoding (src/asm/shape.ts, shapeCache.ts).
// Each shape below is written with values on both sides of every range boundary the encoder tests, in several
// orders (so templates are made from different first members), and every line is compared with GNU as.
import { describe, expect, it } from 'vitest';
import { assembleBlock } from '../../../src/asm/index.js';
import { clearShapeCache, shapeCacheSize } from '../../../src/asm/shapeCache.js';
import { gnuAssemble } from './gnuAs.js';

const BOUNDARIES = [
  0, 1, 2, 3, 4, 10, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff,
  0x100000000, 0x7fffffffffff, 0xfffffffffffff,
];
const VALUES = [...BOUNDARIES, ...BOUNDARIES.filter((v) => v > 0).map((v) => -v), -0x81, -0x8001, -0x80000001];

/** `$I`: immediate, `D(`: displacement; each spelled in hex and (sometimes) decimal. */
function spell(v: number, i: number): string {
  const hex = `${v < 0 ? '-' : ''}0x${Math.abs(v).toString(16)}`;
  return i % 3 === 2 ? String(v) : hex;
}

const SHAPES_64 = [
  'add $I,%eax', 'add $I,%rax', 'add $I,%ax', 'add $I,%al', 'add $I,%ecx', 'sub $I,%r9', 'and $I,%r10d',
  'addb $I,D(%rax)', 'addw $I,D(%rbp)', 'addl $I,D(%r13)', 'addq $I,D(%rsp)', 'cmpq $I,D(%rax,%rcx,4)',
  'mov $I,%rax', 'mov $I,%eax', 'mov $I,%r11', 'movq $I,D(%rip)', 'movabs $I,%rax', 'movw $I,D(%rbx)', 'movb $I,%ah',
  'shl $I,%eax', 'shlq $I,D(%rax)', 'rol $I,%bl', 'sar $I,%r12', 'bt $I,D(%rax)', 'btsq $I,%rdx',
  'imul $I,%rcx,%rdx', 'imul $I,%ecx', 'imul $I,D(%rsi),%ax', 'int $I', 'push $I', 'pushw $I', 'ret $I', 'lret $I',
  'test $I,%al', 'test $I,%eax', 'testb $I,D(%r12)', 'testq $I,D(%rip)', 'in $I,%al', 'out %eax,$I', 'enter $I,$0',
  'pextrw $I,%xmm1,%eax', 'vpshufd $I,D(%rax),%xmm1', 'cmpps $I,D(%rcx),%xmm2', 'roundsd $I,%xmm1,%xmm2',
  'lea D(%rax,%rcx,8),%rdx', 'lea D(%eax),%edx', 'lea D(,%rbx,2),%rdi', 'mov D(%rip),%rax', 'movsd D(%rip),%xmm3',
  'call *D(%rip)', 'jmp *D(%rax)', 'mov %fs:D(%rax),%rax', 'mov D(%rbp),%cl', 'mov %eax,-D(%r13)',
  '{disp8} mov D(%rax),%ecx', '{disp32} mov D(%rbp),%ecx', '{load} add D(%rax),%ecx', 'lock addl $I,D(%rdx)',
  'incl D(%rax)', 'fldl D(%rsp)', 'movzbl D(%rdi),%eax', 'vmovdqu D(%r8),%ymm4', 'xchg %eax,D(%rax)',
];
const SHAPES_32 = [
  'add $I,%eax', 'add $I,%ax', 'addb $I,D(%ebx)', 'addw $I,D(%ebp)', 'mov D(%eax),%ecx', 'mov D(%bp,%si),%ax',
  'mov D(%bx),%al', 'lea D(%esi,%edi,2),%eax', 'push $I', 'imul $I,%edx,%eax', 'shr $I,%esi', 'int $I',
  'movl $I,D(%esp)', 'ljmp $0x10,$I', 'addr16 mov D(%si),%eax',
];

// Intel: `I` is an operand that is a number, `+D]` a displacement closing a bracket (`[rax+0x10]`, `[rax-0x10]`).
const SHAPES_INTEL_64 = [
  'add eax, I', 'add rax, I', 'add ax, I', 'add al, I', 'sub r9, I', 'and r10d, I', 'add BYTE PTR [rax+D], I',
  'add WORD PTR [rbp+D], I', 'add DWORD PTR [r13+D], I', 'add QWORD PTR [rsp+D], I', 'cmp QWORD PTR [rax+rcx*4+D], I',
  'mov rax, I', 'mov eax, I', 'mov QWORD PTR [rip+D], I', 'movabs rax, I', 'mov ah, I', 'shl eax, I', 'shl QWORD PTR [rax+D], I',
  'imul rdx, rcx, I', 'int I', 'push I', 'ret I', 'test al, I', 'test eax, I', 'test BYTE PTR [r12+D], I', 'in al, I',
  'out I, eax', 'enter I, 0', 'pextrw eax, xmm1, I', 'vpshufd xmm1, XMMWORD PTR [rax+D], I', 'lea rdx, [rax+rcx*8+D]',
  'lea edx, [eax+D]', 'mov rax, QWORD PTR [rip+D]', 'movsd xmm3, QWORD PTR [rip+D]', 'call QWORD PTR [rip+D]',
  'jmp QWORD PTR [rax+D]', 'mov rax, QWORD PTR fs:[rax+D]', 'mov cl, BYTE PTR [rbp+D]', 'mov DWORD PTR [r13+D], eax',
  '{disp8} mov ecx, DWORD PTR [rax+D]', '{disp32} mov ecx, DWORD PTR [rbp+D]', 'lock add DWORD PTR [rdx+D], I',
  'inc DWORD PTR [rax+D]', 'fld QWORD PTR [rsp+D]', 'movzx eax, BYTE PTR [rdi+D]', 'vmovdqu ymm4, YMMWORD PTR [r8+D]',
  'mov eax, [rax+D]', 'mov eax, [rax+D+8]', 'mov eax, [D]', 'mov eax, fs:I', 'jmp I', 'mov eax, I+1', 'mov ecx, [rax+rbx*I]',
];
const SHAPES_INTEL_32 = ['add eax, I', 'add BYTE PTR [ebx+D], I', 'mov ecx, DWORD PTR [eax+D]', 'mov ax, WORD PTR [bp+si+D]', 'push I', 'imul eax, edx, I', 'int I'];

function linesFor(shapes: string[], syntax: 'att' | 'intel' = 'att'): string[] {
  const out: string[] = [];
  for (const s of shapes) {
    VALUES.forEach((v, i) => {
      // A second value for shapes with both numbers, so the pairs vary too.
      const w = VALUES[(i * 7 + 3) % VALUES.length]!;
      const d = s.includes('$I') || /\bI\b/.test(s) ? w : v;
      if (syntax === 'att') out.push(s.replace('$I', `$${spell(v, i)}`).replace('D(', `${spell(d, i + 1)}(`));
      else out.push(s.replace(/\bI\b/, spell(v, i)).replace('+D', d < 0 ? spell(d, i + 1) : `+${spell(d, i + 1)}`).replace('[D]', `[${spell(Math.abs(d), i)}]`));
    });
  }
  return out;
}

/** The same lines in a deterministic shuffled order. */
function shuffled<T>(xs: T[], seed: number): T[] {
  const out = xs.slice();
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('statements differing only in numbers (shape cache) agree with GNU as', () => {
  for (const [bitness, shapes, syntax] of [[64, SHAPES_64, 'att'], [32, SHAPES_32, 'att'], [64, SHAPES_INTEL_64, 'intel'], [32, SHAPES_INTEL_32, 'intel']] as const) {
    const lines = linesFor([...shapes], syntax);
    it(`${bitness}-bit ${syntax}: ${lines.length} lines in three orders`, () => {
      const gnu = new Map(gnuAssemble(lines, { bitness, syntax }).map((g, i) => [lines[i]!, g]));
      const problems: string[] = [];
      let same = 0;
      for (const order of [lines, lines.slice().reverse(), shuffled(lines, bitness)]) {
        clearShapeCache();
        for (const line of order) {
          const r = assembleBlock(line, { bitness, syntax });
          const g = gnu.get(line)!;
          if (r.errors.length > 0) continue;
          const ours = Buffer.from(r.bytes).toString('hex');
          if (g.error !== undefined || g.warning !== undefined) problems.push(`${line}: ours ${ours}, GNU: ${g.error ?? g.warning}`);
          else if (ours !== g.bytes) problems.push(`${line}: ours ${ours}, GNU ${g.bytes}`);
          else same++;
        }
        // Intel's list also holds spellings that are never classed ([D], fs:I, I+1): at least the others are remembered.
        expect(shapeCacheSize()).toBeGreaterThan(syntax === 'att' ? shapes.length : shapes.length - 8);
      }
      expect(problems).toEqual([]);
      expect(same).toBeGreaterThan(lines.length * 3 * 0.5);
    });
  }
});
