import { describe, expect, it } from 'vitest';
import { SourceText } from '../../src/diag/source.js';
import { parseRules } from '../../src/syntax/parse.js';

const parse = (text: string) => parseRules(new SourceText('t.rules', text));

describe('parser', () => {
  it('reads every statement kind with locations', () => {
    const r = parse(`ruleset a.b
syntax att
import "x.rules"
op ident64(u64) -> u64 : identity(arg0) max 8
arch x86_64 max 12 {
  ident64 -> mov %rdi, %rax   # comment
  save_fl -> pushf; pop %rax
  blk -> {
    1: jz 1f
    {disp32} mov 0(%rdi), %eax
  }
  raw -> bytes 0f 0b
  target _paravirt_nop -> {}
  missing -> trap
  default -> call target
}
nops i386 {
  1: 90
}
opstable t {
  symbol pv_ops
  slots { a b 7: c }
}`);
    expect(r.diagnostics).toEqual([]);
    const kinds = r.ast.statements.map((s) => s.kind);
    expect(kinds).toEqual(['ruleset', 'syntax', 'import', 'op', 'arch', 'nops', 'opstable']);
    const arch = r.ast.statements[4]!;
    if (arch.kind !== 'arch') throw new Error('arch');
    const texts = arch.rules.map((x) => (x.replacement.kind === 'asm' ? x.replacement.instructions.map((i) => i.text) : x.replacement.kind));
    expect(texts).toEqual([['mov %rdi, %rax'], ['pushf', 'pop %rax'], ['1: jz 1f', '{disp32} mov 0(%rdi), %eax'], 'bytes', [], 'trap', ['call target']]);
    // Spans are exact source positions: the first instruction of line 6 starts at column 14.
    const first = arch.rules[0]!.replacement;
    if (first.kind !== 'asm') throw new Error('asm');
    expect(first.instructions[0]!.span.start).toMatchObject({ line: 6, col: 14 });
  });

  it('recovers and reports several syntax errors in one run, each located', () => {
    const r = parse(`op a(u64 -> u64
op b() -> u64
arch x86_64 {
  b -> 
  b mov rax, rdi
}
`);
    expect(r.diagnostics.length).toBeGreaterThanOrEqual(2);
    for (const d of r.diagnostics) {
      expect(d.span?.file).toBe('t.rules');
      expect(d.span!.start.line).toBeGreaterThan(0);
    }
    expect(r.diagnostics[0]!.span!.start.line).toBe(1);
    expect(r.diagnostics[0]!.message).toMatch(/expected/);
    // Recovery keeps the statement after the broken one.
    expect(r.ast.statements.some((s) => s.kind === 'op' && s.name.text === 'b')).toBe(true);
  });

  it('reports characters the language does not have, with their position', () => {
    const r = parse('op a() : opaque\narch x86_64 {\n  a -> cli \u00a7\n}\n');
    const d = r.diagnostics.find((x) => x.code === 'lex-unexpected-char');
    expect(d?.span?.start).toMatchObject({ line: 3, col: 12 });
  });
});
