// A running kernel's text as a dump: raw bytes with their start address (gdb's `dump binary memory`, a
// hypervisor's read), or an ELF core whose PT_LOAD program headers carry virtual addresses (/proc/kcore,
// a core file): the pieces of memory it holds, by virtual address.
import { isElf, parseElf } from '../binary/index.js';
import { InputError } from '../diag/diagnostic.js';

export interface DumpPiece {
  start: bigint;
  bytes: Uint8Array;
}

const PT_LOAD = 1;

export function readTextDump(file: string, data: Uint8Array, base: bigint | undefined): DumpPiece[] {
  if (isElf(data)) {
    if (base !== undefined) throw new InputError(`${file} is an ELF file: its program headers give the addresses (drop --base)`);
    const elf = parseElf(data, file);
    const pieces = elf.programHeaders.filter((p) => p.type === PT_LOAD && p.filesz > 0).map((p) => ({ start: p.vaddr, bytes: elf.data.subarray(p.offset, p.offset + p.filesz) }));
    if (!pieces.length) throw new InputError(`${file}: an ELF file without file-backed PT_LOAD segments holds no memory`);
    return pieces;
  }
  if (base === undefined) throw new InputError(`${file} is a raw dump: give its start address with --base ADDR`);
  return [{ start: base, bytes: data }];
}
