// A CodeSource over an ELF file: bytes of its executable sections, names from its symbols.
import type { ElfFile, SymbolTable } from '../../binary/index.js';
import { CodeMap } from '../../apply/codeMap.js';
import { newPlace } from '../../apply/sites.js';
import type { CodeSource } from './decodeFunction.js';

/**
 * Linux's return thunks: with CONFIG_RETHUNK every `ret` of the kernel is compiled as a jump to one of
 * these, and apply_returns() turns it back into `ret` at boot (arch/x86/kernel/alternative.c).
 */
const RETURN_THUNKS = /^(__x86_return_thunk|srso_return_thunk|srso_alias_return_thunk|retbleed_return_thunk|zen_return_thunk|__ret)$/;

export function binaryCode(elf: ElfFile, symbols: SymbolTable | undefined, code = new CodeMap(elf)): CodeSource {
  const place = newPlace();
  const thunks = new Map<bigint, boolean>();
  return {
    bitness: elf.header.class === 64 ? 64 : 32,
    codeAt(address, n) {
      for (let len = n; len > 0; len--) {
        if (!code.place(address, len, place)) continue;
        const at = place.range.offset + place.rel;
        return elf.data.subarray(at, at + len);
      }
      return undefined;
    },
    describe(address) {
      return symbols ? symbols.describe(address) : `0x${address.toString(16)}`;
    },
    isReturnThunk(address) {
      let t = thunks.get(address);
      if (t === undefined) {
        const near = symbols?.nearest(address);
        thunks.set(address, (t = !!near && near.offset === 0n && RETURN_THUNKS.test(near.symbol.name)));
      }
      return t;
    },
  };
}
