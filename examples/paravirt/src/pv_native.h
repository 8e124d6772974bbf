/*
 * pv_native.h - the native implementation of every op.
 *
 * Included twice over: by the native build (PV_NATIVE=1), where PV_NATIVE_FN makes them
 * always-inline so the C compiler inlines them at every use - the baseline that patching
 * tries to reach - and by pv_ops.c in the indirect build, where they are ordinary
 * out-of-line functions whose addresses fill struct pv_ops.
 */
#ifndef PV_NATIVE_H
#define PV_NATIVE_H

#include "pv_types.h"

#ifndef PV_NATIVE_FN
#define PV_NATIVE_FN static inline __attribute__((always_inline))
#endif

/* Linux's _paravirt_ident_64 / _paravirt_ident_32 / _paravirt_nop: one shared function
 * fills every identity or no-op slot, so a rule can select them by target symbol. */
PV_NATIVE_FN PV_ABI u64 paravirt_ident_64(u64 x) { return x; }
PV_NATIVE_FN PV_ABI u32 paravirt_ident_32(u32 x) { return x; }
PV_NATIVE_FN PV_ABI void paravirt_nop(void) { }

/* EFLAGS through the stack; both are allowed in user mode. popf from user mode cannot
 * change IF or IOPL (they are silently kept), and the program only ever restores a
 * value that save_fl returned, so AC/DF/TF never change either. */
PV_NATIVE_FN PV_ABI unsigned long native_save_fl(void)
{
	unsigned long f;
	asm volatile("pushf\n\tpop %0" : "=rm"(f) : : "memory");
	return f;
}

PV_NATIVE_FN PV_ABI void native_restore_fl(unsigned long f)
{
	asm volatile("push %0\n\tpopf" : : "g"(f) : "memory", "cc");
}

PV_NATIVE_FN PV_ABI void native_set_pte(pte_t *ptep, u64 pte)
{
	/* One 64-bit store on x86_64; two 32-bit stores on i386 (Linux's PAE
	 * native_set_pte orders them high word first, which only matters to a
	 * concurrent hardware walker - there is none here). */
	ptep->pte = pte;
}

/* A made-up hash of a page-frame number (a multiply-xorshift mix); it only has to be an
 * op that does real work and therefore stays a call after patching. Word-sized so that it
 * is one register on both ABIs; the result depends on the low 32 bits of pfn only, so
 * i386 and x86_64 agree. */
PV_NATIVE_FN PV_ABI u32 native_hash_page(unsigned long pfn, u32 seed)
{
	u32 h = (u32)pfn ^ (seed * 0x9e3779b1u);
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

#endif /* PV_NATIVE_H */
