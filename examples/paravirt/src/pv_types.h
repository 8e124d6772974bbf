/*
 * pv_types.h - types, the ops table and the site-table entry of the paravirt demo.
 *
 * The layout follows Linux's paravirt ops (arch/x86/include/asm/paravirt.h in 2.6.29,
 * moved to paravirt_types.h later): a struct of function pointers, one pointer-sized
 * slot per op, and a section of patch-site records that say where each call through
 * that struct is.
 * Nothing here is kernel code; it is a user-space program built the same way so that
 * patchc has a small, honest target.
 */
#ifndef PV_TYPES_H
#define PV_TYPES_H

#include <stdint.h>
#include <stddef.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#if !defined(__x86_64__) && !defined(__i386__)
#error "the paravirt demo is for x86_64 and i386 only"
#endif

/*
 * Page-table entries are 64-bit on both architectures (i386 as with PAE), wrapped in
 * one-member structs as Linux does, so that a pte cannot be mixed up with a pmd.
 */
typedef struct { u64 pte; } pte_t;
typedef struct { u64 pmd; } pmd_t;
typedef struct { u64 pgd; } pgd_t;

/*
 * Calling convention of the ops. x86_64: the SysV ABI (args rdi, rsi, rdx, ...; result
 * rax). i386: regparm(3) as the Linux i386 kernel is built (-mregparm=3): args in eax,
 * edx, ecx; a 64-bit argument takes a register pair (edx:eax when it is the first
 * argument); a 64-bit result is in edx:eax. Only the ops use regparm: the rest of the
 * program calls libc with the normal stack convention, so the attribute is per function
 * rather than the global -mregparm=3 flag.
 */
#ifdef __i386__
#define PV_ABI __attribute__((regparm(3)))
#else
#define PV_ABI
#endif

/*
 * Slot indices: slot i is at byte offset i * sizeof(void *) in struct pv_ops. The
 * site records carry this index (Linux: paravirt_patch_site.instrtype, which is the
 * offset in paravirt_patch_template divided by sizeof(void *)).
 */
enum pv_slot {
	PV_SLOT_pte_val = 0,
	PV_SLOT_make_pte = 1,
	PV_SLOT_pmd_val = 2,
	PV_SLOT_make_pmd = 3,
	PV_SLOT_pgd_val = 4,
	PV_SLOT_make_pgd = 5,
	PV_SLOT_ident32 = 6,
	PV_SLOT_flush_tlb_hook = 7,
	PV_SLOT_nop_hook = 8,
	PV_SLOT_save_fl = 9,
	PV_SLOT_restore_fl = 10,
	PV_SLOT_set_pte = 11,
	PV_SLOT_hash_page = 12,
	PV_SLOT_missing_op = 13,
	PV_NR_SLOTS = 14,
};

/*
 * The C types document each op's signature at the register level: page-table values are
 * passed and returned as plain u64 (one register on x86_64, edx:eax on i386), not as the
 * pte_t structs, because on i386 a struct result would go through memory. The program
 * never calls through these pointers from C (every call is the inline-asm site of
 * pv_call.h).
 */
struct pv_ops {
	u64 (*pte_val)(u64) PV_ABI;                   /*  0: callee-save */
	u64 (*make_pte)(u64) PV_ABI;                  /*  1: callee-save */
	u64 (*pmd_val)(u64) PV_ABI;                   /*  2: callee-save */
	u64 (*make_pmd)(u64) PV_ABI;                  /*  3: callee-save */
	u64 (*pgd_val)(u64) PV_ABI;                   /*  4: callee-save */
	u64 (*make_pgd)(u64) PV_ABI;                  /*  5: callee-save */
	u32 (*ident32)(u32) PV_ABI;                   /*  6: callee-save */
	void (*flush_tlb_hook)(void) PV_ABI;          /*  7 */
	void (*nop_hook)(void) PV_ABI;                /*  8 */
	unsigned long (*save_fl)(void) PV_ABI;        /*  9: callee-save */
	void (*restore_fl)(unsigned long) PV_ABI;     /* 10: callee-save */
	void (*set_pte)(pte_t *, u64) PV_ABI;         /* 11 */
	u32 (*hash_page)(unsigned long, u32) PV_ABI;  /* 12 */
	unsigned long (*missing_op)(unsigned long) PV_ABI; /* 13: left NULL */
};

