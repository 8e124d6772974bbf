// System.map parsing and the unified symbol lookup, checked against nm (which is how the kernel's
// scripts/mksysmap makes System.map) and the ELF symbol table.

import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/diag/diagnostic.js';
import { parseElf } from '../../src/binary/elf/read.js';
import { SymbolTable, elfSymbolTable } from '../../src/binary/symbols.js';
import { TextInputError, checkSymbolsMatch, loadSymbols, loadSystemMap, parseSystemMap } from '../../src/binary/systemMap.js';
import { buildFixtures, readBytes, run, type Fixtures } from './fixtures.js';

let fx: Fixtures;
let mapText: string;
let mapPath: string;
beforeAll(() => {
  fx = buildFixtures();
  mapText = run('nm', ['-n', fx.elf64exec]).toString();
  mapPath = path.join(fx.scratch, 'System.map');
  writeFileSync(mapPath, mapText);
});
afterAll(() => fx?.cleanup());

describe('System.map', () => {
  it('parses nm -n output: every line, same addresses as the ELF symtab', () => {
    const entries = parseSystemMap(mapText, 'System.map');
    expect(entries.length).toBe(mapText.trim().split('\n').length);
    const elf = parseElf(readBytes(fx.elf64exec), fx.elf64exec);
    const fromElf = elfSymbolTable(elf);
    const fromMap = new SymbolTable('system.map', entries);
    for (const name of ['_start', 'helper', 'data_word', 'pv_slot', 'msg', 'buf']) {
      expect(fromMap.addressOf(name), name).toBeDefined();
      expect(fromMap.addressOf(name), name).toBe(fromElf.addressOf(name));
      // nm's letters, derived from sections for the ELF: must match nm's own.
      expect(fromElf.get(name)?.kind, name).toBe(fromMap.get(name)?.kind);
    }
  });

  it('plain, xz and gzip files load the same', async () => {
    const xz = path.join(fx.scratch, 'System.map.xz');
    writeFileSync(xz, run('xz', ['-c'], Buffer.from(mapText)));
    const gz = path.join(fx.scratch, 'System.map.gz');
    writeFileSync(gz, run('gzip', ['-c'], Buffer.from(mapText)));
    const plain = await loadSystemMap(mapPath);
    expect((await loadSystemMap(xz)).symbols).toEqual(plain.symbols);
    expect((await loadSystemMap(gz)).symbols).toEqual(plain.symbols);
    expect(plain.source).toBe('system.map');
  });

  it('a malformed line is an InputError with its line number', () => {
    const text = 'ffffffff81000000 T _text\n\nffffffff81000010 T\nffffffff81000020 t ok\n';
    let err: unknown;
    try {
      parseSystemMap(text, 'map');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect(err).toBeInstanceOf(TextInputError);
    expect((err as TextInputError).line).toBe(3);
    expect((err as Error).message).toMatch(/^map:3: malformed System.map line/);
    for (const bad of ['zzzz T x', '12345678901234567 T x', 'ffff TT x', 'ffff T a b']) {
      expect(() => parseSystemMap(bad, 'm'), bad).toThrow(/m:1:/);
    }
  });

  it('accepts /proc/kallsyms lines with a [module] column, CRLF and blank lines', () => {
    const e = parseSystemMap('ffffffffc0000000 t foo\t[kvm]\r\n\r\nffffffffc0000010 T bar [kvm]\n', 'kallsyms');
    expect(e.map((s) => s.name)).toEqual(['foo', 'bar']);
  });

  it('a corrupt .xz is an InputError', async () => {
    const bad = path.join(fx.scratch, 'bad.xz');
    writeFileSync(bad, Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3]));
    await expect(loadSystemMap(bad)).rejects.toThrow(InputError);
    await expect(loadSystemMap(path.join(fx.scratch, 'missing'))).rejects.toThrow(InputError);
  });
});

