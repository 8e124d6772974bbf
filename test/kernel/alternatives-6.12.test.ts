// The alternatives pass as Linux 6.12 runs it, on ELFs built by GNU as at test time. Each case is an entry (or
// a nested run) in 6.12's 14-byte shape; the expected result is a second build of the same source in which the
// site's code is written out as what 6.12 leaves there (instructions assembled by GNU as at the site's own
// address, the kernel's NOPs from nops.h v6.12 as bytes, add_nop()'s jmp-over-int3 as bytes), so every expected
// byte comes from GNU as, ld and the kernel's source, not from patchc.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ElfPatcher, elfSymbolTable, findSection, parseElf, sectionData, type ElfFile } from '../../src/binary/index.js';
import { altTableOf, loadCpuFor, runAlternatives } from '../../src/kernel/alternatives.js';
import { readTextFile } from '../../src/model/load.js';
import { buildTables } from '../../src/pipeline/build.js';
import { toHex } from '../../src/table/hex.js';
import type { PatchTable } from '../../src/table/types.js';
import { buildElf } from './synthetic.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// nops.h v6.12, CONFIG_64BIT (BYTES_NOP1..11, ASM_NOP_MAX 11).
const NOP8 = '0x0f,0x1f,0x84,0x00,0x00,0x00,0x00,0x00';
const NOP: Record<number, string> = {
  1: '0x90',
  2: '0x66,0x90',
  3: '0x0f,0x1f,0x00',
  4: '0x0f,0x1f,0x40,0x00',
  5: '0x0f,0x1f,0x44,0x00,0x00',
  6: '0x66,0x0f,0x1f,0x44,0x00,0x00',
  7: '0x0f,0x1f,0x80,0x00,0x00,0x00,0x00',
  8: NOP8,
  9: `0x2e,${NOP8}`,
  10: `0x66,0x2e,${NOP8}`,
  11: `0x66,0x66,0x2e,${NOP8}`,
};
const nops = (...ns: number[]): string => ns.map((n) => `.byte ${NOP[n]}`).join('; ');
const NOPS_RULES = `nops x86_64 {\n${Object.entries(NOP).map(([n, b]) => `  ${n}: ${b.split(',').map((x) => x.slice(2)).join(' ')}`).join('\n')}\n}\n`;

const word = (feature: number, ...flags: ('not' | 'direct-call')[]): string => `${feature | (flags.includes('not') ? 1 << 16 : 0) | (flags.includes('direct-call') ? 2 << 16 : 0)}`;
const ALWAYS = 3 * 32 + 21;
const XENPV = 8 * 32 + 16;
const RETPOLINE = 11 * 32 + 12; // hidden from cpuinfo ("" in cpufeatures.h)
const CALL_ALWAYS = word(ALWAYS, 'direct-call');

interface Case {
  len: number;
  orig: string;
  /** `len`: the entry's instrlen when not the whole site (an inner ALTERNATIVE of a nested one). */
  alts: { word: string; repl: string; len?: number }[];
  /** What 6.12 leaves at the site. */
  expect: string;
  outcomes: string[];
}

