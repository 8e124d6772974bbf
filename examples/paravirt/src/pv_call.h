/*
 * pv_call.h - the ops as the rest of the program sees them.
 *
 * PV_NATIVE=1: each op is the always-inline native function (pv_native.h); there are no
 * sites and no table. This is the "native" benchmark baseline.
 *
 * PV_NATIVE=0 (default): each op is an indirect call through struct pv_ops, emitted by
 * inline asm so that the instruction is exactly known, and recorded in section .pv_sites
 * - the scheme of Linux's PVOP_CALL / _paravirt_alt (arch/x86/include/asm/paravirt_types.h).
 *
 *   x86_64:  call *pv_ops+OFF(%rip)   ff 15 <rel32>   6 bytes (non-PIE or PIE alike)
 *   i386:    call *pv_ops+OFF         ff 15 <abs32>   6 bytes (needs a non-PIE link)
 *
 * followed by one .pv_sites record (see struct pv_site in pv_types.h):
 *   .balign <ptr size>; <ptr> site; .byte slot; .byte len; .short clobber_mask
 * The .balign before and after every record pads each one to 2 * pointer size (16 / 8
 * bytes), so that the section size is a whole number of records.
 *
 * The asm tells the compiler everything the site may do, so that any replacement that
 * stays within it is safe: the registers of the clobber mask are outputs (their values
 * are dead after the site), memory and flags are clobbered, and arguments are inputs in
 * the ABI's argument registers.
 */
#ifndef PV_CALL_H
#define PV_CALL_H

#include "pv_types.h"

#ifndef PV_NATIVE
#define PV_NATIVE 0
#endif

#if PV_NATIVE

#include "pv_native.h"

static inline u64 pte_val(pte_t p) { return paravirt_ident_64(p.pte); }
static inline pte_t make_pte(u64 v) { return (pte_t){ paravirt_ident_64(v) }; }
static inline u64 pmd_val(pmd_t p) { return paravirt_ident_64(p.pmd); }
static inline pmd_t make_pmd(u64 v) { return (pmd_t){ paravirt_ident_64(v) }; }
static inline u64 pgd_val(pgd_t p) { return paravirt_ident_64(p.pgd); }
static inline pgd_t make_pgd(u64 v) { return (pgd_t){ paravirt_ident_64(v) }; }
static inline u32 ident32(u32 x) { return paravirt_ident_32(x); }
static inline void flush_tlb_hook(void) { paravirt_nop(); }
static inline void nop_hook(void) { paravirt_nop(); }
static inline unsigned long save_fl(void) { return native_save_fl(); }
static inline void restore_fl(unsigned long f) { native_restore_fl(f); }
static inline void set_pte(pte_t *ptep, pte_t pte) { native_set_pte(ptep, pte.pte); }
static inline u32 hash_page(unsigned long pfn, u32 seed) { return native_hash_page(pfn, seed); }
/* The slot is NULL in the indirect build; the trap rule turns its site into ud2. */
static inline unsigned long missing_op(unsigned long x) { (void)x; __builtin_trap(); }

#else /* !PV_NATIVE: indirect calls through pv_ops at recorded sites */

#ifdef __x86_64__
#define PV_CALL_INSN "call *pv_ops+%c[pv_off](%%rip)"
#define PV_ASM_PTR ".quad"
#define PV_ASM_ALIGN "8"
#else
#define PV_CALL_INSN "call *pv_ops+%c[pv_off]"
#define PV_ASM_PTR ".long"
#define PV_ASM_ALIGN "4"
#endif

/*
 * 771/772 are numeric local labels, so the asm may be duplicated by the compiler (inlining,
 * unrolling) and every copy gets its own record. The section is "aR": allocated (so the
 * records are in the loaded image, like .parainstructions) and SHF_GNU_RETAIN, so that
 * ld --gc-sections keeps it although nothing refers to it.
 */
#define PV_SITE_ASM                                              \
	"771:\n\t" PV_CALL_INSN "\n772:\n"                       \
	"\t.pushsection .pv_sites,\"aR\"\n"                      \
	"\t.balign " PV_ASM_ALIGN "\n"                           \
	"\t" PV_ASM_PTR " 771b\n"                                \
	"\t.byte %c[pv_slot]\n"                                  \
	"\t.byte 772b-771b\n"                                    \
	"\t.short %c[pv_clb]\n"                                  \
	"\t.balign " PV_ASM_ALIGN "\n"                           \
	"\t.popsection"

#define PV_SITE_OPERANDS(slot, clb)                              \
	[pv_off] "i"((slot) * sizeof(void *)),                   \
	[pv_slot] "i"(slot),                                     \
	[pv_clb] "i"(clb)

