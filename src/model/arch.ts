import type { Bitness } from '../asm/types.js';
import { LINUX_I386_REGPARM3, SYSV_X86_64, type Convention } from './abi.js';
import { LINUX_I386_NOPS, LINUX_X86_64_NOPS, type NopTable } from './nops.js';
import { nearest } from './suggest.js';

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

/** Other names people write for these architectures (toolchains, distributions, Linux's own). */
const ALIASES: ReadonlyMap<string, string> = new Map([
  ['amd64', 'x86_64'],
  ['x86-64', 'x86_64'],
  ['x64', 'x86_64'],
  ['x86_64', 'x86_64'],
  ['intel64', 'x86_64'],
  ['i486', 'i386'],
  ['i586', 'i386'],
  ['i686', 'i386'],
  ['ia32', 'i386'],
  ['x86_32', 'i386'],
  ['x32', 'i386'],
]);

/** The architecture an unknown name most likely means: a known alias, else the closest name. */
export function archAlias(text: string): string | undefined {
  const lower = text.toLowerCase();
  // `x86-64` lexes as `x86` `-` `64`, so `x86` alone is the usual sight of it, and it could mean either.
  if (lower === 'x86') return undefined;
  return ALIASES.get(lower) ?? nearest(text, ARCHES.keys());
}

/** "did you mean" for an unknown architecture name. */
export function archHints(text: string): string[] {
  if (text.toLowerCase() === 'x86') return ["did you mean 'x86_64' (64-bit) or 'i386' (32-bit)?", `known: ${archNames().join(', ')}`];
  const alias = archAlias(text);
  return [...(alias ? [`did you mean '${alias}'?`] : []), `known: ${archNames().join(', ')}`];
}
