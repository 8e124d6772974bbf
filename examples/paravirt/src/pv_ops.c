/*
 * pv_ops.c - the ops table of the indirect build and the functions it points at.
 *
 * Built with kernel-like flags (see the Makefile): -mgeneral-regs-only and an 8-byte
 * (x86_64) / 4-byte (i386) preferred stack boundary, because a site is an inline-asm call
 * and the compiler does not keep the stack 16-byte aligned around an asm statement.
 */
#if PV_NATIVE
#error "pv_ops.c belongs to the indirect build only"
#endif

/* Out-of-line, global, and kept: the table and the thunks below refer to them. */
#define PV_NATIVE_FN __attribute__((noinline, used))
#include "pv_native.h"

/*
 * Callee-save thunks, the idea of Linux's PV_CALLEE_SAVE_REGS_THUNK: the site of a
 * callee-save op clobbers only the return register, so the slot points at a thunk that
 * saves every other caller-saved register around the C function. Each thunk is named
 * pv_callee_save_<function>.
 */
#ifdef __x86_64__
#define PV_CALLEE_SAVE_THUNK(fn)                                        \
	asm(".pushsection .text\n"                                      \
	    ".globl pv_callee_save_" #fn "\n"                            \
	    ".type pv_callee_save_" #fn ", @function\n"                  \
	    "pv_callee_save_" #fn ":\n"                                  \
	    "\tpush %rcx\n\tpush %rdx\n\tpush %rsi\n\tpush %rdi\n"      \
	    "\tpush %r8\n\tpush %r9\n\tpush %r10\n\tpush %r11\n"        \
	    "\tcall " #fn "\n"                                          \
	    "\tpop %r11\n\tpop %r10\n\tpop %r9\n\tpop %r8\n"            \
	    "\tpop %rdi\n\tpop %rsi\n\tpop %rdx\n\tpop %rcx\n"          \
	    "\tret\n"                                                   \
	    ".size pv_callee_save_" #fn ", .-pv_callee_save_" #fn "\n"  \
	    ".popsection")
#else
#define PV_CALLEE_SAVE_THUNK(fn)                                        \
	asm(".pushsection .text\n"                                      \
	    ".globl pv_callee_save_" #fn "\n"                            \
	    ".type pv_callee_save_" #fn ", @function\n"                  \
	    "pv_callee_save_" #fn ":\n"                                  \
	    "\tpush %ecx\n\tpush %edx\n"                                \
	    "\tcall " #fn "\n"                                          \
	    "\tpop %edx\n\tpop %ecx\n"                                  \
	    "\tret\n"                                                   \
	    ".size pv_callee_save_" #fn ", .-pv_callee_save_" #fn "\n"  \
	    ".popsection")
#endif

PV_CALLEE_SAVE_THUNK(native_save_fl);
PV_CALLEE_SAVE_THUNK(native_restore_fl);
extern char pv_callee_save_native_save_fl[], pv_callee_save_native_restore_fl[];

/*
 * The identity slots hold paravirt_ident_64 / paravirt_ident_32 themselves, no thunk: as in
 * Linux 6.1 (arch/x86/kernel/paravirt.c: .mmu.pte_val = PTE_IDENT, with
 * #define PTE_IDENT __PV_IS_CALLEE_SAVE(_paravirt_ident_64)), the native identity is declared
 * callee-save as it is, because it writes nothing but its return register (x86_64:
 * mov %rdi,%rax; ret - i386 regparm: a bare ret). check.sh checks that in the binaries, since
 * the identity sites (pv_call.h, __PVOP_CALLEE64) rely on it. A backend whose function may
 * use other registers would need a thunk like the ones above (Linux: PV_CALLEE_SAVE(xen_pte_val)).
 */

/* Cast to the slot's declared type: the shared helpers and the thunks have other C
 * prototypes than the slots (same registers; see pv_types.h). */
#define PV_FILL(slot, fn) .slot = (__typeof__(((struct pv_ops *)0)->slot))(void (*)(void))(fn)

/* Writable, as Linux's pv_ops is (a hypervisor backend fills it at boot); patchc reads
 * the slots from the file. */
struct pv_ops pv_ops = {
	PV_FILL(pte_val, paravirt_ident_64),
	PV_FILL(make_pte, paravirt_ident_64),
	PV_FILL(pmd_val, paravirt_ident_64),
	PV_FILL(make_pmd, paravirt_ident_64),
	PV_FILL(pgd_val, paravirt_ident_64),
	PV_FILL(make_pgd, paravirt_ident_64),
	PV_FILL(ident32, paravirt_ident_32),
	PV_FILL(flush_tlb_hook, paravirt_nop),
	PV_FILL(nop_hook, paravirt_nop),
	PV_FILL(save_fl, pv_callee_save_native_save_fl),
	PV_FILL(restore_fl, pv_callee_save_native_restore_fl),
	PV_FILL(set_pte, native_set_pte),
	PV_FILL(hash_page, native_hash_page),
	.missing_op = 0, /* never filled: its one site is never executed */
};
