// Blocks: labels, relaxation, relocations and diagnostics, checked against GNU as where GNU has an answer.
import { describe, expect, it } from 'vitest';
import { assembleBlock, type AsmOptions } from '../../../src/asm/index.js';
import { gnuAssemble } from './gnuAs.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const nops = (n: number): string => Array.from({ length: n }, () => 'nop').join('; ');

const ATT64: AsmOptions = { bitness: 64, syntax: 'att' };

describe('blocks with labels agree with GNU as', () => {
  const cases: { opts: AsmOptions; blocks: string[] }[] = [
    {
      opts: ATT64,
      blocks: [
        'jz 1f; mov %rdi,%rax; 1: ret',
        '1: dec %ecx; jnz 1b; ret',
        `jmp 1f; ${nops(125)}; 1: ret`,
        `jmp 1f; ${nops(126)}; 1: ret`,
        `jmp 1f; ${nops(200)}; 1: ret`,
        `1: ${nops(125)}; jne 1b`,
        `1: ${nops(126)}; jne 1b`,
        `jne 2f; jmp 1f; ${nops(124)}; 1: nop; 2: ret`,
        '1: nop; 1: jmp 1b; jmp 1f; 1: ret',
        'start: test %eax,%eax; je done; call helper; done: ret',
        '.Lloop: add $1,%rax; cmp %rax,%rdx; jb .Lloop',
        'lea 1f(%rip),%rax; ret; 1: nop',
        'call 1f; 1: pop %rax',
        `xbegin 1f; ${nops(3)}; 1: xend`,
        'loop 1f; nop; 1: jrcxz 1b',
        `jmp 1f; ${nops(130)}; 1: jmp 2f; 2: ret`,
      ],
    },
    {
      opts: { bitness: 32, syntax: 'att' },
      blocks: ['jz 1f; mov %edi,%eax; 1: ret', `1: ${nops(200)}; jne 1b`, 'jecxz 1f; 1: loop 1b', 'call 1f; 1: pop %eax'],
    },
    {
      opts: { bitness: 64, syntax: 'intel' },
      blocks: ['jz 1f; mov rax, rdi; 1: ret', `jmp 1f; ${nops(130)}; 1: ret`, 'lea rax, [rip+1f]; 1: ret', 'top: dec ecx; jnz top'],
    },
  ];
  for (const c of cases) {
    it(`${c.opts.syntax} ${c.opts.bitness}-bit`, () => {
      const gnu = gnuAssemble(c.blocks, c.opts);
      for (let i = 0; i < c.blocks.length; i++) {
        const r = assembleBlock(c.blocks[i]!, c.opts);
        expect(r.errors, c.blocks[i]).toEqual([]);
        expect(hex(r.bytes), c.blocks[i]).toBe(gnu[i]!.bytes);
      }
    });
  }
});

describe('relocations match what GNU as leaves', () => {
  const cases: { opts: AsmOptions; lines: string[] }[] = [
    {
      opts: ATT64,
      lines: ['call foo', 'jmp foo', 'jne foo', 'call foo+8', 'call foo@PLT', 'mov foo(%rip),%rax', 'lea foo+8(%rip),%rdi', 'movl $1,foo(%rip)',
        'mov $foo,%eax', 'mov $foo,%rax', 'push $foo', 'mov foo,%eax', 'mov foo+4(,%rax,8),%rax', 'loop foo', 'cmpl $5,foo(%rip)', 'call *foo(%rip)'],
    },
    { opts: { bitness: 32, syntax: 'att' }, lines: ['call foo', 'jmp foo+4', 'mov foo,%eax', 'mov $foo,%eax', 'jmp *tab(,%eax,4)', 'loop foo'] },
    { opts: { bitness: 64, syntax: 'intel' }, lines: ['call foo', 'lea rax, [rip+foo]', 'mov eax, OFFSET foo', 'mov rax, QWORD PTR [rip+foo+16]'] },
  ];
  for (const c of cases) {
    it(`${c.opts.syntax} ${c.opts.bitness}-bit`, () => {
      const gnu = gnuAssemble(c.lines, c.opts);
      c.lines.forEach((line, i) => {
        const r = assembleBlock(line, c.opts);
        const g = gnu[i]!;
        expect(r.errors, line).toEqual([]);
        expect(hex(r.bytes), line).toBe(g.bytes);
        const gr = g.relocs ?? [];
        expect(r.relocations.length, line).toBe(gr.length);
        r.relocations.forEach((rel, j) => {
          const want = gr[j]!;
          expect(rel.offset, line).toBe(want.offset);
          expect(rel.symbol, line).toBe(want.symbol);
          expect(rel.pcRelative, line).toBe(/PC|PLT/.test(want.type));
          // i386 keeps the addend in the field (REL); x86-64 names it in the relocation (RELA).
          if (c.opts.bitness === 64) expect(rel.addend, line).toBe(want.addend);
        });
      });
    });
  }
});

