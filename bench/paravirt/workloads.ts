// The two benchmark modes of examples/paravirt (src/main.c), and what one round of each is made of.

export interface Workload {
  /** Name on the command line (--workload) and in the tables. */
  name: 'fault' | 'loop';
  /** The program's option: `FILE FLAG N` runs N rounds. */
  flag: '--fault' | '--bench';
  /** What the figures are per: one round handles `units` of these. */
  unit: 'page' | 'pte';
  units: number;
  description: string;
}

export const WORKLOADS: readonly Workload[] = [
  {
    name: 'fault',
    flag: '--fault',
    unit: 'page',
    units: 1 << 19, // FAULT_PAGES
    description: 'mmap-perf as the kernel runs it: per page a fault (page-table walk, make_pte, set_pte, flags saved and restored), then a zap',
  },
  {
    name: 'loop',
    flag: '--bench',
    unit: 'pte',
    units: 1 << 19, // BENCH_PTES
    description: 'tight loops over the ptes alone (make_pte + set_pte, pte_val + set_pte(0)): the worst case for sites',
  },
];
