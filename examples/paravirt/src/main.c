/*
 * main.c - the workload of the paravirt demo.
 *
 *   demo            run every op over small page tables and print checksums
 *   demo --fault N  N rounds of Linux's mmap-perf as the kernel runs it: touch every page of
 *                   a large range (one page fault each: a walk of the page table from the top,
 *                   then make_pte/set_pte), then unmap it (zap: pte_val, set_pte(0) per pte)
 *   demo --bench N  N rounds of a tight loop over the ptes alone (populate and tear down a
 *                   large range through make_pte/set_pte/pte_val): the worst case for sites
 *   Both print a checksum on stdout and the elapsed time on stderr.
 *
 * Every line on stdout is a function of the input only, so the native, indirect and
 * patched builds must print the same bytes. Nothing printed depends on addresses, the
 * clock, or the arithmetic flags (save_fl is masked to bits that are fixed in user mode).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pv_call.h"

#ifndef PV_DEMO
#define PV_DEMO 0
#endif

/* x86 page-table bits used to make plausible entries (values only; nothing is mapped). */
#define _PAGE_PRESENT 0x001ull
#define _PAGE_RW      0x002ull
#define _PAGE_USER    0x004ull
#define _PAGE_ACCESSED 0x020ull
#define _PAGE_DIRTY   0x040ull
#define _PAGE_NX      (1ull << 63)
#define PAGE_SHIFT 12
#define PTRS_PER_PTE 512

/* EFLAGS bits whose value in user mode is fixed: bit 1 (always 1), IF (interrupts are
 * always on for user code), DF (clear by the ABI at calls), AC (never set here). */
#define FL_FIXED_MASK ((1ul << 1) | (1ul << 9) | (1ul << 10) | (1ul << 18))
#define FL_FIXED_VALUE ((1ul << 1) | (1ul << 9))

/* FNV-1a over 64-bit words: order-sensitive, so a wrong or swapped value shows. */
static u64 mix(u64 h, u64 v)
{
	for (int i = 0; i < 8; i++) {
		h ^= (v >> (8 * i)) & 0xff;
		h *= 0x100000001b3ull;
	}
	return h;
}
#define MIX_INIT 0xcbf29ce484222325ull

/* Never true at run time, but the compiler cannot know: keeps the missing_op site in the
 * demo build (PV_DEMO=1) without ever executing it (its slot is NULL). The bench builds
 * leave that site out, so that they can be patched without any trap rule. */
volatile int pv_never_true;

static pte_t ptes[4 * PTRS_PER_PTE];
static pmd_t pmds[PTRS_PER_PTE];
static pgd_t pgds[64];

/* A deterministic pfn sequence that reaches high bits (above 4 GiB) so that the upper
 * half of a 64-bit entry matters on i386 too. */
static u64 pfn_of(u32 i)
{
	return ((u64)i * 0x9e3779b9ull + 0x12345ull) & 0xffffffffffull;
}

static u64 prot_of(u32 i)
{
	u64 p = _PAGE_PRESENT | _PAGE_ACCESSED;
	if (i & 1) p |= _PAGE_RW;
	if (i & 2) p |= _PAGE_USER;
	if (i % 3 == 0) p |= _PAGE_DIRTY;
	if (i & 4) p |= _PAGE_NX;
	return p;
}

