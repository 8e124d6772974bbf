// Which System.map entries a kernel's kallsyms holds, and with which type letter: the selection
// scripts/kallsyms.c makes from its input, which link-vmlinux.sh checks is the final System.map
// (`cmp -s System.map ${kallsyms_vmlinux}.syms`, both 6.1 and 6.12). From the sources of Debian's
// linux-source-6.1 (6.1.192) and linux-source-6.12 (6.12.117):
//   - read_symbol drops names of KSYM_NAME_LEN (512) characters or more, and is_ignored_symbol drops:
//     6.1: the kallsyms_* table symbols themselves (they vary between link passes), _SDA_BASE_ and
//       _SDA2_BASE_, a few arm/mips/ppc/kcfi prefixes, suffixes and infixes, types U u N n, and every
//       absolute symbol (A a) but four ia64/ppc names;
//     6.12: types u n and the same absolute symbols (the rest moved to scripts/mksysmap, which has
//       already removed them from System.map; the kallsyms_* symbols are kept).
//   - without --all-symbols (CONFIG_KALLSYMS_ALL unset), shrink_table keeps only symbols in
//     [_stext, _etext] or [_sinittext, _einittext], minus those at _etext's or _einittext's address
//     other than those two names themselves; 6.12 also always keeps __start_* and __stop_*.
//   - with --absolute-percpu, symbols in [__per_cpu_start, __per_cpu_end] get type 'A'.

import type { SymbolEntry } from '../../src/binary/symbols.js';

export interface KallsymsOptions {
  version: '6.1' | '6.12';
  allSymbols: boolean;
  absolutePercpu: boolean;
}

const IGNORED_61 = new Set([
  'kallsyms_addresses',
  'kallsyms_offsets',
  'kallsyms_relative_base',
  'kallsyms_num_syms',
  'kallsyms_names',
  'kallsyms_markers',
  'kallsyms_token_table',
  'kallsyms_token_index',
  'kallsyms_seqs_of_names',
  '_SDA_BASE_',
  '_SDA2_BASE_',
]);
const PREFIXES_61 = ['__efistub_', '__kvm_nvhe_$', '__kvm_nvhe_.L', '__AArch64ADRPThunk_', '__ARMV5PILongThunk_', '__ARMV7PILongThunk_', '__ThumbV7PILongThunk_', '__LA25Thunk_', '__microLA25Thunk_', '__kcfi_typeid_'];
const SUFFIXES_61 = ['_from_arm', '_from_thumb', '_veneer'];
const INFIXES_61 = ['.long_branch.', '.plt_branch.'];
const KEPT_ABSOLUTE = new Set(['__kernel_syscall_via_break', '__kernel_syscall_via_epc', '__kernel_sigtramp', '__gp']);

export type Exclusion = 'name too long' | 'kallsyms table' | 'ignored name' | 'type' | 'absolute' | 'outside text';

function ignored(s: SymbolEntry, o: KallsymsOptions): Exclusion | undefined {
  const { name, kind } = s;
  if (name.length >= 512) return 'name too long';
  if (o.version === '6.1') {
    if (IGNORED_61.has(name)) return name.startsWith('kallsyms_') ? 'kallsyms table' : 'ignored name';
    if (PREFIXES_61.some((p) => name.startsWith(p)) || SUFFIXES_61.some((p) => name.endsWith(p)) || INFIXES_61.some((p) => name.includes(p))) return 'ignored name';
    if ('UuNn'.includes(kind)) return 'type';
  } else if (kind === 'u' || kind === 'n') return 'type';
  if (kind.toUpperCase() === 'A' && !KEPT_ABSOLUTE.has(name)) return 'absolute';
  return undefined;
}

/** The System.map entries kallsyms has (type letters as kallsyms stores them) and why the others are not. */
export function expectedKallsyms(map: readonly SymbolEntry[], o: KallsymsOptions): { kept: SymbolEntry[]; excluded: Map<Exclusion, SymbolEntry[]> } {
  const excluded = new Map<Exclusion, SymbolEntry[]>();
  const drop = (why: Exclusion, s: SymbolEntry) => {
    const l = excluded.get(why);
    if (l) l.push(s);
    else excluded.set(why, [s]);
  };
  const read: SymbolEntry[] = [];
  for (const s of map) {
    const why = ignored(s, o);
    if (why) drop(why, s);
    else read.push(s);
  }
  // check_symbol_range runs on the symbols read_symbol kept.
  const at = (name: string) => read.find((s) => s.name === name)?.address;
  const text = [at('_stext')!, at('_etext')!];
  const init = [at('_sinittext')!, at('_einittext')!];
  const percpu = [at('__per_cpu_start'), at('__per_cpu_end')];
  const kept: SymbolEntry[] = [];
  for (const s of read) {
    if (!o.allSymbols) {
      const always = o.version === '6.12' && (s.name.startsWith('__start_') || s.name.startsWith('__stop_'));
      if (!always) {
        const inText = (s.address >= text[0]! && s.address <= text[1]!) || (s.address >= init[0]! && s.address <= init[1]!);
        const atEnd = (s.address === text[1] && s.name !== '_etext') || (s.address === init[1] && s.name !== '_einittext');
        if (!inText || atEnd) {
          drop('outside text', s);
          continue;
        }
      }
    }
    const isPercpu = o.absolutePercpu && percpu[0] !== undefined && s.address >= percpu[0] && s.address <= percpu[1]!;
    kept.push(isPercpu ? { ...s, kind: 'A' } : s);
  }
  return { kept, excluded };
}