#ifdef __x86_64__

/*
 * An ordinary op (C calling convention): rax, rcx, rdx, rsi, rdi, r8-r11 and the flags
 * may change; the argument registers are inputs. The optional arguments are extra input
 * operands such as `, "D"(x)` (each with its leading
 * comma, as the PV_ARG* macros below write them). Result: rax.
 *
 * The call pushes a return address below %rsp, so code holding sites must not keep data
 * in the red zone: main.c is built with -mno-red-zone (as the kernel is). Nor can the
 * asm know the stack alignment at the site, so the ops (pv_ops.c) are built to need only
 * 8-byte alignment (-mpreferred-stack-boundary=3 -mgeneral-regs-only).
 */
#define __PVOP_CALL(slot, ...)                                                          \
	({                                                                              \
		unsigned long __rax, __rdi, __rsi, __rdx, __rcx;                        \
		asm volatile(PV_SITE_ASM                                                \
			     : "=a"(__rax), "=D"(__rdi), "=S"(__rsi), "=d"(__rdx), "=c"(__rcx) \
			     : PV_SITE_OPERANDS(slot, CLBR_CALL) __VA_ARGS__            \
			     : "memory", "cc", "r8", "r9", "r10", "r11");               \
		(void)__rdi; (void)__rsi; (void)__rdx; (void)__rcx;                     \
		(u64)__rax;                                                             \
	})

/* A callee-save op (Linux PV_CALLEE_SAVE): the target keeps every register but rax
 * (pv_ops.c fills the slot with a register-saving thunk), so the site clobbers only rax
 * and the flags and the compiler may keep live values in the other registers. */
#define __PVOP_CALLEE(slot, ...)                                                        \
	({                                                                              \
		unsigned long __rax;                                                    \
		asm volatile(PV_SITE_ASM                                                \
			     : "=a"(__rax)                                              \
			     : PV_SITE_OPERANDS(slot, CLBR_RET) __VA_ARGS__             \
			     : "memory", "cc");                                         \
		(u64)__rax;                                                             \
	})

/* A callee-save op with a 64-bit result: on x86_64 the same as __PVOP_CALLEE (one register,
 * rax). Linux 6.1's PVOP_CALLEE_CLOBBERS is "=a"(__eax) on x86_64 (see the i386 variant). */
#define __PVOP_CALLEE64(slot, ...) __PVOP_CALLEE(slot, __VA_ARGS__)

#define PV_ARG0(x) , "D"((unsigned long)(x))
#define PV_ARG1(x) , "S"((unsigned long)(x))
/* A 64-bit value is one argument register on x86_64. */
#define PV_ARG0_64(x) PV_ARG0(x)
#define PV_ARG1_64(x) PV_ARG1(x)

#else /* __i386__ */

/*
 * i386, regparm(3): eax, ecx, edx and the flags may change; arguments in eax, edx, ecx.
 * Result: eax, or edx:eax for a 64-bit value - both are outputs, so the macro yields
 * edx:eax and 32-bit callers just take the low half. (No red zone on i386; the ops are
 * built with -mpreferred-stack-boundary=2 for the same alignment reason as above.)
 */
#define __PVOP_CALL(slot, ...)                                                          \
	({                                                                              \
		unsigned long __eax, __edx, __ecx;                                      \
		asm volatile(PV_SITE_ASM                                                \
			     : "=a"(__eax), "=d"(__edx), "=c"(__ecx)                    \
			     : PV_SITE_OPERANDS(slot, CLBR_CALL) __VA_ARGS__            \
			     : "memory", "cc");                                         \
		(void)__ecx;                                                            \
		((u64)__edx << 32) | __eax;                                             \
	})

#define __PVOP_CALLEE(slot, ...)                                                        \
	({                                                                              \
		unsigned long __eax;                                                    \
		asm volatile(PV_SITE_ASM                                                \
			     : "=a"(__eax)                                              \
			     : PV_SITE_OPERANDS(slot, CLBR_RET) __VA_ARGS__             \
			     : "memory", "cc");                                         \
		(u64)__eax;                                                             \
	})

/*
 * A callee-save op whose result may be 64 bits (the page-table identities, ident32): Linux's
 * i386 PVOP_CALLEE_CLOBBERS is "=a"(__eax), "=d"(__edx) - a u64 result is edx:eax, so edx
 * cannot be preserved and both are outputs (mask CLBR_RET64 = eax|edx, Linux's i386
 * CLBR_RET_REG); Linux's i386 callee-save thunk accordingly saves only ecx. ident32 uses the
 * same macro, as Linux's PVOP_CALLEE1 does for every callee-save op on i386.
 * The output is written "=A" (a 64-bit value in the edx:eax pair): the same two registers as
 * Linux's "=a"(__eax), "=d"(__edx), but gcc 12 then keeps the value in edx:eax, whereas
 * rebuilding it as ((u64)__edx << 32) | __eax made it store both halves to the stack and load
 * them back after every site (4 instructions per pte_val site in the benchmark's teardown loop).
 */
