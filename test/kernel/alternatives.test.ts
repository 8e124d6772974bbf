// The alternatives pass (Linux 6.1's apply_alternatives()) on ELFs built by GNU as at test time. Each case is an
// ALTERNATIVE in 6.1's shape; the expected result is a second build of the same source in which the site's code is
// written out as what 6.1 leaves there (the instructions, assembled by GNU as at the site's own address, and the
// kernel's NOPs from nops.h as bytes), so both builds have the same addresses and every expected byte comes from
// GNU as, ld and the kernel's source, not from patchc.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ElfPatcher, findSection, parseElf, sectionData, type ElfFile } from '../../src/binary/index.js';
import { InputError } from '../../src/diag/diagnostic.js';
import { altTableOf, loadCpuFor, runAlternatives } from '../../src/kernel/alternatives.js';
import { LINUX_6_1_X86_ALT, layoutFromAltTable } from '../../src/kernel/index.js';
import { readTextFile } from '../../src/model/load.js';
import { buildTables } from '../../src/pipeline/build.js';
import { toHex } from '../../src/table/hex.js';
import type { PatchTable } from '../../src/table/types.js';
import { buildElf, LINUX_6_1_NOPS } from './synthetic.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// nops.h v6.1 (BYTES_NOP1..8), as .byte lists.
const NOP: Record<number, string> = {
  2: '0x66,0x90',
  3: '0x0f,0x1f,0x00',
  4: '0x0f,0x1f,0x40,0x00',
  6: '0x66,0x0f,0x1f,0x44,0x00,0x00',
  7: '0x0f,0x1f,0x80,0x00,0x00,0x00,0x00',
  8: '0x0f,0x1f,0x84,0x00,0x00,0x00,0x00,0x00',
};
const nops = (...ns: number[]): string => ns.map((n) => `.byte ${NOP[n]}`).join('; ');

const ALWAYS = '0x75'; // X86_FEATURE_ALWAYS, 3*32+21
const XENPV = '0x110'; // 8*32+16
const NOT_XENPV = '0x8110';
const RETPOLINE = `${11 * 32 + 12}`; // hidden from cpuinfo ("" in cpufeatures.h)

interface Case {
  len: number;
  orig: string;
  alts: { word: string; repl: string }[];
  /** What 6.1 leaves at the site; undefined: the linked replacement of the last entry, then `pad`. */
  expect?: string;
  pad?: number[];
  outcomes: string[];
}

const CASES: Record<string, Case> = {
  callFixup: { len: 16, orig: 'call *slot(%rip)', alts: [{ word: ALWAYS, repl: 'call native_helper' }], expect: `call native_helper; ${nops(8, 3)}`, outcomes: ['applied'] },
  notApplied: { len: 16, orig: 'cli', alts: [{ word: XENPV, repl: 'sti' }], expect: `cli; ${nops(8, 7)}`, outcomes: ['not-applied'] },
  altNot: { len: 16, orig: 'cli', alts: [{ word: NOT_XENPV, repl: 'sti' }], expect: `sti; ${nops(8, 7)}`, outcomes: ['applied'] },
  jmpShort: { len: 16, orig: 'cli', alts: [{ word: ALWAYS, repl: '.byte 0xe9; .long target_fwd - (. + 4)' }], expect: `.byte 0xeb, target_fwd - (. + 1); ${nops(3, 8, 3)}`, outcomes: ['applied'] },
  jmpBack: { len: 16, orig: 'cli', alts: [{ word: ALWAYS, repl: '.byte 0xe9; .long _start - (. + 4)' }], expect: `.byte 0xe9; .long _start - (. + 4); ${nops(8, 3)}`, outcomes: ['applied'] },
  jmpFar: { len: 16, orig: 'cli', alts: [{ word: ALWAYS, repl: '.byte 0xe9; .long far_target - (. + 4)' }], expect: `.byte 0xe9; .long far_target - (. + 4); ${nops(8, 3)}`, outcomes: ['applied'] },
  shortJmpVerbatim: { len: 16, orig: 'cli', alts: [{ word: ALWAYS, repl: '.byte 0xeb, 0x05' }], expect: `.byte 0xeb, 0x05; ${nops(8, 6)}`, outcomes: ['applied'] },
  lastWins: { len: 16, orig: 'cli', alts: [{ word: ALWAYS, repl: 'cli' }, { word: NOT_XENPV, repl: 'sti' }], expect: `sti; ${nops(8, 7)}`, outcomes: ['applied', 'applied'] },
  secondNotApplied: { len: 16, orig: 'nop', alts: [{ word: ALWAYS, repl: 'cli' }, { word: XENPV, repl: 'sti' }], expect: `cli; ${nops(8, 7)}`, outcomes: ['applied', 'not-applied'] },
  nopRunsInOriginal: { len: 16, orig: 'nop; nop; nop; cli', alts: [{ word: XENPV, repl: 'sti' }], expect: `${nops(3)}; cli; ${nops(8, 4)}`, outcomes: ['not-applied'] },
  singleNopKept: { len: 3, orig: 'cli; nop; sti', alts: [{ word: XENPV, repl: 'sti' }], expect: 'cli; nop; sti', outcomes: ['not-applied'] },
  emptyReplacement: { len: 2, orig: 'cli; sti', alts: [{ word: ALWAYS, repl: '' }], expect: '.byte 0x66, 0x90', outcomes: ['applied'] },
  // Not 5 bytes: 6.1 does not re-base the call, the replacement's bytes are copied as linked.
  longCallNotRebased: { len: 16, orig: 'cli', alts: [{ word: ALWAYS, repl: 'call native_helper; cli' }], pad: [8, 2], outcomes: ['applied'] },
  undecided: { len: 16, orig: 'cli', alts: [{ word: RETPOLINE, repl: 'sti' }], expect: `cli; ${nops(8, 7)}`, outcomes: ['undecided'] },
};

