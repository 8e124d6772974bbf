// A small kernel-shaped ELF built at test time with GNU as/ld: paravirt sites recorded in .parainstructions
// (Linux's _paravirt_alt() shape, 16-byte entries), some wrapped in an ALTERNATIVE whose entries are
// emitted the way Linux 6.1's ALTERNATIVE macro does (alternative.h: `.long 661b - .`, `.long 6641f - .`,
// `.word feature`, `.byte 663b-661b`, `.byte 6651f-6641f`, replacement in .altinstr_replacement), and an
// x86_nops pointer table like the kernel's. Each site exercises one case of the cross-check.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** ALT_NOT(X86_FEATURE_XENPV): 8*32+16 with bit 15. */
export const NOT_XENPV = 0x8110;
export const XENPV = 0x0110;
/** X86_FEATURE_ALWAYS (3*32+21): a real CPU feature the bare-metal profile does not claim to know. */
export const ALWAYS = 0x75;

/** slot → op name, in pv_ops order (the rule file below uses the same slots). */
export const SLOTS = ['irq.irq_disable', 'irq.irq_enable', 'cpu.io_delay', 'mmu.read_cr2', 'irq.save_fl', 'cpu.wbinvd', 'cpu.call_helper', 'cpu.multi', 'cpu.partial', 'cpu.xen_only'] as const;

export interface SiteSpec {
  slot: number;
  /** ALTERNATIVEs over the site, in table order: feature word and replacement (AT&T, `;`-separated). */
  alts?: { word: number; repl: string; instrlen?: number }[];
}

/** What each site is for; the tests name sites by these keys. */
export const SITES = {
  agree: { slot: 0, alts: [{ word: NOT_XENPV, repl: 'cli' }] },
  wrongReplacement: { slot: 1, alts: [{ word: NOT_XENPV, repl: 'sti' }] }, // the rules say cli
  plainCall: { slot: 2 },
  inlineNoAlt: { slot: 3 }, // the rules inline mov %cr2,%rax; the kernel has no ALTERNATIVE
  ruleCalls: { slot: 4, alts: [{ word: NOT_XENPV, repl: 'pushf; pop %rax' }] }, // the rules have no rule: default call
  unknownFeature: { slot: 5, alts: [{ word: ALWAYS, repl: 'wbinvd' }] },
  relocatedCall: { slot: 6, alts: [{ word: NOT_XENPV, repl: 'call native_helper' }] },
  twoAlts: { slot: 7, alts: [{ word: NOT_XENPV, repl: 'cli' }, { word: NOT_XENPV, repl: 'sti' }] }, // last wins: sti
  partial: { slot: 8, alts: [{ word: NOT_XENPV, repl: 'cli', instrlen: 3 }] },
  notApplied: { slot: 9, alts: [{ word: XENPV, repl: 'cli' }] },
} satisfies Record<string, SiteSpec>;

export type SiteKey = keyof typeof SITES;

/** The kernel's NOP table for v6.1 (nops.h); `odd5` swaps the 5-byte one for a prefixed `nop`. */
function nopTableAsm(odd5: boolean): string {
  const nops = ['0x90', '0x66,0x90', '0x0f,0x1f,0x00', '0x0f,0x1f,0x40,0x00', odd5 ? '0x66,0x66,0x66,0x66,0x90' : '0x0f,0x1f,0x44,0x00,0x00', '0x66,0x0f,0x1f,0x44,0x00,0x00', '0x0f,0x1f,0x80,0x00,0x00,0x00,0x00', '0x0f,0x1f,0x84,0x00,0x00,0x00,0x00,0x00'];
  return [
    '.section .rodata',
    'x86nops:',
    ...nops.map((n, i) => `x86nops_${i + 1}: .byte ${n}`),
    '.data',
    '.balign 8',
    '.globl x86_nops',
    'x86_nops:',
    '  .quad 0',
    ...nops.map((_, i) => `  .quad x86nops_${i + 1}`),
  ].join('\n');
}

/** One paravirt site: `call *pv_ops+8*slot(%rip)` recorded in .parainstructions (Linux's _paravirt_alt()). */
function paraCall(slot: number): string {
  return [
    '771:',
    `  call *pv_ops+${8 * slot}(%rip)`,
    '772:',
    '  .pushsection .parainstructions,"a"',
    '  .balign 8',
    '  .quad 771b',
    `  .byte ${slot}`,
    '  .byte 772b-771b',
    '  .short 0x1ff',
    '  .balign 8',
    '  .popsection',
  ].join('\n');
}

