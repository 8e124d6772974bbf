// rep/repne where GNU keeps them outside string instructions (`rep bsf` is tzcnt's bytes, `rep nop` pause's,
// repne on every string instruction) and a bare `rex` before an instruction: GNU as bytes at test time, or
// refused where GNU errs or warns. rex.W/R/X/B words stay refused on purpose (they change what the
// instruction names: `rex.b mov %eax,%ecx` is mov %eax,%r9d).
import { describe, expect, it } from 'vitest';
import { assembleBlock } from '../../../src/asm/index.js';
import { gnuAssemble } from './gnuAs.js';
import { compareWithGnu } from './gnuCompare.js';

const BASES64 = [
  'bsf %eax,%ecx', 'bsf %cx,%ax', 'bsf (%rax),%r9', 'bsr %r8,%rax', 'bsrw (%rax),%dx', 'nop', 'ret', 'ret $8', 'nopl (%rax)', 'tzcnt %eax,%ecx',
  'lzcnt %eax,%ecx', 'popcnt %eax,%ecx', 'add %eax,%ecx', 'xchg %eax,%eax', 'pause', 'movsb', 'movsq', 'stosw', 'lodsl', 'insb', 'outsw', 'cmpsb', 'scasq',
  'mov %eax,%ecx', 'jmp *%rax', 'inc %eax',
];
const REX64 = ['mov %eax,%ecx', 'mov %r8d,%eax', 'mov %al,%bl', 'mov %ah,%al', 'nop', 'movaps %xmm0,%xmm1', 'vaddps %xmm0,%xmm1,%xmm2', 'add $1,%al', 'push %rax', 'ret'];

const CASES: { name: string; bitness: 32 | 64; lines: string[]; refuseAll?: boolean }[] = [
  { name: 'rep/repne 64', bitness: 64, lines: BASES64.flatMap((b) => ['rep', 'repz', 'repe', 'repne', 'repnz'].map((p) => `${p} ${b}`)) },
  { name: 'rep/repne 32', bitness: 32, lines: BASES64.filter((b) => !/%r|q\b|movsq|scasq/.test(b)).flatMap((b) => ['rep', 'repne'].map((p) => `${p} ${b}`)) },
  { name: 'rex 64', bitness: 64, lines: REX64.flatMap((b) => ['rex', 'rex.w', 'rex.b', 'rex64'].map((p) => `${p} ${b}`)) },
  // GNU: "`rex' is only supported in 64-bit mode"; nothing to compare, everything to refuse.
  { name: 'rex 32', bitness: 32, lines: ['rex nop', 'rex mov %eax,%ecx'], refuseAll: true },
];

describe('prefix words GNU keeps', () => {
  it.each(CASES)('$name: GNU as bytes, or refused where GNU errs or warns', ({ bitness, lines, refuseAll }) => {
    const { wrong, compared, gnuOk } = compareWithGnu(lines, { bitness, syntax: 'att' });
    expect(wrong).toEqual([]);
    if (refuseAll) expect(gnuOk).toBe(0);
    else expect(compared).toBeGreaterThan(2);
  });

  it('encodes the prefixes GNU keeps', () => {
    const hex = (l: string) => Buffer.from(assembleBlock(l, { bitness: 64, syntax: 'att' }).bytes).toString('hex');
    expect(hex('rep bsf %eax,%ecx')).toBe(gnuAssemble(['rep bsf %eax,%ecx'], { bitness: 64, syntax: 'att' })[0]!.bytes);
    expect(hex('repne movsb')).toBe(gnuAssemble(['repne movsb'], { bitness: 64, syntax: 'att' })[0]!.bytes);
    expect(hex('rex mov %eax,%ecx')).toBe(gnuAssemble(['rex mov %eax,%ecx'], { bitness: 64, syntax: 'att' })[0]!.bytes);
  });
});