const CASES: Record<string, Case> = {
  directCall: { len: 6, orig: 'call *slot_native(%rip)', alts: [{ word: CALL_ALWAYS, repl: 'call BUG_func' }], expect: 'call native_helper; .byte 0x90', outcomes: ['applied'] },
  directCallNopFunc: { len: 6, orig: 'call *slot_nop(%rip)', alts: [{ word: CALL_ALWAYS, repl: 'call BUG_func' }], expect: nops(6), outcomes: ['applied'] },
  directCallNull: { len: 6, orig: 'call *slot_null(%rip)', alts: [{ word: CALL_ALWAYS, repl: 'call BUG_func' }], expect: 'call BUG_func; .byte 0x90', outcomes: ['applied'] },
  // PVOP_ALT_CALL with ALT_NOT_XEN: the direct call first, the inline replacement over it.
  pvAltCall: { len: 6, orig: 'call *slot_native(%rip)', alts: [{ word: CALL_ALWAYS, repl: 'call BUG_func' }, { word: word(XENPV, 'not'), repl: 'cli' }], expect: `cli; ${nops(5)}`, outcomes: ['applied', 'applied'] },
  pvAltCallXen: { len: 6, orig: 'call *slot_native(%rip)', alts: [{ word: CALL_ALWAYS, repl: 'call BUG_func' }, { word: word(XENPV), repl: 'cli' }], expect: 'call native_helper; .byte 0x90', outcomes: ['applied', 'not-applied'] },
  notAppliedLongRun: { len: 16, orig: 'cli', alts: [{ word: word(XENPV), repl: 'sti' }], expect: 'cli; .byte 0xeb, 13; .fill 13, 1, 0xcc', outcomes: ['not-applied'] },
  altNot: { len: 8, orig: 'cli', alts: [{ word: word(XENPV, 'not'), repl: 'sti' }], expect: `sti; ${nops(7)}`, outcomes: ['applied'] },
  callRebased: { len: 16, orig: 'cli', alts: [{ word: `${ALWAYS}`, repl: 'call native_helper' }], expect: `call native_helper; ${nops(11)}`, outcomes: ['applied'] },
  // 6.1 copies a call that is not the whole replacement as linked; 6.12 re-bases every branch.
  callInside: { len: 16, orig: 'cli', alts: [{ word: `${ALWAYS}`, repl: 'cli; call native_helper' }], expect: `cli; call native_helper; ${nops(10)}`, outcomes: ['applied'] },
  ripRelative: { len: 8, orig: 'cli', alts: [{ word: `${ALWAYS}`, repl: 'mov slot_native(%rip), %rax' }], expect: 'mov slot_native(%rip), %rax; .byte 0x90', outcomes: ['applied'] },
  jmpShort: { len: 16, orig: 'cli', alts: [{ word: `${ALWAYS}`, repl: '.byte 0xe9; .long target_fwd - (. + 4)' }], expect: `.byte 0xeb, target_fwd - (. + 1); .byte 0xcc, 0xcc, 0xcc; ${nops(11)}`, outcomes: ['applied'] },
  jmpFar: { len: 16, orig: 'cli', alts: [{ word: `${ALWAYS}`, repl: '.byte 0xe9; .long far_target - (. + 4)' }], expect: `.byte 0xe9; .long far_target - (. + 4); ${nops(11)}`, outcomes: ['applied'] },
  // The inner entry says 6 bytes, the outer 8: 6.12 widens both to 8, so the 0xcc after the inner code is replaced.
  nestedWidened: { len: 8, orig: 'cli; .skip 5, 0x90; .byte 0xcc, 0xcc', alts: [{ word: `${ALWAYS}`, repl: 'sti', len: 6 }, { word: word(XENPV), repl: 'cli' }], expect: `sti; ${nops(7)}`, outcomes: ['applied', 'not-applied'] },
  pauseIsNotNop: { len: 8, orig: 'pause; nop; nop; cli', alts: [{ word: word(XENPV), repl: 'sti' }], expect: `pause; ${nops(2)}; cli; ${nops(3)}`, outcomes: ['not-applied'] },
  singleNopAtEnd: { len: 3, orig: 'cli; sti; nop', alts: [{ word: word(XENPV), repl: 'sti' }], expect: 'cli; sti; nop', outcomes: ['not-applied'] },
  undecided: { len: 16, orig: 'cli', alts: [{ word: `${RETPOLINE}`, repl: 'sti' }], expect: 'cli; .byte 0xeb, 13; .fill 13, 1, 0xcc', outcomes: ['undecided'] },
};

