// The kernel's own NOP table, read from the binary: the padding the kernel writes after a replacement
// comes from the kernel, not from the rule set under test.
import { describeInstructions } from '../asm/describe.js';
import { lookupVaddr, type ElfFile, type SymbolTable } from '../binary/index.js';
import type { NopTable } from '../model/nops.js';
import type { KernelProfile } from './layout.js';

/** Far more than any x86 NOP table has (11 in v6.5+); the scan stops at the first entry that is not a NOP. */
const MAX_NOP = 16;

/**
 * Linux's `x86_nops` is `const unsigned char * const x86_nops[ASM_NOP_MAX + 1]`: entry n points at an
 * n-byte NOP, entry 0 is NULL. Read entries 1, 2, ... while each points at one whole n-byte instruction.
 * Without the symbol (no System.map) or when the array does not look like that, the profile's table is used.
 */
export function kernelNops(elf: ElfFile, symbols: SymbolTable | undefined, profile: KernelProfile): NopTable {
  const at = symbols?.addressOf(profile.nopsSymbol);
  if (at === undefined) return profile.fallbackNops;
  const ptrBytes = elf.header.class === 64 ? 8 : 4;
  const bitness = elf.header.class === 64 ? 64 : 32;
  const table = new Map<number, Uint8Array>();
  for (let n = 1; n <= MAX_NOP; n++) {
    const slot = lookupVaddr(elf, at + BigInt(n * ptrBytes), ptrBytes);
    if (!slot.ok) break;
    const dv = new DataView(elf.data.buffer, elf.data.byteOffset + slot.offset, ptrBytes);
    const ptr = ptrBytes === 8 ? dv.getBigUint64(0, true) : BigInt(dv.getUint32(0, true));
    if (ptr === 0n) break;
    const nop = lookupVaddr(elf, ptr, n);
    if (!nop.ok) break;
    const bytes = elf.data.slice(nop.offset, nop.offset + n);
    const d = describeInstructions(bytes, bitness);
    if (!d.whole || d.instructions.length !== 1) break;
    table.set(n, bytes);
  }
  if (table.size === 0) return profile.fallbackNops;
  return { source: `${profile.nopsSymbol} in ${elf.fileName} (0x${at.toString(16)}, 1..${table.size} bytes)`, byLength: table };
}
