import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { tableFromDocument, tableToDocument } from '../../src/table/document.js';
import { writeTables } from '../../src/table/writers.js';
import { runPipeline } from '../helpers/rules.js';

const p = runPipeline({
  'main.rules': `ruleset demo.set
syntax att
op irq.save_fl() -> ulong
op ident64(u64) -> u64
op nop()
arch x86_64 {
  irq.save_fl -> pushf; pop %rax
  ident64 -> mov %rdi, %rax
  nop -> {}
  default -> call target
}
opstable t {
  symbol pv_ops
  slots { irq.save_fl ident64 nop }
}
sitetable s {
  section ".pv"
  stride 16
  site ptr at 0
  op u8 at 8
  len u8 at 9
  clobbers u16 at 10 { rax rcx }
  ops t
  expect indirect-call
}
`,
});

describe('table writers', () => {
  it('compile', () => expect(p.errors).toEqual([]));

  it('YAML and JSON are deterministic and read back to the same table', () => {
    const t = p.compiled.tables[0]!;
    const yaml = writeTables([t], 'yaml');
    expect(writeTables([t], 'yaml')).toBe(yaml);
    const back = tableFromDocument(parse(yaml), 'x.yaml');
    expect(tableToDocument(back).entries).toEqual((tableToDocument(t) as { entries: { asm: unknown }[] }).entries.map((e) => ({ ...e, asm: [] })));
    expect(back.siteTables[0]).toMatchObject({ section: '.pv', stride: 16, clobbers: { width: 2, offset: 10, bits: ['rax', 'rcx'] }, expect: 'indirect-call' });
    const json = writeTables([t], 'json');
    expect(tableFromDocument(JSON.parse(json), 'x.json').entries.map((e) => e.bytes)).toEqual(t.entries.map((e) => e.bytes));
  });

  it('the YAML shows bytes, disassembly, writes and source for review', () => {
    const doc = parse(writeTables(p.compiled.tables, 'yaml')) as { entries: { rule: string; bytes: string; asm: string[]; writes: string[]; source: string }[] };
    const save = doc.entries.find((e) => e.rule === 'op:irq.save_fl')!;
    expect(save.bytes).toBe('9c 58');
    expect(save.asm.join('\n')).toMatch(/pushf[\s\S]*pop %rax/);
    expect(save.writes).toContain('rax');
    expect(save.source).toMatch(/main\.rules:7:3$/);
  });

  it('the C header has one byte array per op, with the instruction in a comment, like paravirt_patch.c', () => {
    const c = writeTables(p.compiled.tables, 'c');
    expect(c).toContain('const unsigned char irq_save_fl[2];');
    expect(c).toMatch(/\.irq_save_fl\s+= \{ 0x9c, 0x58 \},\s+\/\/ pushf; pop %rax/);
    expect(c).toMatch(/default: call .*relocation: target/);
  });

  it('a damaged table document is refused with the field named', () => {
    const doc = tableToDocument(p.compiled.tables[0]!) as Record<string, unknown>;
    const bad = { ...doc, entries: [{ rule: 'op:x', bytes: 'zz' }] };
    expect(() => tableFromDocument(bad, 't.json')).toThrow(/entries\[0\]\.bytes must be hex/);
  });
});

describe('the C header is C', () => {
  it('gcc compiles it, and each array holds the bytes GNU as makes of the rule', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { gnuAssemble } = await import('../asm/unit/gnuAs.js');
    const dir = mkdtempSync(join(tmpdir(), 'patchc-c-'));
    writeFileSync(join(dir, 'table.h'), writeTables(p.compiled.tables, 'c'));
    writeFileSync(
      join(dir, 'main.c'),
      `#include <stdio.h>\n#include "table.h"\nstatic void dump(const char *n, const unsigned char *b, unsigned len) { printf("%s", n); for (unsigned i = 0; i < len; i++) printf(" %02x", b[i]); printf("\\n"); }\nint main(void) {\n  dump("irq_save_fl", patch_data_demo_set_x86_64.irq_save_fl, sizeof patch_data_demo_set_x86_64.irq_save_fl);\n  dump("ident64", patch_data_demo_set_x86_64.ident64, sizeof patch_data_demo_set_x86_64.ident64);\n  return 0;\n}\n`,
    );
    execFileSync('gcc', ['-std=c11', '-Wall', '-Werror', '-o', join(dir, 'main'), join(dir, 'main.c')]);
    const out = execFileSync(join(dir, 'main')).toString().trim().split('\n');
    const gas = gnuAssemble(['pushf; pop %rax', 'mov %rdi, %rax'], { bitness: 64, syntax: 'att' }).map((g) => g.bytes!.match(/../g)!.join(' '));
    expect(out).toEqual([`irq_save_fl ${gas[0]}`, `ident64 ${gas[1]}`]);
  });
});