/** What the report says 6.1 fixed up in the applied replacement. */
const FIXUPS: Record<string, string> = {
  callFixup: 'call rel32 re-based',
  jmpShort: 'jmp rel32 made short (eb rel8 + 3-byte NOP)',
  jmpBack: 'jmp rel32 re-based',
  jmpFar: 'jmp rel32 re-based',
};

function source(expected: boolean): string {
  const out = ['.text', '.globl _start', '_start:', '  ret'];
  for (const [name, c] of Object.entries(CASES)) {
    out.push('.balign 32', `case_${name}:`, '661:');
    out.push(expected ? (c.expect ?? `.skip ${c.len}, 0xcc`) : c.orig);
    out.push(`  .skip ${c.len} - (. - 661b), ${expected ? '0xcc' : '0x90'}`, '663:');
    c.alts.forEach((a, i) => {
      out.push('  .pushsection .altinstructions,"a"', '  .long 661b - .', `  .long 664${i}f - .`, `  .word ${a.word}`, '  .byte 663b-661b', `  .byte 665${i}f-664${i}f`, '  .popsection');
      out.push('  .pushsection .altinstr_replacement,"ax"', `664${i}:`, `  ${a.repl}`, `665${i}:`, '  .popsection');
    });
    if (name === 'jmpShort') out.push('target_fwd: ret');
  }
  out.push('.globl native_helper', 'native_helper: ret', '.skip 300, 0xcc', 'far_target: ret', '.data', 'slot: .quad 0', '');
  return out.join('\n');
}

const RULES = `ruleset test.alternatives
import "alternatives-6.1.rules"
${LINUX_6_1_NOPS}arch x86_64 {
}
`;

function table(rules = RULES): PatchTable {
  const path = join(REPO, 'rules/linux/test-alternatives.rules');
  const built = buildTables(path, () => ['x86_64'], (p) => (p === path ? { text: rules } : readTextFile(p)));
  expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return built.tables[0]!;
}

const load = (file: string): ElfFile => parseElf(new Uint8Array(readFileSync(file)), file);
const symbol = (elf: ElfFile, name: string): bigint => elf.symtab.find((s) => s.name === name)!.value;

function run(elf: ElfFile, t: PatchTable, cpuText: string, cpuFile = 'cpu.txt') {
  const cpu = loadCpuFor(altTableOf(t), cpuFile, new TextEncoder().encode(cpuText));
  expect(cpu.diagnostics).toEqual([]);
  const patcher = new ElfPatcher(elf);
  return { patcher, run: runAlternatives(elf, patcher, t, cpu.set!) };
}

