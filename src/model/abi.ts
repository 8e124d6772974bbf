// Calling conventions as data: where arguments and results live, and who saves what.

export interface Convention {
  name: string;
  /** Argument registers at the word width, in order. */
  args: string[];
  /** Return register at the word width. */
  ret: string;
  /** For values twice the word width (u64 on i386): [low, high] register pairs. */
  wideArgs?: [string, string][];
  wideRet?: [string, string];
  callerSaved: string[];
  calleeSaved: string[];
  source: string;
}

/** System V AMD64 ABI, §3.2.3 (parameter passing). */
export const SYSV_X86_64: Convention = {
  name: 'sysv-x86_64',
  args: ['rdi', 'rsi', 'rdx', 'rcx', 'r8', 'r9'],
  ret: 'rax',
  callerSaved: ['rax', 'rcx', 'rdx', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11'],
  calleeSaved: ['rbx', 'rbp', 'r12', 'r13', 'r14', 'r15', 'rsp'],
  source: 'System V AMD64 psABI 3.2.3',
};

/**
 * The Linux i386 kernel convention: gcc -mregparm=3. Arguments in eax, edx, ecx; a 64-bit argument
 * takes a register pair (low, high) from that list (gcc's regparm rules: edx:eax for the first), result
 * in eax or edx:eax.
 */
export const LINUX_I386_REGPARM3: Convention = {
  name: 'linux-i386-regparm3',
  args: ['eax', 'edx', 'ecx'],
  ret: 'eax',
  wideArgs: [['eax', 'edx']],
  wideRet: ['eax', 'edx'],
  callerSaved: ['eax', 'ecx', 'edx'],
  calleeSaved: ['ebx', 'esi', 'edi', 'ebp', 'esp'],
  source: 'Linux arch/x86/Makefile (-mregparm=3), gcc regparm',
};

/** Sub-registers of the 16 general-purpose registers, by width. */
const GPR: Record<string, { 8: string; 16: string; 32: string; 64: string }> = {};
for (const [r64, r32, r16, r8] of [
  ['rax', 'eax', 'ax', 'al'],
  ['rcx', 'ecx', 'cx', 'cl'],
  ['rdx', 'edx', 'dx', 'dl'],
  ['rbx', 'ebx', 'bx', 'bl'],
  ['rsp', 'esp', 'sp', 'spl'],
  ['rbp', 'ebp', 'bp', 'bpl'],
  ['rsi', 'esi', 'si', 'sil'],
  ['rdi', 'edi', 'di', 'dil'],
  ...[8, 9, 10, 11, 12, 13, 14, 15].map((n) => [`r${n}`, `r${n}d`, `r${n}w`, `r${n}b`]),
] as const) {
  const entry = { 8: r8, 16: r16, 32: r32, 64: r64 };
  for (const name of [r64, r32]) GPR[name] = entry;
}

/** `rdi` at 32 bits is `edi`. Undefined for registers that have no such sub-register. */
export function subRegister(reg: string, bits: 8 | 16 | 32 | 64): string | undefined {
  return GPR[reg]?.[bits];
}

const FULL = new Map<string, { 32: string; 64: string }>();
for (const e of Object.values(GPR)) for (const name of [e[8], e[16], e[32], e[64]]) FULL.set(name, { 32: e[32], 64: e[64] });

/** The full-width register a (sub-)register belongs to: `dil` → `rdi` on x86_64, `di` → `edi` on i386. */
export function fullRegister(reg: string, wordBits: 32 | 64): string | undefined {
  return FULL.get(reg)?.[wordBits];
}