static int run_demo(void)
{
	u64 h;
	u32 n = sizeof(ptes) / sizeof(ptes[0]);

	/* make_pte + set_pte: fill a pte table; pte_val: read it back. */
	for (u32 i = 0; i < n; i++)
		set_pte(&ptes[i], make_pte((pfn_of(i) << PAGE_SHIFT) | prot_of(i)));
	h = MIX_INIT;
	for (u32 i = 0; i < n; i++)
		h = mix(h, pte_val(ptes[i]));
	printf("pte      n=%u  hash=%016llx\n", n, (unsigned long long)h);

	/* make_pmd / pmd_val: each pmd points at a "page" of ptes. */
	h = MIX_INIT;
	for (u32 i = 0; i < PTRS_PER_PTE; i++)
		pmds[i] = make_pmd((pfn_of(i + 7) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
	for (u32 i = 0; i < PTRS_PER_PTE; i++)
		h = mix(h, pmd_val(pmds[i]));
	printf("pmd      n=%u  hash=%016llx\n", PTRS_PER_PTE, (unsigned long long)h);

	/* make_pgd / pgd_val */
	h = MIX_INIT;
	for (u32 i = 0; i < 64; i++)
		pgds[i] = make_pgd((pfn_of(i + 99) << PAGE_SHIFT) | _PAGE_PRESENT | (i & 1 ? _PAGE_NX : 0));
	for (u32 i = 0; i < 64; i++)
		h = mix(h, pgd_val(pgds[i]));
	printf("pgd      n=64  hash=%016llx\n", (unsigned long long)h);

	/* ident32 on values with every byte pattern. */
	h = MIX_INIT;
	for (u32 i = 0; i < 1000; i++)
		h = mix(h, ident32(i * 0x01010101u ^ 0x80000001u));
	printf("ident32  n=1000  hash=%016llx\n", (unsigned long long)h);

	/* hash_page stays a call after patching; fold it over the pte table. */
	u32 hp = 0x5eed;
	for (u32 i = 0; i < n; i++)
		hp = hash_page((unsigned long)(pte_val(ptes[i]) >> PAGE_SHIFT), hp);
	printf("hash     n=%u  value=%08x\n", n, hp);

	/* The hooks do nothing; count around them so that the calls cannot be elided and a
	 * broken replacement (one that clobbers a live register) would change the count. */
	u32 calls = 0;
	for (u32 i = 0; i < 100; i++) {
		nop_hook();
		calls += i;
		if (i % 10 == 9) {
			flush_tlb_hook();
			calls ^= 0x100;
		}
	}
	printf("hooks    n=110  tally=%u\n", calls);

	/* save_fl / restore_fl: save, restore the same value, save again. */
	unsigned long f1 = save_fl();
	restore_fl(f1);
	unsigned long f2 = save_fl();
	restore_fl(f2);
	printf("flags    fixed bits=%#lx %#lx  %s\n", f1 & FL_FIXED_MASK, f2 & FL_FIXED_MASK,
	       (f1 & FL_FIXED_MASK) == FL_FIXED_VALUE && (f2 & FL_FIXED_MASK) == FL_FIXED_VALUE ? "ok" : "UNEXPECTED");

#if PV_DEMO
	if (pv_never_true)
		printf("missing  %lu\n", missing_op(42));
#endif

	/* One line that covers everything, for a quick comparison. */
	h = MIX_INIT;
	for (u32 i = 0; i < n; i++)
		h = mix(h, pte_val(ptes[i]) ^ ident32(i));
	h = mix(h, pmd_val(pmds[3]));
	h = mix(h, pgd_val(pgds[5]));
	h = mix(h, hp);
	h = mix(h, calls);
	printf("total    hash=%016llx\n", (unsigned long long)h);
	return 0;
}

/*
 * The tight loop (--bench N): a large pte range (BENCH_PTES entries, 4 MiB of ptes = 2 GiB of
 * "address space") populated and torn down N times. Per pte: make_pte, set_pte, and on
 * teardown pte_val + set_pte(0); per pte page (512 entries) a make_pmd/pmd_val, and
 * save_fl/restore_fl around each page as a kernel would hold a lock with interrupts off.
 */
#define BENCH_PTES (1u << 19)
static pte_t bench_ptes[BENCH_PTES];
static pmd_t bench_pmds[BENCH_PTES / PTRS_PER_PTE];

static int run_bench(long rounds)
{
	u64 h = MIX_INIT;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long r = 0; r < rounds; r++) {
		u64 base = (u64)r << 20;
		/* "mmap": populate */
		for (u32 pg = 0; pg < BENCH_PTES / PTRS_PER_PTE; pg++) {
			unsigned long fl = save_fl();
			pte_t *pt = &bench_ptes[pg * PTRS_PER_PTE];
			for (u32 i = 0; i < PTRS_PER_PTE; i++) {
				u64 pfn = base + pg * PTRS_PER_PTE + i;
				set_pte(&pt[i], make_pte((pfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER));
			}
			bench_pmds[pg] = make_pmd(((base + pg) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW);
			restore_fl(fl);
		}
		/* "munmap": read back and clear */
		u64 acc = 0;
		for (u32 pg = 0; pg < BENCH_PTES / PTRS_PER_PTE; pg++) {
			unsigned long fl = save_fl();
			pte_t *pt = &bench_ptes[pg * PTRS_PER_PTE];
			for (u32 i = 0; i < PTRS_PER_PTE; i++) {
				acc += pte_val(pt[i]) ^ i;
				set_pte(&pt[i], make_pte(0));
			}
			acc ^= pmd_val(bench_pmds[pg]);
			restore_fl(fl);
			flush_tlb_hook();
		}
		h = mix(h, acc);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	printf("bench    rounds=%ld ptes=%u  hash=%016llx\n", rounds, BENCH_PTES, (unsigned long long)h);
	fprintf(stderr, "bench: %.6f s  (%.2f ns per pte per round)\n", secs,
		rounds ? secs * 1e9 / ((double)rounds * BENCH_PTES) : 0.0);
	return 0;
}

/*
 * The mmap-perf workload (--fault N): what the kernel's page-fault and munmap paths do per
 * page, on a three-level table (pgd -> pmd pages -> pte pages) held in pools whose entries
 * point at each other through their pfn field, as real entries do.
 *
 *   "touch" (one fault per page, in address order): interrupts off (save_fl), walk the
 *       table from the top - pgd_val, pmd_val to find the next level, pte_val to see the
 *       pte is not present - then make_pte + set_pte, the struct-page mapcount of the new
 *       frame up by one, restore_fl;
 *   "munmap" (zap, as zap_pte_range): per pmd, walk to the pte page once; per pte,
 *       pte_val, if present drop the frame's mapcount and fold the value into a checksum,
 *       set_pte(make_pte(0)); per pmd a flush_tlb_hook.
 *
 * Per page 10 op sites run (7 on touch, 3 on munmap; plus 3 per pte page), between loads
 * and stores whose addresses come from the entries: nothing a compiler can turn into
 * vector code, in the native build neither. The rest of a real fault (entering the kernel,
 * zeroing the page, the rmap) is left out, so the sites weigh more here than in the kernel,
 * though far less than in the tight loop above.
 */
#define FAULT_PAGES (1u << 19)
#define PMD_PAGES (FAULT_PAGES / PTRS_PER_PTE)
#define PUD_SPAN (PTRS_PER_PTE * PTRS_PER_PTE)
#define PGD_ENTRIES ((FAULT_PAGES + PUD_SPAN - 1) / PUD_SPAN)
#define TABLE_PFN_BASE 0x100000ull
#define FRAMES (1u << 16)
#define PTE_PFN_MASK 0x000ffffffffff000ull

static pte_t pte_pool[PMD_PAGES][PTRS_PER_PTE];
static pmd_t pmd_pool[PGD_ENTRIES][PTRS_PER_PTE];
static pgd_t fault_pgd[PTRS_PER_PTE];
static u32 frame_mapcount[FRAMES];

static pmd_t *pmd_page(u64 pgdv) { return pmd_pool[((pgdv & PTE_PFN_MASK) >> PAGE_SHIFT) - TABLE_PFN_BASE]; }
static pte_t *pte_page(u64 pmdv) { return pte_pool[((pmdv & PTE_PFN_MASK) >> PAGE_SHIFT) - TABLE_PFN_BASE - PGD_ENTRIES]; }

static void fault_tables(void)
{
	for (u32 g = 0; g < PGD_ENTRIES; g++)
		fault_pgd[g] = make_pgd(((TABLE_PFN_BASE + g) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
	for (u32 m = 0; m < PMD_PAGES; m++)
		pmd_pool[m / PTRS_PER_PTE][m % PTRS_PER_PTE] =
			make_pmd(((TABLE_PFN_BASE + PGD_ENTRIES + m) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
}

static int run_fault(long rounds)
{
	u64 h = MIX_INIT;
	struct timespec t0, t1;

	fault_tables();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long r = 0; r < rounds; r++) {
		u64 first_pfn = (u64)r * 7919;
		u32 faults = 0;
		for (u32 p = 0; p < FAULT_PAGES; p++) {
			unsigned long fl = save_fl();
			pmd_t *pmd = pmd_page(pgd_val(fault_pgd[p / PUD_SPAN])) + (p / PTRS_PER_PTE) % PTRS_PER_PTE;
			pte_t *pte = pte_page(pmd_val(*pmd)) + p % PTRS_PER_PTE;
			if (!(pte_val(*pte) & _PAGE_PRESENT)) {
				u64 pfn = first_pfn + p;
				set_pte(pte, make_pte((pfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_NX));
				frame_mapcount[pfn % FRAMES]++;
				faults++;
			}
			restore_fl(fl);
		}
		u64 acc = faults;
		for (u32 m = 0; m < PMD_PAGES; m++) {
			pmd_t *pmd = pmd_page(pgd_val(fault_pgd[m / PTRS_PER_PTE])) + m % PTRS_PER_PTE;
			pte_t *pt = pte_page(pmd_val(*pmd));
			for (u32 i = 0; i < PTRS_PER_PTE; i++) {
				u64 v = pte_val(pt[i]);
				if (v & _PAGE_PRESENT) {
					frame_mapcount[((v & PTE_PFN_MASK) >> PAGE_SHIFT) % FRAMES]--;
					acc += v ^ i;
				}
				set_pte(&pt[i], make_pte(0));
			}
			flush_tlb_hook();
		}
		h = mix(h, acc);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	u32 left = 0;
	for (u32 f = 0; f < FRAMES; f++)
		left |= frame_mapcount[f];
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	printf("fault    rounds=%ld pages=%u  hash=%016llx  mapped-after=%u\n", rounds, FAULT_PAGES, (unsigned long long)h, left);
	fprintf(stderr, "bench: %.6f s  (%.2f ns per page per round)\n", secs,
		rounds ? secs * 1e9 / ((double)rounds * FAULT_PAGES) : 0.0);
	return 0;
}

/* A round count: a whole decimal number >= 0, or -1. */
static long rounds_arg(const char *text)
{
	char *end;
	long n = strtol(text, &end, 10);
	return *text && !*end && n >= 0 ? n : -1;
}

int main(int argc, char **argv)
{
	if (argc == 1)
		return run_demo();
	long n = argc == 3 ? rounds_arg(argv[2]) : -1;
	if (n >= 0 && strcmp(argv[1], "--bench") == 0)
		return run_bench(n);
	if (n >= 0 && strcmp(argv[1], "--fault") == 0)
		return run_fault(n);
	fprintf(stderr, "usage: %s [--fault N | --bench N]\n", argv[0]);
	return 2;
}