describe('the alternatives pass as Linux 6.1 runs it', () => {
  let built: ReturnType<typeof buildElf>;
  let want: ReturnType<typeof buildElf>;
  let elf: ElfFile;
  let expected: ElfFile;
  beforeAll(() => {
    built = buildElf(source(false), 'alt');
    want = buildElf(source(true), 'alt-expected');
    elf = load(built.file);
    expected = load(want.file);
  });
  afterAll(() => {
    built?.cleanup();
    want?.cleanup();
  });

  it('both builds have the same addresses', () => {
    for (const name of Object.keys(CASES)) expect(symbol(expected, `case_${name}`)).toBe(symbol(elf, `case_${name}`));
    expect(toHex(sectionData(expected, findSection(expected, '.altinstructions')!))).toBe(toHex(sectionData(elf, findSection(elf, '.altinstructions')!)));
  });

  it.each(Object.keys(CASES))('%s', (name) => {
    const c = CASES[name]!;
    // A name list is the whole set: ALWAYS set, everything else clear (no RETPOLINE: see `undecided` below).
    const { patcher, run: r } = run(elf, table(), c.outcomes.includes('undecided') ? 'flags\t\t: fpu\nbugs\t\t:\n' : 'X86_FEATURE_ALWAYS\n', c.outcomes.includes('undecided') ? 'cpuinfo' : 'names.txt');
    const at = symbol(elf, `case_${name}`);
    const mine = r.results.filter((x) => x.entry.instrAddr === at);
    expect(mine.map((x) => x.outcome)).toEqual(c.outcomes);
    const got = patcher.readVaddr(at, c.len);
    let exp: Uint8Array = readVaddrOf(expected, at, c.len);
    if (!c.expect) {
      const last = mine[mine.length - 1]!.entry;
      const repl = readVaddrOf(elf, last.replAddr, last.replacementlen);
      exp = new Uint8Array([...repl, ...c.pad!.flatMap((n) => NOP[n]!.split(',').map(Number))]);
    }
    expect(toHex(got)).toBe(toHex(exp));
    // None for the rest: a 2-byte `eb`, a call that is not the whole replacement, plain code.
    expect(mine[mine.length - 1]!.fixup).toBe(FIXUPS[name]);
  });

  it('a dump of the words is taken as is; the rule set\'s assumptions fill only what cpuinfo hides', () => {
    const t = table();
    const cpuinfo = loadCpuFor(altTableOf(t), 'cpuinfo', new TextEncoder().encode('flags\t\t: fpu\n'));
    expect(cpuinfo.set!.words[3]! & (1 << 21)).not.toBe(0); // assume X86_FEATURE_ALWAYS set
    const words = loadCpuFor(altTableOf(t), 'words.txt', new TextEncoder().encode(Array(24).fill('0x0').join(' ')));
    expect(words.set!.words[3]).toBe(0);
  });
});

describe('a rule set for one layout refuses a kernel with another', () => {
  const cleanups: (() => void)[] = [];
  afterAll(() => cleanups.forEach((c) => c()));
  // 6.12's shape: u32 ft_flags (feature low half, ALT_FLAG_NOT in bit 16), 14 bytes per entry.
  const entries14 = (n: number) => [
    '.text', '.globl _start', '_start:', '661:', '  call *slot(%rip)', '  .skip 2, 0x90', '662:', '  ret',
    ...Array.from({ length: n }, () => ['.pushsection .altinstructions,"a"', '  .long 661b - .', '  .long 6641f - .', '  .long 0x110 | (1 << 16)', '  .byte 662b-661b', '  .byte 6651f-6641f', '.popsection']).flat(),
    '.pushsection .altinstr_replacement,"ax"', '6641:', '  sti', '6651:', '.popsection', '.data', 'slot: .quad 0', '',
  ].join('\n');
  const refusal = (n: number): InputError => {
    const b = buildElf(entries14(n), `wide${n}`);
    cleanups.push(b.cleanup);
    const elf = load(b.file);
    try {
      run(elf, table(), 'X86_FEATURE_ALWAYS\n');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return e as InputError;
    }
    throw new Error('not refused');
  };

  it('the stride does not divide the section', () => {
    expect(refusal(1).message).toMatch(/14 bytes is not a whole number of 12-byte entries/);
  });

  it('the stride divides it (6 entries of 14 = 7 of 12): implausible entries, how many and which', () => {
    const e = refusal(6);
    expect(e.message).toMatch(/of 7 entries are implausible as alttable altinstructions/);
    expect(e.message).toMatch(/entry \d+ \(file offset 0x[0-9a-f]+\): /);
  });
});

function readVaddrOf(elf: ElfFile, addr: bigint, len: number): Uint8Array {
  return new ElfPatcher(elf).readVaddr(addr, len).slice();
}

describe('the cross-check reads the layout from the rule set', () => {
  it("the shipped alttable gives the cross-check's 6.1 layout; the 6.12 shape its u32 ft_flags word", () => {
    const t = table();
    const { name: _n, source: _s, ...fields } = layoutFromAltTable(altTableOf(t))!;
    const { name: _n2, source: _s2, ...known } = LINUX_6_1_X86_ALT;
    expect(fields).toEqual(known);
    const wide = layoutFromAltTable({ ...altTableOf(t), stride: 14, feature: { width: 2, offset: 8, mask: 0xffff }, flags: { width: 2, offset: 10, bits: [{ bit: 0, name: 'not' }, { bit: 1, name: 'direct-call' }] }, instrlen: { width: 1, offset: 12 }, replacementlen: { width: 1, offset: 13 } })!;
    expect(wide).toMatchObject({ stride: 14, word: { offset: 8, width: 4 }, featureMask: 0xffff, notSetMask: 0x10000, instrlen: { offset: 12 } });
  });
});
