// Builds a synthetic ELF64 with N paravirt-style sites (`call *pv_ops+8*slot(%rip)` recorded in .pv_sites,
// the layout of examples/paravirt) with GNU as and ld, for the apply benchmark.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SLOTS = ['pte_val', 'make_pte', 'pmd_val', 'make_pmd', 'save_fl', 'set_pte', 'flush_tlb_hook', 'hash_page'];

export function makeSitesElf(dir: string, sites: number): string {
  const s = `
  .text
  .globl _start
_start:
  .set slot, 0
  .rept ${sites}
771: call *pv_ops+8*slot(%rip)
772:
  .pushsection .pv_sites,"a"
  .quad 771b
  .byte slot, 772b-771b
  .short 0x1ff
  .balign 16
  .popsection
  .set slot, (slot+1) % ${SLOTS.length}
  .endr
  ret
${SLOTS.map((n) => `  .globl f_${n}\nf_${n}: ret`).join('\n')}
  .data
  .globl pv_ops
  .balign 8
pv_ops:
${SLOTS.map((n) => `  .quad f_${n}`).join('\n')}
`;
  writeFileSync(join(dir, 'sites.s'), s);
  execFileSync('as', ['--64', '-o', join(dir, 'sites.o'), join(dir, 'sites.s')]);
  execFileSync('ld', ['-o', join(dir, 'sites.elf'), join(dir, 'sites.o')]);
  return join(dir, 'sites.elf');
}

export const RULES = `ruleset bench.sites
syntax att
op pte_val(u64) -> u64 : identity(arg0)
op make_pte(u64) -> u64 : identity(arg0)
op pmd_val(u64) -> u64 : identity(arg0)
op make_pmd(u64) -> u64 : identity(arg0)
op save_fl() -> ulong : opaque
op set_pte(ptr, u64)
op flush_tlb_hook() : nop
op hash_page(u64) -> u64
arch x86_64 {
  pte_val -> mov %rdi, %rax
  make_pte -> mov %rdi, %rax
  pmd_val -> mov %rdi, %rax
  make_pmd -> mov %rdi, %rax
  save_fl -> pushf; pop %rax
  flush_tlb_hook -> {}
  default -> call target
}
opstable pv_ops {
  symbol pv_ops
  slots { ${SLOTS.join(' ')} }
}
sitetable pv_sites {
  section ".pv_sites"
  stride 16
  site ptr at 0
  op u8 at 8
  len u8 at 9
  clobbers u16 at 10 { rax rcx rdx rdi rsi r8 r9 r10 r11 }
  ops pv_ops
  expect indirect-call
}
`;
