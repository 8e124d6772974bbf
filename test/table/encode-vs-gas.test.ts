// What rules compile to, checked against GNU as on this machine (never against patchc's own output).
import { describe, expect, it } from 'vitest';
import { gnuAssemble } from '../asm/unit/gnuAs.js';
import { entryHex, runPipeline } from '../helpers/rules.js';

const gas = (line: string, bitness: 32 | 64, syntax: 'att' | 'intel' = 'att', noprefix = false): string => {
  const r = gnuAssemble([line], { bitness, syntax, noprefix })[0]!;
  if (r.error) throw new Error(`GNU as rejected ${line}: ${r.error}`);
  return r.bytes ?? '';
};

describe('syntax att|intel per file', () => {
  it("the design card's `ident64 -> mov rdi,rax`: AT&T (no %) and Intel read it in their own operand order", () => {
    const att = runPipeline({ 'main.rules': 'syntax att\nop ident64(u64) -> u64\narch x86_64 {\n  ident64 -> mov rdi,rax\n}\n' });
    const intel = runPipeline({ 'main.rules': 'syntax intel\nop ident64(u64) -> u64\narch x86_64 {\n  ident64 -> mov rdi,rax\n}\n' });
    expect(att.errors).toEqual([]);
    expect(intel.errors).toEqual([]);
    expect(entryHex(att, 'x86_64', 'ident64')).toBe(gas('mov rdi,rax', 64, 'att', true));
    expect(entryHex(intel, 'x86_64', 'ident64')).toBe(gas('mov rdi,rax', 64, 'intel'));
    expect(entryHex(att, 'x86_64', 'ident64')).toBe('4889f8');
    expect(entryHex(intel, 'x86_64', 'ident64')).toBe('4889c7');
  });

  it('a file without `syntax` is Intel', () => {
    const p = runPipeline({ 'main.rules': 'op a()\narch x86_64 {\n  a -> mov rax, QWORD PTR [rdi+8]\n}\n' });
    expect(entryHex(p, 'x86_64', 'a')).toBe(gas('mov rax, QWORD PTR [rdi+8]', 64, 'intel'));
  });
});

describe('ABI register names', () => {
  const rules = `op ident64(u64) -> u64
op ident32(u32) -> u32
op second(u64, u64) -> u64
arch x86_64 {
  ident64 -> mov ret, arg0
  ident32 -> mov ret, arg0
  second -> mov ret, arg1
}
arch i386 {
  ident64 -> mov ret, arg0
  ident32 -> mov ret, arg0
}
`;
  const p = runPipeline({ 'main.rules': rules });
  it('compile without errors', () => expect(p.errors).toEqual([]));
  it('x86_64 SysV: mov ret, arg0 is mov %rdi,%rax (u64) and mov %edi,%eax (u32)', () => {
    expect(entryHex(p, 'x86_64', 'ident64')).toBe(gas('mov %rdi,%rax', 64));
    expect(entryHex(p, 'x86_64', 'ident32')).toBe(gas('mov %edi,%eax', 64));
    expect(entryHex(p, 'x86_64', 'second')).toBe(gas('mov %rsi,%rax', 64));
  });
  it('i386 regparm(3): the value is already in eax (edx:eax for u64), so the move is dropped: empty', () => {
    expect(entryHex(p, 'i386', 'ident64')).toBe('');
    expect(entryHex(p, 'i386', 'ident32')).toBe('');
  });
  it('a 32-bit self-move on x86_64 is kept: it zero-extends', () => {
    const q = runPipeline({ 'main.rules': 'op z(u32) -> u32\narch x86_64 {\n  z -> mov arg0, arg0\n}\n' });
    expect(entryHex(q, 'x86_64', 'z')).toBe(gas('mov %edi,%edi', 64));
  });
});

describe('replacement kinds', () => {
  const p = runPipeline({
    'main.rules': `syntax att
op a()
op b()
op c()
op d()
arch x86_64 {
  a -> pushf; pop %rax
  b -> {}
  c -> bytes 0f 0b
  d -> {
    test %edi, %edi
    jz 1f
    xor %eax, %eax
1:
  }
  missing -> trap
  default -> call target
}
`,
  });
  it('compile', () => expect(p.errors).toEqual([]));
  it('instructions, empty, raw bytes and local labels match GNU as', () => {
    expect(entryHex(p, 'x86_64', 'a')).toBe(gas('pushf; pop %rax', 64));
    expect(entryHex(p, 'x86_64', 'b')).toBe('');
    expect(entryHex(p, 'x86_64', 'c')).toBe('0f0b');
    expect(entryHex(p, 'x86_64', 'd')).toBe(gas('test %edi, %edi; jz 1f; xor %eax, %eax; 1:', 64));
  });
  it('trap is ud2; default is a direct call with a relocation to the target, as GNU as emits it', () => {
    const t = p.compiled.tables[0]!;
    const trap = t.entries.find((e) => e.selector.kind === 'missing')!;
    expect(Buffer.from(trap.bytes).toString('hex')).toBe(gas('ud2', 64));
    const call = t.entries.find((e) => e.selector.kind === 'default')!;
    expect(Buffer.from(call.bytes).toString('hex')).toBe(gas('call target', 64));
    expect(call.relocations).toEqual([{ offset: 1, size: 4, pcRelative: true, symbol: 'target', addend: -4 }]);
  });
});
