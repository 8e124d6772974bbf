// Address mapping, section queries, reading and patching, checked against readelf and objcopy.

import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/diag/diagnostic.js';
import {
  isExecutable,
  lookupVaddr,
  offsetToVaddr,
  readVaddr,
  sectionAtOffset,
  sectionAtVaddr,
  sectionData,
  vaddrToOffset,
} from '../../src/binary/elf/layout.js';
import { ElfPatcher } from '../../src/binary/elf/patch.js';
import { parseElf } from '../../src/binary/elf/read.js';
import type { ElfFile } from '../../src/binary/elf/types.js';
import { buildFixtures, readBytes, readelfSections, readelfSegments, run, type Fixtures } from './fixtures.js';

let fx: Fixtures;
beforeAll(() => {
  fx = buildFixtures();
});
afterAll(() => fx?.cleanup());

function load(file: string): ElfFile {
  return parseElf(readBytes(file), file);
}

/** Section contents as objcopy extracts them: the outside reference for reads. */
function objcopySection(file: string, name: string): Uint8Array {
  const out = path.join(fx.scratch, `sec-${path.basename(file)}${name.replace(/\W/g, '_')}.bin`);
  run('objcopy', ['-O', 'binary', `--only-section=${name}`, file, out]);
  return new Uint8Array(readFileSync(out));
}

describe.each(['elf32exec', 'elf64exec', 'so64'] as const)('vaddr <-> offset through PT_LOAD: %s', (which) => {
  it('every allocated, file-backed section maps as readelf lays it out', () => {
    const file = fx[which];
    const elf = load(file);
    const secs = readelfSections(file).filter((s) => s.flags.includes('A') && s.type !== 'NOBITS' && s.size > 0n);
    expect(secs.length).toBeGreaterThan(2);
    for (const s of secs) {
      expect(vaddrToOffset(elf, s.addr), s.name).toBe(s.offset);
      expect(vaddrToOffset(elf, s.addr + s.size - 1n), s.name).toBe(s.offset + Number(s.size) - 1);
      expect(vaddrToOffset(elf, s.addr, Number(s.size)), s.name).toBe(s.offset);
      expect(offsetToVaddr(elf, s.offset), s.name).toBe(s.addr);
      expect(sectionAtVaddr(elf, s.addr)?.name).toBe(s.name);
      expect(sectionAtOffset(elf, s.offset)?.name).toBe(s.name);
      expect(isExecutable(elf, s.addr), s.name).toBe(s.flags.includes('X'));
    }
  });

  it('every PT_LOAD maps its file bytes and nothing past p_filesz', () => {
    const file = fx[which];
    const elf = load(file);
    for (const seg of readelfSegments(file).filter((p) => p.type === 'LOAD' && p.filesz > 0)) {
      expect(vaddrToOffset(elf, seg.vaddr)).toBe(seg.offset);
      expect(vaddrToOffset(elf, seg.vaddr + BigInt(seg.filesz) - 1n)).toBe(seg.offset + seg.filesz - 1);
      if (seg.memsz > BigInt(seg.filesz)) {
        // The zero-filled tail (.bss) has no file bytes.
        const l = lookupVaddr(elf, seg.vaddr + BigInt(seg.filesz));
        expect(l.ok).toBe(false);
      }
    }
  });

  it('offset -> vaddr -> offset round-trips for every byte of every PT_LOAD', () => {
    const elf = load(fx[which]);
    for (const p of elf.programHeaders.filter((p) => p.type === 1 && p.filesz > 0)) {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: p.filesz - 1 }), (d) => {
          const v = offsetToVaddr(elf, p.offset + d);
          return v !== undefined && vaddrToOffset(elf, v) === p.offset + d;
        }),
        { numRuns: 200, seed: 1 },
      );
    }
  });

  it('reads section contents equal to objcopy -O binary --only-section', () => {
    const file = fx[which];
    const elf = load(file);
    for (const name of ['.text', '.data']) {
      const sec = elf.sections.find((s) => s.name === name)!;
      const ref = objcopySection(file, name);
      expect(readVaddr(elf, sec.addr, sec.fileSize)).toEqual(ref);
      expect(sectionData(elf, sec)).toEqual(ref);
    }
  });
});

describe('relocatable objects (no program headers): mapping through SHF_ALLOC sections', () => {
  it.each(['elf32rel', 'elf64rel'] as const)('%s: addresses shared by several sections are ambiguous', (which) => {
    const elf = load(fx[which]);
    expect(elf.programHeaders).toHaveLength(0);
    // .text, .data, .rodata, .parainstructions all start at 0.
    const l = lookupVaddr(elf, 0n);
    expect(l.ok).toBe(false);
    if (!l.ok) expect(l.reason).toMatch(/ambiguous/);
    expect(sectionAtVaddr(elf, 0n)).toBeUndefined();
    expect(() => readVaddr(elf, 0n, 1)).toThrow(InputError);
    // Beyond the shorter sections, only .text covers address 0x10 (the .text is 0x14 bytes).
    const text = elf.sections.find((s) => s.name === '.text')!;
    expect(vaddrToOffset(elf, 0x10n)).toBe(text.offset + 0x10);
    // ...but .bss (no file bytes) covers it too: executable only if every covering section is.
    expect(isExecutable(elf, 0x10n)).toBe(false);
  });
});

describe('ElfPatcher', () => {
  it('writes inside .text, saves atomically, leaves the input alone; objdump sees the new bytes', async () => {
    const file = fx.elf64exec;
    const before = readBytes(file);
    const elf = parseElf(before, file);
    const text = elf.sections.find((s) => s.name === '.text')!;
    const p = new ElfPatcher(elf);
    p.writeVaddr(text.addr + 5n, new Uint8Array([0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90]));
    expect(p.writes).toHaveLength(1);
    expect(p.writes[0]!.before).toEqual(before.subarray(text.offset + 5, text.offset + 12));
    const out = path.join(fx.scratch, 'patched64');
    await p.save(out);
    expect(readBytes(file)).toEqual(before);
    expect(elf.data).toEqual(before);
    const ref = objcopySection(out, '.text');
    expect(Array.from(ref.subarray(5, 12))).toEqual([0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90]);
    const dis = run('objdump', ['-d', '--no-show-raw-insn', out]).toString();
    expect(dis.match(/\tnop/g)?.length).toBeGreaterThanOrEqual(7);
    expect(readdirSync(fx.scratch).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses writes outside one section, into .bss, into header tables, or into symbol/name tables', () => {
    const elf = load(fx.elf32exec);
    const p = new ElfPatcher(elf);
    const text = elf.sections.find((s) => s.name === '.text')!;
    const bss = elf.sections.find((s) => s.name === '.bss')!;
    const strtab = elf.sections.find((s) => s.name === '.strtab')!;
    const bad: [string, () => void][] = [
      ['past .text', () => p.write(text.offset + text.fileSize - 1, new Uint8Array(2))],
      ['.bss', () => p.writeVaddr(bss.addr, new Uint8Array(1))],
      ['ELF header', () => p.write(0, new Uint8Array(1))],
      ['.strtab', () => p.write(strtab.offset + 1, new Uint8Array(1))],
      ['past EOF', () => p.write(elf.data.length, new Uint8Array(1))],
      ['negative', () => p.write(-1, new Uint8Array(1))],
    ];
    for (const [what, f] of bad) expect(f, what).toThrow(InputError);
    expect(p.writes).toHaveLength(0);
    expect(p.data).toEqual(elf.data);
  });
});
