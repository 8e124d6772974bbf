// Disassembly text is objdump-like and re-assembles to the same bytes; effects name what an instruction touches.
import { describe, expect, it } from 'vitest';
import { assembleBlock, disassemble, instructionEffects, RflagsBits } from '../../../src/asm/index.js';
import { gnuAssemble } from './gnuAs.js';

const LINES = ['mov 8(%rdi),%rax', 'lea 0x10(%rip),%rax', 'add $0x1,%eax', 'lock cmpxchg %rcx,(%rdx)', 'movzbl (%rax),%ecx', 'pushf',
  'mov %fs:0x28,%rax', 'shl %cl,%edx', 'rep stos %al,%es:(%rdi)', 'vpxor %xmm0,%xmm1,%xmm2', 'nopw 0x0(%rax,%rax,1)', 'movabs $0x1122334455667788,%rax'];

describe('disassemble', () => {
  it('round-trips GNU bytes through our text (AT&T and Intel)', () => {
    const gnu = gnuAssemble(LINES, { bitness: 64, syntax: 'att' });
    for (const g of gnu) {
      const bytes = Uint8Array.from(Buffer.from(g.bytes!, 'hex'));
      for (const syntax of ['att', 'intel'] as const) {
        const lines = disassemble(bytes, 64, syntax);
        expect(lines.length).toBe(1);
        const again = assembleBlock(lines[0]!.text, { bitness: 64, syntax });
        expect(again.errors, lines[0]!.text).toEqual([]);
        expect(Buffer.from(again.bytes).toString('hex'), lines[0]!.text).toBe(g.bytes);
      }
    }
  });

  it('formats like objdump and marks undecodable bytes', () => {
    const out = disassemble(Uint8Array.from([0x48, 0x89, 0xf8, 0x0f, 0xff]), 64, 'att');
    expect(out[0]).toMatchObject({ offset: 0, text: 'mov    %rdi,%rax', valid: true });
    expect(out.at(-1)!.valid).toBe(false);
  });
});

describe('instructionEffects', () => {
  it('reports registers and flags', () => {
    const r = assembleBlock('mov %rdi,%rax; add $1,%eax; syscall; cmpxchg %rcx,(%rdx)', { bitness: 64, syntax: 'att' });
    const e = instructionEffects(r.bytes, 64);
    expect(e[0]).toMatchObject({ regsRead: ['rdi'], regsWritten: ['rax'], rflagsModified: 0 });
    expect(e[1]!.regsWritten).toEqual(['rax']);
    expect(e[1]!.rflagsWritten & RflagsBits.CF).toBeTruthy();
    expect(e[2]!.regsWritten).toEqual(['r11', 'rcx']);
    expect(e[3]).toMatchObject({ readsMemory: true, writesMemory: true });
    expect(e[3]!.regsRead).toEqual(['rax', 'rcx', 'rdx']);
  });
});
