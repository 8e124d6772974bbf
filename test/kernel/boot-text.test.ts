// The boot-time text passes (texttable, src/kernel/bootText.ts) on a small ELF built by GNU as with each table
// Linux 6.1 x86_64 has, laid out as the shipped rules/linux/boot-text-6.1-x86_64.rules say: the predicted ELF
// is disassembled by objdump (the reference), and the allow-list lists the runtime-dependent sites' forms.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { writeRules } from '../helpers/rules.js';
import { buildElf, LINUX_6_1_NOPS } from './synthetic.js';

const SHIPPED = resolve(import.meta.dirname, '../../rules/linux');

const ASM = `.text
.globl _start
_start: nop
__fentry__: ret
__x86_return_thunk: ret
  int3
f1: call __fentry__
r1: .byte 0xe9
  .long __x86_return_thunk - (. + 4)
j1: .byte 0x66, 0x90
j2: .byte 0x66, 0x90
jt: nop
sc1: .byte 0xe8
  .long __SCT__foo - (. + 4)
sc2: .byte 0xe8
  .long __SCT__bar - (. + 4)
__SCT__foo: .byte 0xe9
  .long foo_func - (. + 4)
  .byte 0x0f, 0xb9, 0xcc
__SCT__bar: .byte 0xe9
  .long foo_func - (. + 4)
  .byte 0x0f, 0xb9, 0xcc
foo_func: ret
other_func: ret
.data
.balign 8
__SCK__foo: .quad other_func, 0
__SCK__bar: .quad foo_func, 0
key_off: .long 0, 0, 0, 0
key_on: .long 1, 0, 0, 0
__start___jump_table:
  .long j1 - ., jt - .
  .quad key_off - .
  .long j2 - ., jt - .
  .quad key_on - .
__stop___jump_table:
__start_static_call_sites:
  .long sc1 - ., __SCK__foo - .
  .long sc2 - ., __SCK__bar - .
__stop_static_call_sites:
__start_mcount_loc:
  .quad f1
__stop_mcount_loc:
.section .return_sites,"a"
  .long r1 - .
.section .altinstructions,"a"
  .long _start - ., 1f - .
  .short 3*32+21
  .byte 1, 1
.section .altinstr_replacement,"ax"
1: nop
`;

/** objdump's instructions from a label to the next one, as `mnemonic operands` text. */
function objdumpAt(file: string, label: string): string[] {
  const out = execFileSync('objdump', ['-d', '--no-show-raw-insn', file], { encoding: 'utf8' });
  const at = out.indexOf(`<${label}>:\n`);
  expect(at, label).toBeGreaterThan(0);
  const block = out.slice(at).split('\n\n')[0]!.split('\n').slice(1);
  return block.map((l) => l.split('\t').slice(1).join(' ').replace(/\s+/g, ' ').trim()).filter(Boolean);
}

describe('texttable passes on a synthetic kernel', () => {
  let built: ReturnType<typeof buildElf>;
  let dir: string;
  beforeAll(() => {
    built = buildElf(ASM, 'boottext');
    // The shipped layouts; the static call updates name keys this binary has (bar → NULL).
    const boot = readFileSync(join(SHIPPED, 'boot-text-6.1-x86_64.rules'), 'utf8').replace(/^ruleset .*$/m, '').replace(/^ {2}update .*\n/gm, '').replace(/(texttable static_call_(sites|trampolines) \{\n)/g, '$1  update bar NULL\n');
    dir = writeRules({ 'k.rules': `op a()\narch x86_64 {\n  a -> nop\n}\n${LINUX_6_1_NOPS}import "${join(SHIPPED, 'alternatives-6.1.rules')}"\n${boot}` });
    writeFileSync(join(dir, 'cpu.txt'), 'X86_FEATURE_ALWAYS\n');
  });
  afterAll(() => built?.cleanup());

  it('predicts each table as the kernel writes it', async () => {
    const out = join(dir, 'out.elf');
    const r = await cli('predict', '--rules', join(dir, 'k.rules'), '--cpu', join(dir, 'cpu.txt'), built.file, '-o', out, '--allow-list', join(dir, 'allow.json'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(objdumpAt(out, 'f1')).toEqual(['nopl 0x0(%rax,%rax,1)']); // ftrace_make_nop(): x86_nops[5]
    expect(objdumpAt(out, 'r1')).toEqual(['ret', 'int3', 'int3', 'int3', 'int3']); // patch_return() without RETHUNK
    expect(objdumpAt(out, 'j1')).toEqual(['xchg %ax,%ax']); // key off, not a branch: the NOP stays
    expect(objdumpAt(out, 'j2')[0]).toMatch(/^jmp [0-9a-f]+ <jt>$/); // key on: the image's state is the jmp
    expect(objdumpAt(out, 'sc1')).toEqual([expect.stringMatching(/^call [0-9a-f]+ <other_func>$/)]); // the key's function
    expect(objdumpAt(out, 'sc2')).toEqual(['nopl 0x0(%rax,%rax,1)']); // updated to NULL: x86_nops[5]
    expect(objdumpAt(out, '__SCT__foo')[0]).toMatch(/^jmp [0-9a-f]+ <foo_func>$/); // not updated: kept
    expect(objdumpAt(out, '__SCT__bar').slice(0, 2)).toEqual(['ret', 'int3']); // updated to NULL: RET form
    expect(r.out).toMatch(/mcount_loc: 1 sites, 5 bytes changed: 1 nop/);
    expect(r.out).toMatch(/jump_table: 2 sites, 2 bytes changed, 2 runtime-dependent \(static key\)/);
    const allow = JSON.parse(readFileSync(join(dir, 'allow.json'), 'utf8'));
    const sc1 = allow.sites.find((s: { symbol: string }) => s.symbol === 'sc1');
    expect(sc1.table).toBe('static_call_sites');
    expect(sc1.dependsOn).toBe('static call key: __SCK__foo');
    expect(sc1.legal.map((f: { bytes?: string; branch?: string }) => f.bytes ?? f.branch)).toEqual([sc1.predicted, 'call rel32', '0f 1f 44 00 00', '2e 2e 2e 31 c0']);
  });

  it('a CPU file is required; an unknown pass is an input error', async () => {
    const noCpu = await cli('predict', '--rules', join(dir, 'k.rules'), built.file);
    expect(noCpu.code).toBe(2);
    const bad = writeRules({ 'b.rules': readFileSync(join(dir, 'k.rules'), 'utf8').replace('pass linux-6.1-returns', 'pass linux-6.1-retruns') });
    const r = await cli('predict', '--rules', join(bad, 'b.rules'), '--cpu', join(dir, 'cpu.txt'), built.file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no text pass 'linux-6.1-retruns'/);
  });
});
