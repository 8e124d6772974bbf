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

function linesFor(shapes: string[]): string[] {
  const out: string[] = [];
  for (const s of shapes) {
    VALUES.forEach((v, i) => {
      // A second value for shapes with both numbers, so the pairs vary too.
      const w = VALUES[(i * 7 + 3) % VALUES.length]!;
      out.push(s.replace('$I', `$${spell(v, i)}`).replace('D(', `${spell(s.includes('$I') ? w : v, i + 1)}(`));
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
  for (const [bitness, shapes] of [[64, SHAPES_64], [32, SHAPES_32]] as const) {
    const lines = linesFor(shapes);
    it(`${bitness}-bit: ${lines.length} lines in three orders`, () => {
      const gnu = new Map(gnuAssemble(lines, { bitness, syntax: 'att' }).map((g, i) => [lines[i]!, g]));
      const problems: string[] = [];
      let same = 0;
      for (const order of [lines, lines.slice().reverse(), shuffled(lines, bitness)]) {
        clearShapeCache();
        for (const line of order) {
          const r = assembleBlock(line, { bitness, syntax: 'att' });
          const g = gnu.get(line)!;
          if (r.errors.length > 0) continue;
          const ours = Buffer.from(r.bytes).toString('hex');
          if (g.error !== undefined) problems.push(`${line}: ours ${ours}, GNU: ${g.error}`);
          else if (ours !== g.bytes) problems.push(`${line}: ours ${ours}, GNU ${g.bytes}`);
          else same++;
        }
        expect(shapeCacheSize()).toBeGreaterThan(shapes.length);
      }
      expect(problems).toEqual([]);
      expect(same).toBeGreaterThan(lines.length * 3 * 0.5);
    });
  }
});