describe('SymbolTable', () => {
  const t = new SymbolTable('system.map', parseSystemMap(
    [
      '0000000000000000 D __per_cpu_start',
      '00000000000001ea A kexec_control_code_size',
      'ffffffff81000000 T _stext',
      'ffffffff81000000 t local_at_stext',
      'ffffffff81000000 T _text',
      'ffffffff81000100 t dup',
      'ffffffff81000200 t dup',
      'ffffffff81000300 W weak_fn',
      'ffffffff81000300 t local_fn',
      'ffffffff81000400 T dup',
    ].join('\n'),
    'm',
  ));

  it('address -> nearest symbol + offset, preferring global, then weak, then local, then file order', () => {
    expect(t.nearest(0xffffffff81000005n)).toEqual({ symbol: t.get('_stext'), offset: 5n });
    expect(t.describe(0xffffffff81000000n)).toBe('_stext');
    expect(t.describe(0xffffffff81000305n)).toBe('weak_fn+0x5');
    expect(t.describe(0xffffffff81000250n)).toBe('dup+0x50');
    expect(t.nearest(0xffffffff81000250n)?.symbol.address).toBe(0xffffffff81000200n);
    // Absolute symbols are values, not locations.
    expect(t.describe(0x1f0n)).toBe('__per_cpu_start+0x1f0');
  });

  it('name -> symbol: the global one among duplicates', () => {
    expect(t.all('dup')).toHaveLength(3);
    expect(t.addressOf('dup')).toBe(0xffffffff81000400n);
    expect(t.addressOf('nope')).toBeUndefined();
    expect(new SymbolTable('symtab', []).nearest(5n)).toBeUndefined();
  });

  it('loadSymbols: .symtab first, then System.map, then .dynsym', async () => {
    const stripped = path.join(fx.scratch, 'prog64.stripped');
    run('strip', ['-o', stripped, fx.elf64exec]);
    const soStripped = path.join(fx.scratch, 'lib.stripped.so');
    run('strip', ['-o', soStripped, fx.so64]);
    const full = parseElf(readBytes(fx.elf64exec), 'a');
    const bare = parseElf(readBytes(stripped), 'b');
    const so = parseElf(readBytes(soStripped), 'c');
    expect(bare.symtab).toHaveLength(0);
    expect((await loadSymbols(full, { systemMap: mapPath }))?.source).toBe('symtab');
    expect((await loadSymbols(bare, { systemMap: mapPath }))?.source).toBe('system.map');
    expect(await loadSymbols(bare)).toBeUndefined();
    const dyn = await loadSymbols(so);
    expect(dyn?.source).toBe('dynsym');
    expect(dyn?.get('bump')?.kind).toBe('T');
  });
});

describe('checkSymbolsMatch', () => {
  it('accepts the map of this binary, flags one whose anchors or text symbols are elsewhere', () => {
    const elf = parseElf(readBytes(fx.elf64exec), 'prog64');
    const text = elf.sections.find((s) => s.name === '.text')!;
    const data = elf.sections.find((s) => s.name === '.data')!;
    const ok = new SymbolTable('system.map', [
      ...parseSystemMap(mapText, 'm'),
      { name: '_text', address: text.addr, kind: 'T' },
    ]);
    expect(checkSymbolsMatch(elf, ok)).toEqual([]);
    const shifted = new SymbolTable('system.map', [{ name: '_text', address: text.addr + 0x1000n, kind: 'T' }]);
    const d = checkSymbolsMatch(elf, shifted);
    expect(d.map((x) => x.severity)).toEqual(['error', 'warning']);
    expect(d[0]!.message).toMatch(/_text is at 0x402000 but section .text starts at 0x401000/);
    const inData = new SymbolTable('system.map', [{ name: 'f', address: data.addr, kind: 't' }]);
    expect(checkSymbolsMatch(elf, inData).map((x) => x.severity)).toEqual(['warning']);
  });
});
