// Reading the kernel's export tables (__ksymtab, __ksymtab_gpl) from its image. The truth is Debian's real
// kernels in ../shared/linux/ (present in CI, skipped with a note on a fresh clone) and their real System.map:
// every export must be the System.map symbol of that name, at its address, and have its `__ksymtab_<name>`
// entry symbol; the linker script's own bounds (__start___ksymtab ..) say how many there are.

import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/diag/diagnostic.js';
import { parseElf } from '../../src/binary/elf/read.js';
import { findSection } from '../../src/binary/elf/layout.js';
import type { ElfFile } from '../../src/binary/elf/types.js';
import { readKsymtab } from '../../src/binary/ksymtab.js';
import { loadSymbols, loadSystemMap } from '../../src/binary/systemMap.js';
import { loadKernelOrElf } from '../../src/binary/vmlinuz.js';
import { buildFixtures, readBytes, repoRoot } from './fixtures.js';

const sharedLinux = path.resolve(repoRoot, '../shared/linux');
const kernels = existsSync(sharedLinux) ? readdirSync(sharedLinux).filter((d) => existsSync(path.join(sharedLinux, d, `vmlinuz-${d}`))).sort() : [];
if (!kernels.length) console.warn(`test/binary/ksymtab.test.ts: skipping the real-kernel tests: no kernels in ${sharedLinux}`);

const kernelElf = async (release: string): Promise<ElfFile> => (await loadKernelOrElf(path.join(sharedLinux, release, `vmlinuz-${release}`))).elf;

describe('export tables: none', () => {
  it('an ordinary executable or shared object has none', () => {
    const fx = buildFixtures();
    try {
      for (const f of [fx.elf64exec, fx.elf32exec, fx.so64]) expect(readKsymtab(parseElf(readBytes(f), f))).toBeUndefined();
    } finally {
      fx.cleanup();
    }
  });
});

describe(`export tables of Debian's kernels, against their real System.map${kernels.length ? '' : ' [SKIPPED: ../shared/linux is absent]'}`, () => {
  if (!kernels.length) it.skip(`needs the kernels in ${sharedLinux} (absent here; CI has them)`, () => {});
  for (const release of kernels) {
    it(`${release}: every export is the System.map symbol of that name`, async () => {
      const elf = await kernelElf(release);
      const k = readKsymtab(elf)!;
      expect(k.layout).toBe('prel32'); // x86 selects HAVE_ARCH_PREL32_RELOCATIONS on both bitnesses
      const map = (await loadSystemMap(path.join(sharedLinux, release, `System.map-${release}.xz`)));
      const bound = (a: string, b: string) => Number(map.addressOf(b)! - map.addressOf(a)!) / 12;
      expect(k.symbols.length).toBe(bound('__start___ksymtab', '__stop___ksymtab') + bound('__start___ksymtab_gpl', '__stop___ksymtab_gpl'));
      const wrong = k.symbols.filter((s) => map.addressOf(s.name) !== s.address || map.addressOf(`__ksymtab_${s.name}`) === undefined);
      expect(wrong.slice(0, 5).map((s) => `${s.name} ${s.address.toString(16)}`)).toEqual([]);
      // The image alone gives pv_ops, even where kallsyms has no data symbols (686: no KALLSYMS_ALL).
      const symbols = await loadSymbols(elf);
      expect(symbols?.addressOf('pv_ops')).toBe(map.addressOf('pv_ops'));
      console.info(`${release}: ${k.symbols.length} exports, all equal to System.map; loadSymbols source ${symbols?.source}`);
    });
  }

  const i386 = kernels.find((r) => r.endsWith('-686'));
  it.skipIf(!i386)('a damaged name offset is refused at its entry, not skipped', async () => {
    const elf = await kernelElf(i386!);
    const sec = findSection(elf, '__ksymtab_gpl')!;
    const data = elf.data.slice();
    const at = sec.offset + 12 * 7;
    new DataView(data.buffer).setInt32(at + 4, 0x7000_0000, true);
    let err: unknown;
    try {
      readKsymtab(parseElf(data, 'damaged'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).at?.offset).toBe(at);
    expect((err as InputError).message).toMatch(/__ksymtab_gpl entry 7: its name pointer .* is not a string in __ksymtab_strings/);
  });
});
