// The shape of a kernel's ALTERNATIVE table, as data: another kernel version is a new object, not new code.
// Like a rule set's `sitetable`, each field is an offset (and width) inside one fixed-size entry.
import { LINUX_I386_NOPS, LINUX_X86_64_NOPS, type NopTable } from '../model/nops.js';

export type Width = 1 | 2 | 4;

export interface AltInstrLayout {
  name: string;
  /** Where the layout is written down (a header and version), for messages and review. */
  source: string;
  /** Section holding the entries, and the one their replacement bytes normally live in. */
  section: string;
  replacementSection: string;
  /** Entry size in bytes (the struct is packed: no trailing padding). */
  stride: number;
  /** s32 fields holding an address relative to the field's own address (`.long 661b - .`). */
  instr: { offset: number };
  repl: { offset: number };
  /** The word that carries the feature number and flags ("cpuid" in 6.1), and how to split it. */
  word: { offset: number; width: Width };
  featureMask: number;
  /** The bit meaning "apply when the feature is NOT set" (ALT_NOT). */
  notSetMask: number;
  instrlen: { offset: number; width: Width };
  replacementlen: { offset: number; width: Width };
}

/**
 * Linux v6.1, arch/x86/include/asm/alternative.h:
 *   struct alt_instr { s32 instr_offset; s32 repl_offset; u16 cpuid; u8 instrlen; u8 replacementlen; } __packed;
 *   #define ALTINSTR_FLAG_INV (1 << 15); #define ALT_NOT(feat) ((feat) | ALTINSTR_FLAG_INV)
 * The ALTINSTR_ENTRY macro emits `.long 661b - .`, `.long 6641f - .`, `.word feature`, `.byte len`, `.byte len`.
 * (v6.3 widened `cpuid` to a u32 `ft_flags` with the flags in its upper half: a different object.)
 */
export const LINUX_6_1_X86_ALT: AltInstrLayout = {
  name: 'linux-6.1-x86',
  source: 'struct alt_instr, arch/x86/include/asm/alternative.h (Linux v6.1)',
  section: '.altinstructions',
  replacementSection: '.altinstr_replacement',
  stride: 12,
  instr: { offset: 0 },
  repl: { offset: 4 },
  word: { offset: 8, width: 2 },
  featureMask: 0x7fff,
  notSetMask: 0x8000,
  instrlen: { offset: 10, width: 1 },
  replacementlen: { offset: 11, width: 1 },
};

/** A CPU feature whose state at boot is known for the environment being checked. */
export interface KnownFeature {
  name: string;
  set: boolean;
  /** Why the state is what it is, in that environment. */
  why: string;
}

/**
 * Everything the cross-check assumes about one kernel build family: its table layout, its NOP table when
 * the binary's own cannot be read, and the boot environment whose result is compared (which features
 * are set). A feature not listed here cannot be interpreted, and an alternative using it is reported.
 */
export interface KernelProfile {
  name: string;
  arch: string;
  layout: AltInstrLayout;
  environment: string;
  features: ReadonlyMap<number, KnownFeature>;
  /** The kernel's NOP table, read from the binary when it has this symbol (with System.map). */
  nopsSymbol: string;
  fallbackNops: NopTable;
}

/** x86 feature numbers are word*32+bit (arch/x86/include/asm/cpufeatures.h, v6.1, word 8: virtualization). */
const x86Feature = (word: number, bit: number): number => word * 32 + bit;

/** Linux 6.1's x86_nops stop at 8 bytes (ASM_NOP_MAX 8, arch/x86/include/asm/nops.h v6.1). */
const LINUX_6_1_X86_64_NOPS: NopTable = {
  source: 'Linux x86_nops, arch/x86/include/asm/nops.h (v6.1: ASM_NOP_MAX 8), CONFIG_64BIT',
  byLength: new Map([...LINUX_X86_64_NOPS.byLength].filter(([n]) => n <= 8)),
};

export const LINUX_6_1_X86_64_BARE_METAL: KernelProfile = {
  name: 'linux-6.1-x86_64',
  arch: 'x86_64',
  layout: LINUX_6_1_X86_ALT,
  environment: 'bare metal or a non-Xen-PV guest, pv_ops as linked (native)',
  features: new Map([
    [x86Feature(8, 16), { name: 'XENPV', set: false, why: 'set only by xen_start_kernel() in a Xen PV guest' }],
    [x86Feature(8, 20), { name: 'PVUNLOCK', set: false, why: 'paravirt_set_cap() sets it only when pv_ops.lock.queued_spin_unlock is not the native thunk' }],
    [x86Feature(8, 21), { name: 'VCPUPREEMPT', set: false, why: 'paravirt_set_cap() sets it only when pv_ops.lock.vcpu_is_preempted is not the native thunk' }],
  ]),
  nopsSymbol: 'x86_nops',
  fallbackNops: LINUX_6_1_X86_64_NOPS,
};

/**
 * Linux 6.1 i386 (no PARAVIRT_XXL): the same alt_instr layout; the only ALTERNATIVEs over paravirt sites are
 * the lock ops' (PVUNLOCK, VCPUPREEMPT). XENPV is listed for completeness: XEN_PV depends on X86_64.
 */
export const LINUX_6_1_I386_BARE_METAL: KernelProfile = {
  ...LINUX_6_1_X86_64_BARE_METAL,
  name: 'linux-6.1-i386',
  arch: 'i386',
  environment: 'bare metal or a guest without PV spinlocks, pv_ops as linked (native)',
  features: new Map([
    [x86Feature(8, 16), { name: 'XENPV', set: false, why: 'no Xen PV guest on 32-bit (XEN_PV depends on X86_64)' }],
    [x86Feature(8, 20), LINUX_6_1_X86_64_BARE_METAL.features.get(x86Feature(8, 20))!],
    [x86Feature(8, 21), LINUX_6_1_X86_64_BARE_METAL.features.get(x86Feature(8, 21))!],
  ]),
  fallbackNops: LINUX_I386_NOPS,
};

export const KERNEL_PROFILES: ReadonlyMap<string, KernelProfile> = new Map(
  [LINUX_6_1_X86_64_BARE_METAL, LINUX_6_1_I386_BARE_METAL].map((p) => [p.name, p]),
);

/** The profile used when none is named: the first one for the binary's architecture. */
export function defaultProfile(arch: string): KernelProfile | undefined {
  return [...KERNEL_PROFILES.values()].find((p) => p.arch === arch);
}

export function featureLabel(profile: KernelProfile, feature: number): string {
  return profile.features.get(feature)?.name ?? `${feature >> 5}*32+${feature & 31}`;
}
