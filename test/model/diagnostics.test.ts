// Every error a user can make in a rule file: located (file:line:col), explained, several per run.
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../helpers/rules.js';

const codes = (p: ReturnType<typeof runPipeline>) => p.errors.map((d) => d.code);

describe('semantic diagnostics', () => {
  it('unknown op in a rule: located, with the nearest declared name', () => {
    const p = runPipeline({ 'main.rules': 'op ident64(u64) -> u64\narch x86_64 {\n  ident46 -> mov rax, rdi\n}\n' });
    const d = p.errors.find((x) => x.code === 'unknown-op')!;
    expect(d.message).toContain("'ident46'");
    expect(d.span).toMatchObject({ start: { line: 3, col: 3 } });
    expect(d.hints?.join(' ')).toContain("did you mean 'ident64'");
  });

  it('duplicate op points at the first declaration', () => {
    const p = runPipeline({ 'main.rules': 'op a()\nop a()\n' });
    const d = p.errors.find((x) => x.code === 'duplicate-op')!;
    expect(d.span!.start.line).toBe(2);
    expect(d.hints?.[0]).toMatch(/main\.rules:1:4/);
  });

  it('unknown architecture, with a suggestion', () => {
    const p = runPipeline({ 'main.rules': 'op a()\narch x86-64 {\n  a -> nop\n}\narch x8664 {\n}\n' });
    expect(codes(p)).toContain('unknown-arch');
    expect(p.errors.find((d) => d.code === 'unknown-arch' && d.span?.start.line === 5)?.hints?.join(' ')).toContain("'x86_64'");
  });

  it('replacement longer than its declared maximum', () => {
    const p = runPipeline({ 'main.rules': 'op a() : max 2\narch x86_64 {\n  a -> mov rax, 0x12345678\n}\n' });
    const d = p.errors.find((x) => x.code === 'too-long')!;
    expect(d.message).toMatch(/is 7 bytes; the declared maximum is 2/);
    expect(d.span!.start.line).toBe(3);
  });

  it('unknown mnemonic, operands no form takes, immediate out of range: each located at its instruction', () => {
    const p = runPipeline({
      'main.rules': `op a()
op b()
op c()
arch x86_64 {
  a -> movq2 rax, rdi
  b -> mov cr3, 5
  c -> mov al, 0x1ff
}
`,
    });
    const lines = p.errors.map((d) => d.span?.start.line);
    expect(lines).toEqual(expect.arrayContaining([5, 6, 7]));
    expect(p.errors.length).toBeGreaterThanOrEqual(3);
    const c = p.errors.find((d) => d.span?.start.line === 7)!;
    expect(c.message).toMatch(/0x1ff|511|range|fit/i);
  });

  it('import cycle and missing import', () => {
    const cyc = runPipeline({ 'main.rules': 'import "b.rules"\n', 'b.rules': 'import "main.rules"\n' });
    const d = cyc.errors.find((x) => x.code === 'import-cycle')!;
    expect(d.message).toMatch(/main\.rules -> b\.rules -> main\.rules/);
    expect(d.span?.file).toBe('b.rules');
    const miss = runPipeline({ 'main.rules': 'import "nope.rules"\n' });
    expect(miss.errors[0]).toMatchObject({ code: 'import-missing', span: { file: 'main.rules', start: { line: 1, col: 8 } } });
  });

  it('imported ops are visible to rules, and a rule for an undeclared op is an error', () => {
    const p = runPipeline({ 'main.rules': 'import "ops.rules"\narch x86_64 {\n  a -> nop\n  zz -> nop\n}\n', 'ops.rules': 'op a()\n' });
    expect(codes(p)).toEqual(['unknown-op']);
    expect(p.errors[0]!.span!.start.line).toBe(4);
  });

  it('several errors in one run, sorted by place', () => {
    const p = runPipeline({ 'main.rules': 'op a()\nop a()\nop b(u65)\narch mips {\n}\n' });
    expect(codes(p).sort()).toEqual(['duplicate-op', 'unknown-arch', 'unknown-type']);
  });

  it('bad raw bytes and incomplete NOP tables', () => {
    const p = runPipeline({ 'main.rules': 'op a()\narch x86_64 {\n  a -> bytes 0f 0g\n}\nnops x86_64 {\n  1: 90\n  3: 0f 1f 00\n}\n' });
    expect(codes(p).sort()).toEqual(['bad-byte', 'nops-incomplete']);
  });
});

describe('declared NOP tables', () => {
  const i386 = 'nops i386 {\n  1: 90\n  2: 89 f6\n  3: 8d 76 00\n  4: 8d 74 26 00\n  5: 3e 8d 74 26 00\n  6: 8d b6 00 00 00 00\n  7: 8d b4 26 00 00 00 00\n  8: 3e 8d b4 26 00 00 00 00\n}\n';
  it("Linux's i386 x86_nops (nops.h) are NOPs: movl %esi,%esi and lea 0(%esi),%esi change nothing in 32-bit code", () => {
    const p = runPipeline({ 'main.rules': `op a()\narch i386 {\n  a -> nop\n}\n${i386}` });
    expect(p.errors).toEqual([]);
  });
  it('the same 2-byte entry on x86_64 is refused: a 32-bit move clears the upper half of rsi', () => {
    const p = runPipeline({ 'main.rules': 'op a()\narch x86_64 {\n  a -> nop\n}\nnops x86_64 {\n  1: 90\n  2: 89 f6\n}\n' });
    expect(p.errors.map((d) => [d.code, d.message])).toEqual([['nops-not-nop', 'the 2-byte entry of the x86_64 NOP table `mov %esi,%esi` is not a NOP']]);
  });
});