describe('diagnostics are data', () => {
  it('points at the bad operand and never throws', () => {
    const text = 'mov %rdi,%rax\nmov $0x1ff,%al\nfrobnicate %eax\njmp 9f\ninc (%rax)';
    const r = assembleBlock(text, ATT64);
    expect(r.bytes.length).toBe(0);
    const msgs = r.errors.map((e) => [text.slice(e.start, e.end), e.message]);
    expect(msgs[0]![0]).toBe('$0x1ff');
    expect(msgs[0]![1]).toMatch(/does not fit in 8 bits/);
    expect(msgs[1]![0]).toBe('frobnicate');
    expect(msgs[1]![1]).toMatch(/unknown instruction/);
    expect(msgs[2]![1]).toMatch(/local label '9f'/);
    expect(msgs[3]![1]).toMatch(/ambiguous/);
    expect(r.errors[3]!.hints?.[0]).toMatch(/incq|suffix/);
  });

  it('refuses what GNU would only warn about or silently mangle', () => {
    for (const line of ['movb $0x1ff,%al', 'inc (%rax)', 'mov $1,(%rax)', 'sysret', 'iret', 'mov %eax,%cr1', 'mov %ax,%cs', 'mov $0x10000000000000000,%rax', 'lock add %eax,%ebx', 'rep add %eax,%ebx']) {
      const r = assembleBlock(line, ATT64);
      expect(r.errors.length, line).toBeGreaterThan(0);
    }
  });

  it('reports a rel8-only branch that cannot reach', () => {
    const r = assembleBlock(`1: ${nops(200)}; loop 1b`, ATT64);
    expect(r.errors[0]?.message).toMatch(/out of range/);
  });

  it('keeps per-instruction offsets and source spans', () => {
    const text = 'push %rbp; mov %rsp,%rbp  # frame\n  pop %rbp ; ret';
    const r = assembleBlock(text, ATT64);
    expect(r.instructions.map((i) => [i.text, i.offset, hex(i.bytes)])).toEqual([
      ['push %rbp', 0, '55'],
      ['mov %rsp,%rbp', 1, '4889e5'],
      ['pop %rbp', 4, '5d'],
      ['ret', 5, 'c3'],
    ]);
    expect(text.slice(r.instructions[2]!.start, r.instructions[2]!.end)).toBe('pop %rbp');
  });
});

describe('robustness', () => {
  it('never throws and never reports an internal error on arbitrary text', async () => {
    const fc = (await import('fast-check')).default;
    const pieces = ['mov', 'add', 'jmp', 'lock', 'rep', '%rax', '%eax', 'rax', '$1', '$-1', '(', ')', ',', ';', '\n', '1:', '1f', '1b', 'foo', '[', ']', 'PTR', 'DWORD',
      '*', '+', '-', '0x10', '%fs:', '{load}', '{disp32}', '#', ' ', 'movabs', 'xchg', 'call', 'st(1)', '%xmm0', 'rip', '.byte', "'", '@PLT'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 12 }), fc.constantFrom<'att' | 'intel'>('att', 'intel'), fc.constantFrom<16 | 32 | 64>(16, 32, 64), (parts, syntax, bitness) => {
        const text = parts.join(' ');
        const r = assembleBlock(text, { bitness, syntax });
        for (const e of r.errors) {
          expect(e.message).not.toMatch(/internal assembler error/);
          expect(e.start).toBeGreaterThanOrEqual(0);
          expect(e.end).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
