// The binary layer: reading, mapping and patching ELF files, kernel symbols, and vmlinuz extraction.
// It depends only on src/diag. Malformed input is always reported as an InputError.

export type {
  ElfArch,
  ElfClass,
  ElfFile,
  ElfHeader,
  ElfSymbol,
  ProgramHeader,
  SectionHeader,
  SymbolTableKind,
} from './elf/types.js';
export * as elfConst from './elf/types.js';
export { isElf, parseElf } from './elf/read.js';
export {
  addressRegions,
  findSection,
  isExecutable,
  lookupVaddr,
  offsetToVaddr,
  readVaddr,
  requireOffset,
  sectionAtOffset,
  sectionAtVaddr,
  sectionData,
  sectionsAtVaddr,
  vaddrToOffset,
  type AddressRegion,
  type VaddrLookup,
} from './elf/layout.js';
export { ElfPatcher, type ByteWrite } from './elf/patch.js';
export { writeFileAtomic, writeFileAtomicStream, type AtomicWriteOptions } from './atomicWrite.js';
export { SymbolTable, elfSymbolTable, nmKind, type NearestSymbol, type SymbolEntry, type SymbolSource } from './symbols.js';
export { TextInputError, checkSymbolsMatch, loadSymbols, loadSystemMap, parseSystemMap, type SymbolOptions } from './systemMap.js';
export { kallsymsSymbolTable, readKallsyms, type Kallsyms } from './kallsyms/read.js';
export type { AddressEncoding as KallsymsAddressEncoding } from './kallsyms/addresses.js';
export { LZ4_LEGACY_MAGIC, decompressLz4Legacy, type Lz4LegacyResult, type Lz4Options } from './lz4.js';
export {
  extractVmlinux,
  loadKernelOrElf,
  readBzImageHeader,
  type BzImageHeader,
  type ExtractOptions,
  type ExtractedKernel,
  type KernelCompression,
  type LoadedBinary,
} from './vmlinuz.js';
