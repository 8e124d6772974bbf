// One Linux version's x86 CPU feature names, as data (src/kernel/cpufeatures/linux-*.ts, generated from that
// version's cpufeatures.h by scripts/kernel/gen-cpufeatures.ts), and the look-ups the feature parser needs.
// Bit numbers are the kernel's: word*32+bit, the bug bits after the NCAPINTS capability words.

export interface CpuFeatureEntry {
  /** The macro, X86_FEATURE_* or X86_BUG_*. */
  macro: string;
  bit: number;
  /** The name /proc/cpuinfo prints for it (its mkcapflags.sh rule); absent when cpuinfo does not show it. */
  cpuinfo?: string;
  /** A preprocessor condition around the #define (`CONFIG_X86_32`): the macro exists only in such builds. */
  onlyIf?: string;
}

export interface CpuFeatureTableData {
  /** `linux-6.1`: what callers select the table by. */
  name: string;
  /** The exact source version read, from its Makefile. */
  linuxVersion: string;
  /** Files read, and which package they came from. */
  source: string;
  ncapints: number;
  nbugints: number;
  entries: readonly CpuFeatureEntry[];
}

export type FeatureKind = 'flag' | 'bug';

export class CpuFeatureTable {
  readonly name: string;
  readonly words: number;
  private readonly macros = new Map<string, CpuFeatureEntry>();
  private readonly shown = new Map<number, string>();
  private readonly byShown: Record<FeatureKind, Map<string, number>> = { flag: new Map(), bug: new Map() };

  constructor(readonly data: CpuFeatureTableData) {
    this.name = data.name;
    this.words = data.ncapints + data.nbugints;
    for (const e of data.entries) {
      this.macros.set(e.macro.toUpperCase(), e);
      // capflags.c is a designated initializer, so a later macro on the same bit overrides an earlier name.
      if (e.cpuinfo !== undefined) this.shown.set(e.bit, e.cpuinfo);
    }
    for (const [bit, name] of this.shown) this.byShown[this.kind(bit)].set(name, bit);
  }

  get bits(): number {
    return this.words * 32;
  }

  kind(bit: number): FeatureKind {
    return bit >= this.data.ncapints * 32 ? 'bug' : 'flag';
  }

  /** An X86_FEATURE_ / X86_BUG_ macro, any case. */
  macro(name: string): CpuFeatureEntry | undefined {
    return this.macros.get(name.toUpperCase());
  }

  /** The bit cpuinfo prints as `name` on its flags or bugs line. */
  cpuinfoBit(name: string, kind: FeatureKind): number | undefined {
    return this.byShown[kind].get(name.toLowerCase());
  }

  /** What /proc/cpuinfo prints for the bit, if anything. */
  cpuinfoName(bit: number): string | undefined {
    return this.shown.get(bit);
  }

  cpuinfoNames(kind: FeatureKind): IterableIterator<string> {
    return this.byShown[kind].keys();
  }

  macroNames(): string[] {
    return this.data.entries.map((e) => e.macro);
  }

  /** For messages: the bit's first macro, else word*32+bit. */
  label(bit: number): string {
    return this.data.entries.find((e) => e.bit === bit)?.macro ?? `${bit >> 5}*32+${bit & 31}`;
  }
}
