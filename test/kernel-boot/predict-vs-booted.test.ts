// The whole boot-time text (issue 14): patchc predicts .text and .init.text from the image and the capability
// words the kernel tested (booted.capsAtAlternatives), every rule-set table in the kernel's order (paravirt,
// alternatives and the `texttable`s: jump labels, static calls, ftrace, retpolines, returns, trampolines,
// .smp_locks); the booted kernel's dump must equal the prediction in every byte, except at runtime-dependent
// sites (static keys and static calls boot code may switch, the UP lock fix-up), whose booted bytes must be
// one of their legal forms. Counts per table are printed; the residue (bytes no form explains) is asserted
// per table, so it cannot grow silently.
import { describe, expect, it } from 'vitest';
import { predictVsBooted } from './predictCompare.js';
import { DEBIAN_6_1_I386, DEBIAN_6_1_X86_64, DEBIAN_6_12_X86_64, KernelBoot } from './truth.js';

/** The kernels, their rule sets, and the bytes per table no legal form explains today (the target is none). */
const KERNELS = [
  { name: '6.1.0-56-cloud-amd64', boot: new KernelBoot(DEBIAN_6_1_X86_64), rules: 'kernel-6.1-x86_64.rules', arch: 'x86_64', systemMap: false, cpus: { qemu64: {}, max: {} } },
  { name: '6.12.117+deb12-cloud-amd64', boot: new KernelBoot(DEBIAN_6_12_X86_64), rules: 'kernel-6.12-x86_64.rules', arch: 'x86_64', systemMap: false, cpus: { qemu64: {}, max: {} } },
  { name: '6.1.0-57-686', boot: new KernelBoot(DEBIAN_6_1_I386), rules: 'kernel-6.1-i386.rules', arch: 'i386', systemMap: false, cpus: { qemu32: {}, max: {} } },
] as const;

describe.each(KERNELS.flatMap((k) => Object.entries(k.cpus).map(([cpu, residue]) => ({ k, name: k.name, cpu, residue, skip: k.boot.skipReason(cpu) }))))('predicted text of $name on -cpu $cpu vs the booted kernel', ({ k, cpu, residue, skip }) => {
  it.skipIf(skip !== undefined)(`every byte equals the booted text or a legal form of its runtime-dependent site${skip ? ` (skipped: ${skip})` : ''}`, async () => {
    const r = await predictVsBooted(k, cpu);
    expect(r.wrong).toEqual(residue);
  }, 600_000);
});