#define PV_SLOT_OFFSET_OK(name) \
	_Static_assert(offsetof(struct pv_ops, name) == PV_SLOT_##name * sizeof(void *), \
		       "slot index of " #name " does not match struct pv_ops")
PV_SLOT_OFFSET_OK(pte_val);
PV_SLOT_OFFSET_OK(make_pte);
PV_SLOT_OFFSET_OK(pmd_val);
PV_SLOT_OFFSET_OK(make_pmd);
PV_SLOT_OFFSET_OK(pgd_val);
PV_SLOT_OFFSET_OK(make_pgd);
PV_SLOT_OFFSET_OK(ident32);
PV_SLOT_OFFSET_OK(flush_tlb_hook);
PV_SLOT_OFFSET_OK(nop_hook);
PV_SLOT_OFFSET_OK(save_fl);
PV_SLOT_OFFSET_OK(restore_fl);
PV_SLOT_OFFSET_OK(set_pte);
PV_SLOT_OFFSET_OK(hash_page);
PV_SLOT_OFFSET_OK(missing_op);
_Static_assert(sizeof(struct pv_ops) == PV_NR_SLOTS * sizeof(void *), "struct pv_ops has padding");

extern struct pv_ops pv_ops;

/*
 * Clobber-mask bits of a site record: bit set = the code at the site may change that
 * register (its value is dead after the site as far as the compiler is concerned).
 * The numbering is Linux's CLBR_* (arch/x86/include/asm/paravirt{,_types}.h):
 * the first four bits are shared by both architectures.
 */
#define CLBR_NONE 0
#define CLBR_AX  (1u << 0)   /* rax / eax */
#define CLBR_CX  (1u << 1)   /* rcx / ecx */
#define CLBR_DX  (1u << 2)   /* rdx / edx */
#define CLBR_DI  (1u << 3)   /* rdi (never set on i386: edi is callee-saved there) */
#define CLBR_SI  (1u << 4)   /* rsi, x86_64 only */
#define CLBR_R8  (1u << 5)
#define CLBR_R9  (1u << 6)
#define CLBR_R10 (1u << 7)
#define CLBR_R11 (1u << 8)

#ifdef __x86_64__
/* Every register a SysV call may clobber: 0x1ff (Linux's CLBR_ANY on x86_64). */
#define CLBR_CALL (CLBR_AX | CLBR_CX | CLBR_DX | CLBR_DI | CLBR_SI | \
		   CLBR_R8 | CLBR_R9 | CLBR_R10 | CLBR_R11)
#else
/* Every register an i386 call may clobber: eax, ecx, edx = 0x7. (Linux's i386 CLBR_ANY
 * is 0xf and includes the edi bit; this program only claims what the ABI allows.) */
#define CLBR_CALL (CLBR_AX | CLBR_CX | CLBR_DX)
#endif
/* Callee-save ops (Linux PV_CALLEE_SAVE): only the return register is clobbered. */
#define CLBR_RET CLBR_AX
/* Callee-save ops with a (possibly) 64-bit result - the page-table identities and ident32:
 * rax on x86_64 (0x1); edx:eax on i386 (0x5), as Linux's i386 CLBR_RET_REG (CLBR_EAX |
 * CLBR_EDX) and PVOP_CALLEE_CLOBBERS ("=a", "=d"). */
#ifdef __x86_64__
#define CLBR_RET64 CLBR_AX
#else
#define CLBR_RET64 (CLBR_AX | CLBR_DX)
#endif

/*
 * One record of section .pv_sites, as Linux 2.6.29's struct paravirt_patch_site
 * (instr, instrtype, len, clobbers). Emitted by the assembler in pv_call.h, never
 * built from C; the struct is here to pin the layout with static asserts.
 *   x86_64: site @0 (8 bytes), op_index @8, len @9, clobber_mask @10 (u16), pad to 16
 *   i386:   site @0 (4 bytes), op_index @4, len @5, clobber_mask @6 (u16), size 8
 */
struct pv_site {
	void *site;        /* address of the first byte of the call instruction */
	u8 op_index;       /* enum pv_slot */
	u8 len;            /* bytes at the site that may be rewritten: 6 */
	u16 clobber_mask;  /* CLBR_* bits */
};
_Static_assert(offsetof(struct pv_site, op_index) == sizeof(void *), "pv_site.op_index");
_Static_assert(offsetof(struct pv_site, len) == sizeof(void *) + 1, "pv_site.len");
_Static_assert(offsetof(struct pv_site, clobber_mask) == sizeof(void *) + 2, "pv_site.clobber_mask");
_Static_assert(sizeof(struct pv_site) == 2 * sizeof(void *), "pv_site stride");

#endif /* PV_TYPES_H */
