// The alternatives truth test (issue 13): Debian's 6.1 and 6.12 kernels booted under QEMU on two CPU models; patchc is given
// the capability words the kernel itself tested (boot_cpu_data.x86_capability dumped by gdb on entry to
// apply_alternatives()), runs the paravirt pass and then the alternatives pass, and every byte of every
// .altinstructions site must equal the booted kernel's text. Not compared, but counted and printed by cause with
// how many of them differ: bytes another boot-time table rewrites that patchc does not reproduce. 6.1.192's
// start_kernel() runs jump_label_init() and ftrace_init() before arch_cpu_finalize_init() → alternatives, and
// alternative_instructions() runs apply_retpolines() and apply_returns() just before apply_alternatives(): their
// bytes count as rewritten only where no applied entry wrote over them afterwards. Jump labels and static calls
// can also be switched after the pass, so their bytes are never compared. The return and retpoline tables also
// list sites inside .altinstr_replacement: bytes an applied entry copied from there are not compared either.
// 6.12 (no .parainstructions: its paravirt sites are ALT_FLAG_DIRECT_CALL entries) runs the same order in
// alternative_instructions(): apply_retpolines(), apply_returns(), then apply_alternatives().
// The 6.1 i386 (686) kernel boots under qemu-system-i386 (-cpu qemu32, max): the same pass and 12-byte entries
// decoded as 32-bit code, with its 32-bit NOP table; no retpoline/return/static-call site tables (objtool is
// x86_64-only). Its apply_alternatives() also runs earlier, on the vDSO (identify_boot_cpu() -> sysenter_setup()),
// before cpu_select_mitigations(): the dump takes the words at the call for __alt_instructions.
import { describe, expect, it } from 'vitest';
import { compareAlternatives } from './altCompare.js';
import { DEBIAN_6_1_I386, DEBIAN_6_1_X86_64, DEBIAN_6_12_X86_64, KernelBoot } from './truth.js';

/** The kernels compared: their boot, their rule set and arch, their .altinstructions entry size, the CPU models. */
const KERNELS = [
  { name: '6.1.0-56-cloud-amd64', boot: new KernelBoot(DEBIAN_6_1_X86_64), rules: 'linux-6.1-x86_64.rules', arch: 'x86_64', altStride: 12, cpus: ['qemu64', 'max'] },
  { name: '6.12.117+deb12-cloud-amd64', boot: new KernelBoot(DEBIAN_6_12_X86_64), rules: 'linux-6.12-x86_64.rules', arch: 'x86_64', altStride: 14, cpus: ['qemu64', 'max'] },
  { name: '6.1.0-57-686', boot: new KernelBoot(DEBIAN_6_1_I386), rules: 'linux-6.1-i386.rules', arch: 'i386', altStride: 12, cpus: ['qemu32', 'max'] },
] as const;

describe.each(KERNELS.flatMap((k) => k.cpus.map((cpu) => ({ k, name: k.name, cpu, skip: k.boot.skipReason(cpu) }))))('alternatives of $name on -cpu $cpu vs the booted kernel', ({ k, cpu, skip }) => {
  it.skipIf(skip !== undefined)(`every .altinstructions site equals the booted kernel, byte for byte${skip ? ` (skipped: ${skip})` : ''}`, async () => {
    const r = await compareAlternatives(k, cpu);
    expect(r.mismatches).toEqual([]);
    expect(r.equal).toBe(r.total);
  }, 600_000);
});
