// A table's bounds read from the code that computes its size (apply/tableBounds.ts), for kernels whose kallsyms
// lists no data symbols: built with GNU as + ld at test time, the expected bounds are the linker's symbols
// (read back with nm), never patchc's own output.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundsFromSizeCode } from '../../src/apply/tableBounds.js';
import { loadKernelOrElf, SymbolTable } from '../../src/binary/index.js';

function build(asm: string, bits: 32 | 64) {
  const dir = mkdtempSync(join(tmpdir(), 'patchc-bounds-'));
  writeFileSync(join(dir, 't.s'), asm);
  execFileSync('as', [bits === 32 ? '--32' : '--64', '-o', join(dir, 't.o'), join(dir, 't.s')]);
  execFileSync('ld', ['-m', bits === 32 ? 'elf_i386' : 'elf_x86_64', '-o', join(dir, 't'), join(dir, 't.o')]);
  const nm = new Map(execFileSync('nm', [join(dir, 't')], { encoding: 'utf8' }).trim().split('\n').map((l) => l.split(' ')).map(([a, , n]) => [n!, BigInt(`0x${a}`)] as const));
  return { file: join(dir, 't'), nm };
}

// What jump_label_init() does with its table (kernel/jump_label.c v6.1), as gcc emits it for i386; only the
// function is given to the reader, as a kernel's kallsyms gives text symbols alone.
const ASM = (bits: 32 | 64) => `
  .text
  .globl _start, walker, plain
_start: ret
walker:
  push %ebx
  mov $stop_tbl, %eax
  mov $0, %ecx
  sub $start_tbl, %eax
  pop %ebx
  ret
plain:
  mov $stop_tbl, %eax
  sub $4, %eax
  ret
  .data
  .long 0
start_tbl: .rept 6
  .long 1, 2, 3
  .endr
stop_tbl:
`.replace(/%e(ax|bx|cx)/g, bits === 64 ? '%r$1' : '%e$1');

describe('table bounds from the size computation', () => {
  for (const bits of [32, 64] as const) {
    it(`${bits}-bit: the mov/sub pair in the named function gives [start, stop)`, async () => {
      const b = build(ASM(bits), bits);
      const { elf } = await loadKernelOrElf(b.file);
      const symbols = new SymbolTable('system.map', [{ name: 'walker', address: b.nm.get('walker')!, kind: 'T' }, { name: 'plain', address: b.nm.get('plain')!, kind: 'T' }]);
      expect(boundsFromSizeCode(elf, symbols, 'walker', 12)).toEqual({ start: b.nm.get('start_tbl'), stop: b.nm.get('stop_tbl') });
      // Not a whole number of entries of another stride: no answer rather than a wrong one.
      expect(boundsFromSizeCode(elf, symbols, 'walker', 16)).toMatchObject({ problem: expect.stringMatching(/no `mov \$stop, %reg` … `sub \$start, %reg` of a whole number of 16-byte entries in 'walker'/) });
      // `sub $4` is not an address in the file.
      expect('problem' in boundsFromSizeCode(elf, symbols, 'plain', 4)).toBe(true);
      expect(boundsFromSizeCode(elf, symbols, 'nowhere', 12)).toEqual({ problem: "function 'nowhere' is not in the kernel's symbols" });
    });
  }
});
