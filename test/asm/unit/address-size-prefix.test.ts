// addr16/addr32 written before an instruction with a memory operand: GNU as takes the word as that operand's
// address size. patchc used to add a 67 in front of whatever the operand encoded to, so `addr32 mov
// 0x10(%rax),%ecx` came out as a load through %eax, and `addr16 mov 0x10,%ecx` with a 32-bit displacement.
// Each line here is either GNU's bytes or refused where GNU errs (a refusal where GNU accepts is allowed).
import { describe, expect, it } from 'vitest';
import { assembleBlock } from '../../../src/asm/index.js';
import { gnuAssemble } from './gnuAs.js';

const CASES: { bitness: 32 | 64; syntax: 'att' | 'intel'; lines: string[] }[] = [
  {
    bitness: 64,
    syntax: 'att',
    lines: ['addr32 mov 0x10(%rax),%ecx', 'addr32 mov 0x10(%eax),%ecx', 'addr32 mov 0x10(%eax,%ebx,2),%ecx', 'addr32 mov 0x10,%ecx', 'addr32 lea 0x10(%rip),%ecx', 'addr32 stosb', 'addr32 mov (%r8d),%eax', 'addr32 mov (%rax,%rbx),%eax', 'addr32 mov 0x40,%eax', 'addr32 mov %al,0x40', 'addr32 mov 0x40,%ah'],
  },
  { bitness: 64, syntax: 'intel', lines: ['addr32 mov ecx, DWORD PTR [rax+0x10]', 'addr32 mov ecx, DWORD PTR [eax+0x10]', 'addr32 mov eax, ds:0x40'] },
  {
    bitness: 32,
    syntax: 'att',
    lines: ['addr16 mov 0x10(%eax),%ecx', 'addr16 mov 0x10(%bx),%ecx', 'addr16 mov 0x10(%bx,%si),%ecx', 'addr16 mov 0x10,%ecx', 'addr16 lodsb', 'addr32 mov (%eax),%eax', 'addr32 vpaddd 0x40(%eax),%zmm1,%zmm2'],
  },
];

describe('address-size prefixes on memory operands', () => {
  it.each(CASES)('$bitness-bit $syntax: GNU as bytes, or refused where GNU refuses', ({ bitness, syntax, lines }) => {
    const gnu = gnuAssemble(lines, { bitness, syntax });
    lines.forEach((line, i) => {
      const ref = gnu[i]!;
      const r = assembleBlock(line, { bitness, syntax });
      if (ref.error) expect(r.errors.length, `${line}: GNU says ${ref.error}`).toBeGreaterThan(0);
      else if (r.errors.length === 0) expect(Buffer.from(r.bytes).toString('hex'), line).toBe(ref.bytes);
    });
  });

  it('the operands GNU refuses are refused, and the ones it takes are encoded (so the test above compares something)', () => {
    const at64 = (l: string) => assembleBlock(l, { bitness: 64, syntax: 'att' });
    expect(at64('addr32 mov 0x10(%rax),%ecx').errors[0]?.message).toMatch(/%rax is a 64-bit register/);
    expect(at64('addr32 lea 0x10(%rip),%ecx').errors.length).toBe(1);
    expect(Buffer.from(at64('addr32 mov 0x10(%eax),%ecx').bytes).toString('hex')).toBe('678b4810');
    expect(assembleBlock('addr16 mov 0x10,%ecx', { bitness: 32, syntax: 'att' }).errors.length).toBe(1);
    const gnu = gnuAssemble(['addr32 mov 0x10(%rax),%ecx', 'addr32 lea 0x10(%rip),%ecx'], { bitness: 64, syntax: 'att' });
    expect(gnu.every((g) => g.error)).toBe(true);
  });
});