#define __PVOP_CALLEE64(slot, ...)                                                      \
	({                                                                              \
		u64 __ret;                                                              \
		asm volatile(PV_SITE_ASM                                                \
			     : "=A"(__ret)                                              \
			     : PV_SITE_OPERANDS(slot, CLBR_RET64) __VA_ARGS__           \
			     : "memory", "cc");                                         \
		__ret;                                                                  \
	})

#define PV_ARG0(x) , "a"((unsigned long)(x))
#define PV_ARG1(x) , "d"((unsigned long)(x))
/* A 64-bit first argument is edx:eax (low in eax). */
#define PV_ARG0_64(x) , "a"((u32)(x)), "d"((u32)((u64)(x) >> 32))
/* A 64-bit second argument after a 32-bit first one is ecx:edx (low in edx) - gcc's
 * regparm rule takes the next two free registers in order eax, edx, ecx. */
#define PV_ARG1_64(x) , "d"((u32)(x)), "c"((u32)((u64)(x) >> 32))

#endif /* __i386__ */

/* Always inlined, so that every use of an op in the source is a site of its own, at the
 * use (gcc would otherwise sometimes keep an out-of-line copy holding one shared site). */
#define PV_INLINE static inline __attribute__((always_inline))

/*
 * The page-table identities and ident32 are callee-save ops, as in Linux 6.1 (pte_val() etc.
 * are PVOP_ALT_CALLEE1 in arch/x86/include/asm/paravirt.h; their slots hold PTE_IDENT =
 * __PV_IS_CALLEE_SAVE(_paravirt_ident_64) in arch/x86/kernel/paravirt.c): the site clobbers
 * only the return register (rax; edx:eax on i386), the flags and memory - Linux's
 * PVOP_CALLEE_CLOBBERS plus the "memory", "cc" that ____PVOP_CALL adds to every site.
 */
PV_INLINE u64 pte_val(pte_t p) { return __PVOP_CALLEE64(PV_SLOT_pte_val, PV_ARG0_64(p.pte)); }
PV_INLINE pte_t make_pte(u64 v) { return (pte_t){ __PVOP_CALLEE64(PV_SLOT_make_pte, PV_ARG0_64(v)) }; }
PV_INLINE u64 pmd_val(pmd_t p) { return __PVOP_CALLEE64(PV_SLOT_pmd_val, PV_ARG0_64(p.pmd)); }
PV_INLINE pmd_t make_pmd(u64 v) { return (pmd_t){ __PVOP_CALLEE64(PV_SLOT_make_pmd, PV_ARG0_64(v)) }; }
PV_INLINE u64 pgd_val(pgd_t p) { return __PVOP_CALLEE64(PV_SLOT_pgd_val, PV_ARG0_64(p.pgd)); }
PV_INLINE pgd_t make_pgd(u64 v) { return (pgd_t){ __PVOP_CALLEE64(PV_SLOT_make_pgd, PV_ARG0_64(v)) }; }
PV_INLINE u32 ident32(u32 x) { return (u32)__PVOP_CALLEE64(PV_SLOT_ident32, PV_ARG0(x)); }
PV_INLINE void flush_tlb_hook(void) { (void)__PVOP_CALL(PV_SLOT_flush_tlb_hook, ); }
PV_INLINE void nop_hook(void) { (void)__PVOP_CALL(PV_SLOT_nop_hook, ); }
PV_INLINE unsigned long save_fl(void) { return (unsigned long)__PVOP_CALLEE(PV_SLOT_save_fl, ); }
PV_INLINE void restore_fl(unsigned long f) { (void)__PVOP_CALLEE(PV_SLOT_restore_fl, PV_ARG0(f)); }
PV_INLINE void set_pte(pte_t *ptep, pte_t pte)
{
	(void)__PVOP_CALL(PV_SLOT_set_pte, PV_ARG0(ptep) PV_ARG1_64(pte.pte));
}
PV_INLINE u32 hash_page(unsigned long pfn, u32 seed)
{
	return (u32)__PVOP_CALL(PV_SLOT_hash_page, PV_ARG0(pfn) PV_ARG1(seed));
}
PV_INLINE unsigned long missing_op(unsigned long x)
{
	return (unsigned long)__PVOP_CALL(PV_SLOT_missing_op, PV_ARG0(x));
}

#endif /* PV_NATIVE */
#endif /* PV_CALL_H */
