import type { Bitness } from '../asm/types.js';
import { LINUX_I386_REGPARM3, SYSV_X86_64, type Convention } from './abi.js';
import { LINUX_I386_NOPS, LINUX_X86_64_NOPS, type NopTable } from './nops.js';

export interface ArchInfo {
  name: string;
  bitness: Bitness;
  wordBits: 32 | 64;
  convention: Convention;
  defaultNops: NopTable;
  elfMachine: number;
}

export const ARCHES: ReadonlyMap<string, ArchInfo> = new Map([
  ['x86_64', { name: 'x86_64', bitness: 64, wordBits: 64, convention: SYSV_X86_64, defaultNops: LINUX_X86_64_NOPS, elfMachine: 62 }],
  ['i386', { name: 'i386', bitness: 32, wordBits: 32, convention: LINUX_I386_REGPARM3, defaultNops: LINUX_I386_NOPS, elfMachine: 3 }],
]);

export function archNames(): string[] {
  return [...ARCHES.keys()];
}
