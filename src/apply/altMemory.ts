// The alternatives loop's view of the output being patched: virtual addresses through the ELF's segments.
import { lookupVaddr, type ElfFile, type ElfPatcher } from '../binary/index.js';
import { InputError } from '../diag/diagnostic.js';
import type { AltMemory } from './altLoop.js';

export function patcherMemory(elf: ElfFile, patcher: ElfPatcher): AltMemory {
  return {
    read(addr, len, clamp = false) {
      // A decoder's look-ahead may run past the end of the code: give it what exists.
      for (let n = len; n >= 0; n--) {
        const l = lookupVaddr(elf, addr, Math.max(n, 1));
        if (l.ok) return patcher.data.slice(l.offset, l.offset + n);
        if (!clamp) throw new InputError(`${elf.fileName}: 0x${addr.toString(16)} (+${len}): ${l.reason}`);
      }
      return new Uint8Array(0);
    },
    write: (addr, bytes) => patcher.writeVaddr(addr, bytes),
  };
}