function source(expected: boolean): string {
  const out = ['.text', '.globl _start', '_start:', '  ret'];
  for (const [name, c] of Object.entries(CASES)) {
    out.push('.balign 32', `case_${name}:`, '661:');
    out.push(expected ? c.expect : c.orig);
    out.push(`  .skip ${c.len} - (. - 661b), ${expected ? '0xcc' : '0x90'}`, '663:');
    c.alts.forEach((a, i) => {
      out.push('  .pushsection .altinstructions,"a"', '  .long 661b - .', `  .long 664${i}f - .`, `  .long ${a.word}`, `  .byte ${a.len ?? '663b-661b'}`, `  .byte 665${i}f-664${i}f`, '  .popsection');
      out.push('  .pushsection .altinstr_replacement,"ax"', `664${i}:`, `  ${a.repl}`, `665${i}:`, '  .popsection');
    });
    if (name === 'jmpShort') out.push('target_fwd: ret');
  }
  out.push('.globl native_helper', 'native_helper: ret', '.globl nop_func', 'nop_func: ret', '.globl BUG_func', 'BUG_func: ud2', '.skip 300, 0xcc', 'far_target: ret');
  out.push('.data', '.balign 8', 'slot_native: .quad native_helper', 'slot_nop: .quad nop_func', 'slot_null: .quad 0', '');
  return out.join('\n');
}

const RULES = `ruleset test.alternatives612
import "alternatives-6.12.rules"
${NOPS_RULES}arch x86_64 {
}
`;

function table(): PatchTable {
  const path = join(REPO, 'rules/linux/test-alternatives-612.rules');
  const built = buildTables(path, () => ['x86_64'], (p) => (p === path ? { text: RULES } : readTextFile(p)));
  expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return built.tables[0]!;
}

const load = (file: string): ElfFile => parseElf(new Uint8Array(readFileSync(file)), file);
const symbol = (elf: ElfFile, name: string): bigint => elf.symtab.find((s) => s.name === name)!.value;
const readVaddrOf = (elf: ElfFile, addr: bigint, len: number): Uint8Array => new ElfPatcher(elf).readVaddr(addr, len).slice();

describe('the alternatives pass as Linux 6.12 runs it', () => {
  let built: ReturnType<typeof buildElf>;
  let want: ReturnType<typeof buildElf>;
  let elf: ElfFile;
  let expected: ElfFile;
  beforeAll(() => {
    built = buildElf(source(false), 'alt612');
    want = buildElf(source(true), 'alt612-expected');
    elf = load(built.file);
    expected = load(want.file);
  });
  afterAll(() => {
    built?.cleanup();
    want?.cleanup();
  });

  it('both builds have the same addresses and the same table', () => {
    for (const name of Object.keys(CASES)) expect(symbol(expected, `case_${name}`)).toBe(symbol(elf, `case_${name}`));
    expect(toHex(sectionData(expected, findSection(expected, '.altinstructions')!))).toBe(toHex(sectionData(elf, findSection(elf, '.altinstructions')!)));
  });

  it.each(Object.keys(CASES))('%s', (name) => {
    const c = CASES[name]!;
    const t = table();
    // A name list is the whole set (ALWAYS set, the rest clear); the undecided case reads cpuinfo, which hides RETPOLINE.
    const undecided = c.outcomes.includes('undecided');
    const cpu = loadCpuFor(altTableOf(t), undecided ? 'cpuinfo' : 'names.txt', new TextEncoder().encode(undecided ? 'flags\t\t: fpu\nbugs\t\t:\n' : 'X86_FEATURE_ALWAYS\n'));
    expect(cpu.diagnostics).toEqual([]);
    const patcher = new ElfPatcher(elf);
    const r = runAlternatives(elf, patcher, t, cpu.set!, elfSymbolTable(elf));
    const at = symbol(elf, `case_${name}`);
    expect(r.results.filter((x) => x.entry.instrAddr === at).map((x) => x.outcome)).toEqual(c.outcomes);
    expect(toHex(patcher.readVaddr(at, c.len))).toBe(toHex(readVaddrOf(expected, at, c.len)));
  });

  it('without symbols a direct call is not reproduced (nop_func decides between a call and NOPs)', () => {
    const t = table();
    const cpu = loadCpuFor(altTableOf(t), 'names.txt', new TextEncoder().encode('X86_FEATURE_ALWAYS\n'));
    const r = runAlternatives(elf, new ElfPatcher(elf), t, cpu.set!);
    const mine = r.results.filter((x) => x.entry.instrAddr === symbol(elf, 'case_directCall'));
    expect(mine.map((x) => x.outcome)).toEqual(['unsupported']);
    expect(mine[0]!.reason).toMatch(/nop_func/);
  });
});
