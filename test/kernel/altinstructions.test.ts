// Reading .altinstructions: a table built by GNU as from Linux 6.1's macro shapes, malformed tables, and a
// layout given as data (a 14-byte, v6.3-style entry) to show another kernel version needs no new code.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSection, parseElf, type ElfFile } from '../../src/binary/index.js';
import { InputError } from '../../src/diag/diagnostic.js';
import { AltIndex, LINUX_6_1_X86_ALT, readAltInstructions, type AltInstrLayout } from '../../src/kernel/index.js';
import { toHex } from '../../src/table/hex.js';
import { buildElf, NOT_XENPV, SITES, syntheticAsm, type SiteKey } from './synthetic.js';

function load(file: string): ElfFile {
  return parseElf(new Uint8Array(readFileSync(file)), file);
}

/** Address of a symbol, from the ELF's own symbol table. */
function sym(elf: ElfFile, name: string): bigint {
  const s = elf.symtab.find((x) => x.name === name);
  if (!s) throw new Error(`no symbol ${name}`);
  return s.value;
}

describe('readAltInstructions on a table emitted by Linux 6.1 macro shapes', () => {
  let built: ReturnType<typeof buildElf>;
  let elf: ElfFile;
  beforeAll(() => {
    built = buildElf(syntheticAsm());
    elf = load(built.file);
  });
  afterAll(() => built?.cleanup());

  it('reads one 12-byte entry per ALTERNATIVE, addresses resolved from self-relative offsets', () => {
    const alts = readAltInstructions(elf, LINUX_6_1_X86_ALT);
    const specs = Object.values(SITES).flatMap((s) => ('alts' in s ? s.alts : []));
    expect(alts.length).toBe(specs.length);
    expect(Number(findSection(elf, '.altinstructions')!.size)).toBe(12 * specs.length);
    const keys = Object.keys(SITES) as SiteKey[];
    const first = alts[0]!;
    expect(first.instrAddr).toBe(sym(elf, `site_${keys.indexOf('agree')}`));
    expect(first).toMatchObject({ index: 0, word: NOT_XENPV, feature: 0x110, notSet: true, otherFlags: 0, instrlen: 6, replacementlen: 1, replacementSection: '.altinstr_replacement' });
    expect(toHex(first.replacement)).toBe('fa');
    const pushf = alts.find((a) => a.instrAddr === sym(elf, `site_${keys.indexOf('ruleCalls')}`))!;
    expect(toHex(pushf.replacement)).toBe('9c 58');
    const always = alts.find((a) => a.word === 0x75)!;
    expect(always).toMatchObject({ feature: 0x75, notSet: false });
  });

  it('indexes overlapping entries in table order', () => {
    const alts = readAltInstructions(elf, LINUX_6_1_X86_ALT);
    const index = new AltIndex(alts);
    const keys = Object.keys(SITES) as SiteKey[];
    const two = index.overlapping(sym(elf, `site_${keys.indexOf('twoAlts')}`), 6);
    expect(two.map((a) => toHex(a.replacement))).toEqual(['fa', 'fb']);
    expect(index.overlapping(sym(elf, `site_${keys.indexOf('plainCall')}`), 6)).toEqual([]);
    // The 3-byte entry over the 6-byte site ends at +3: the site's last 3 bytes do not see it, byte +2 does.
    const partialAt = sym(elf, `site_${keys.indexOf('partial')}`);
    expect(index.overlapping(partialAt + 3n, 3)).toEqual([]);
    expect(index.overlapping(partialAt + 2n, 1).length).toBe(1);
  });
});