/** Linux 6.1's ALTERNATIVE shape around the site; extra entries for the same code as ALTERNATIVE_2 does. */
function siteAsm(s: SiteSpec, n: number): string {
  const out = [`site_${n}:`];
  if (!s.alts?.length) return [...out, paraCall(s.slot)].join('\n');
  out.push('661:', paraCall(s.slot), '662:');
  // The kernel pads the original with NOPs up to the longest replacement; ours are never longer.
  out.push('663:');
  s.alts.forEach((a, i) => {
    const len = a.instrlen === undefined ? '663b-661b' : String(a.instrlen);
    out.push('  .pushsection .altinstructions,"a"', '  .long 661b - .', `  .long 664${i}f - .`, `  .word ${a.word}`, `  .byte ${len}`, `  .byte 665${i}f-664${i}f`, '  .popsection');
    out.push('  .pushsection .altinstr_replacement,"ax"', `664${i}:`, ...a.repl.split(';').map((x) => `  ${x.trim()}`), `665${i}:`, '  .popsection');
  });
  return out.join('\n');
}

export function syntheticAsm(options: { odd5?: boolean; extraAltinstructions?: string } = {}): string {
  const keys = Object.keys(SITES) as SiteKey[];
  return [
    '.text',
    '.globl _start',
    '_start:',
    ...keys.map((k, i) => `# ${k}\n${siteAsm(SITES[k], i)}`),
    '  ret',
    ...SLOTS.map((_, i) => `slot_fn_${i}: ret`),
    '.globl native_helper',
    'native_helper: ret',
    options.extraAltinstructions ? `.section .altinstructions,"a"\n${options.extraAltinstructions}` : '',
    nopTableAsm(options.odd5 ?? false),
    '.data',
    '.balign 8',
    '.globl pv_ops',
    'pv_ops:',
    ...SLOTS.map((_, i) => `  .quad slot_fn_${i}`),
    '',
  ].join('\n');
}

/** Assembles and links `asm` into a fresh directory; returns the executable's path and a cleanup. */
export function buildElf(asm: string, name = 'synthetic'): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'patchc-kernel-'));
  const src = path.join(dir, `${name}.s`);
  const obj = path.join(dir, `${name}.o`);
  const file = path.join(dir, name);
  writeFileSync(src, asm);
  execFileSync('as', ['--64', '-o', obj, src], { stdio: 'pipe' });
  execFileSync('ld', ['-m', 'elf_x86_64', '-o', file, obj], { stdio: 'pipe' });
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Linux 6.1's x86_nops (nops.h, ASM_NOP_MAX 8) as a rules block. */
export const LINUX_6_1_NOPS = `nops x86_64 {
  1: 90
  2: 66 90
  3: 0f 1f 00
  4: 0f 1f 40 00
  5: 0f 1f 44 00 00
  6: 66 0f 1f 44 00 00
  7: 0f 1f 80 00 00 00 00
  8: 0f 1f 84 00 00 00 00 00
}
`;

/** The rule set for the synthetic binary: right for most sites, deliberately wrong for a few. */
export const SYNTHETIC_RULES = `
ruleset test.kernel.synthetic
syntax att

op irq.irq_disable() : callee_save opaque
op irq.irq_enable() : callee_save opaque
op cpu.io_delay() : opaque
op mmu.read_cr2() -> ulong : callee_save opaque
op irq.save_fl() -> ulong : callee_save opaque
op cpu.wbinvd() : opaque
op cpu.call_helper() : opaque
op cpu.multi() : opaque
op cpu.partial() : opaque
op cpu.xen_only() : opaque

arch x86_64 {
  irq.irq_disable -> cli
  irq.irq_enable  -> cli                      # wrong on purpose: the kernel's ALTERNATIVE says sti
  mmu.read_cr2    -> mov %cr2, %rax           # inline, though the kernel has no ALTERNATIVE here
  cpu.wbinvd      -> wbinvd
  cpu.call_helper -> call native_helper
  cpu.multi       -> sti
  cpu.partial     -> cli
  cpu.xen_only    -> cli
  default         -> call target              # irq.save_fl has no rule: a call where the kernel inlines
}

${LINUX_6_1_NOPS}
opstable pv_ops {
  symbol pv_ops
  slots {
${SLOTS.map((s) => `    ${s}`).join('\n')}
  }
}

sitetable parainstructions {
  section ".parainstructions"
  stride 16
  site ptr at 0
  op u8 at 8
  len u8 at 9
  ops pv_ops
  expect indirect-call
}
`;