describe('readAltInstructions rejects malformed tables with the entry file offset', () => {
  const cleanups: (() => void)[] = [];
  afterAll(() => cleanups.forEach((c) => c()));

  function withExtra(extra: string): ElfFile {
    const b = buildElf(syntheticAsm({ extraAltinstructions: extra }), 'bad');
    cleanups.push(b.cleanup);
    return load(b.file);
  }
  const entries = Object.values(SITES).flatMap((s) => ('alts' in s ? s.alts : [])).length;

  function expectInputError(elf: ElfFile, message: RegExp): void {
    const sec = findSection(elf, '.altinstructions')!;
    let caught: unknown;
    try {
      readAltInstructions(elf, LINUX_6_1_X86_ALT);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).message).toMatch(message);
    // The extra (bad) entry comes after the good ones.
    expect((caught as InputError).at?.offset).toBe(sec.offset + 12 * entries);
  }

  it('a truncated table (5 stray bytes after the last entry)', () => {
    expectInputError(withExtra('.byte 1, 2, 3, 4, 5'), /not a whole number of 12-byte entries/);
  });

  it('an entry whose patched code lies outside the file', () => {
    expectInputError(withExtra('.long 0x10000000\n.long _start - .\n.word 0x8110\n.byte 6, 1'), /code it patches .* is outside the file/);
  });

  it('an entry whose replacement lies outside the file', () => {
    expectInputError(withExtra('.long _start - .\n.long 0x10000000\n.word 0x8110\n.byte 6, 1'), /replacement .* is outside the file/);
  });

  it('a binary without .altinstructions', () => {
    const b = buildElf('.text\n.globl _start\n_start: ret\n', 'plain');
    cleanups.push(b.cleanup);
    expect(() => readAltInstructions(load(b.file), LINUX_6_1_X86_ALT)).toThrow(/no section '.altinstructions'/);
  });
});

describe('the layout is data', () => {
  // The v6.3+ shape: u32 ft_flags = cpuid:16 | flags:16, ALT_FLAG_NOT = flag bit 0; instrlen, replacementlen after it.
  const wide: AltInstrLayout = {
    ...LINUX_6_1_X86_ALT,
    name: 'test-14-byte',
    source: 'a 14-byte entry with a u32 feature word (test)',
    stride: 14,
    word: { offset: 8, width: 4 },
    featureMask: 0xffff,
    notSetMask: 0x10000,
    instrlen: { offset: 12, width: 1 },
    replacementlen: { offset: 13, width: 1 },
  };

  it('reads a different entry size and flag position without code changes', () => {
    const asm = [
      '.text', '.globl _start', '_start:', '661:', '  call *slot(%rip)', '662:', '  ret',
      '.pushsection .altinstructions,"a"',
      '  .long 661b - .', '  .long 6641f - .', '  .long 0x110 | (1 << 16)', '  .byte 662b-661b', '  .byte 6651f-6641f',
      '  .long 661b - .', '  .long 6641f - .', '  .long 0x75', '  .byte 662b-661b', '  .byte 6651f-6641f',
      '.popsection',
      '.pushsection .altinstr_replacement,"ax"', '6641:', '  sti', '6651:', '.popsection',
      '.data', 'slot: .quad 0', '',
    ].join('\n');
    const b = buildElf(asm, 'wide');
    try {
      const elf = load(b.file);
      const alts = readAltInstructions(elf, wide);
      expect(alts.map((a) => ({ feature: a.feature, notSet: a.notSet, instrlen: a.instrlen, repl: toHex(a.replacement) }))).toEqual([
        { feature: 0x110, notSet: true, instrlen: 6, repl: 'fb' },
        { feature: 0x75, notSet: false, instrlen: 6, repl: 'fb' },
      ]);
      expect(alts[0]!.instrAddr).toBe(sym(elf, '_start'));
      // Read with the 6.1 layout, the same 28 bytes are not whole 12-byte entries.
      expect(() => readAltInstructions(elf, LINUX_6_1_X86_ALT)).toThrow(InputError);
    } finally {
      b.cleanup();
    }
  });

  it('rejects a layout whose fields leave the entry', () => {
    const b = buildElf(syntheticAsm(), 'layout');
    try {
      expect(() => readAltInstructions(load(b.file), { ...LINUX_6_1_X86_ALT, stride: 11 })).toThrow(/outside the 11-byte entry/);
    } finally {
      b.cleanup();
    }
  });
});
