// The alternatives truth comparison shared by the alternatives test and the other-builds test: patchc given the
// capability words the booted kernel tested runs the paravirt pass and the alternatives pass, and every byte of
// every .altinstructions site is compared with the booted text (see alternatives-vs-booted.test.ts for what is
// excluded and why).
import { expect } from 'vitest';
import { applyTable } from '../../src/apply/apply.js';
import { type ElfPatcher, loadKernelOrElf, loadSymbols, lookupVaddr } from '../../src/binary/index.js';
import { altTableOf, loadCpuFor, runAlternatives } from '../../src/kernel/alternatives.js';
import { buildTables } from '../../src/pipeline/build.js';
import { patchRanges, type PatchRange } from '../../scripts/kernel/kernel-image.js';
import { bootedBytesAt, KernelBoot, REPO_DIR, type BootedText } from './truth.js';

/** A kernel compared: its boot, its rule set (a file in rules/linux/) and arch, its .altinstructions entry size. */
export interface AltKernel {
  name: string;
  boot: KernelBoot;
  rules: string;
  arch: 'x86_64' | 'i386';
  altStride: 12 | 14;
}

/** Tables the kernel applies to the same text besides paravirt and alternatives (patchc does neither). */
const OTHER = new Set(['retpoline', 'return', 'ftrace', 'jump_label', 'static_call']);
/** Tables that may rewrite text after the alternatives pass too. */
const LATER = new Set(['jump_label', 'static_call']);

/** Ranges sorted by address, and the cause covering one byte. */
class Causes {
  private readonly sorted: PatchRange[];
  private readonly maxLen: number;
  constructor(ranges: PatchRange[]) {
    this.sorted = ranges.filter((r) => OTHER.has(r.cause)).sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
    this.maxLen = this.sorted.reduce((m, r) => Math.max(m, r.len), 0);
  }
  at(addr: bigint): string | undefined {
    let lo = 0;
    let hi = this.sorted.length;
    const from = addr - BigInt(this.maxLen);
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]!.addr <= from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.sorted.length && this.sorted[i]!.addr <= addr; i++) {
      const r = this.sorted[i]!;
      if (addr < r.addr + BigInt(r.len)) return r.cause;
    }
    return undefined;
  }
}

export async function compareAlternatives(k: AltKernel, cpu: string) {
  const booted: BootedText = await k.boot.bootedText({ cpu });
  const image = await k.boot.image();
  const files = k.boot.files();
  const built = buildTables(`${REPO_DIR}/rules/linux/${k.rules}`, () => [k.arch]);
  expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const table = built.tables[0]!;
  const bin = await loadKernelOrElf(files.vmlinuz);
  const symbols = await loadSymbols(bin.elf, {});
  const para = applyTable(bin.elf, table, symbols);
  const features = loadCpuFor(altTableOf(table), 'caps-alternatives.bin', booted.capsAtAlternatives);
  expect(features.diagnostics).toEqual([]);
  const alt = runAlternatives(bin.elf, para.patcher, table, features.set!, symbols);
  const out: ElfPatcher = para.patcher;

  // One site per patched address: the bytes of all its entries (ALTERNATIVE_2/3 put several on one site).
  const sites = new Map<bigint, { len: number; applied: boolean; written: number; repl?: { addr: bigint; len: number } }>();
  for (const r of alt.results) {
    const s = sites.get(r.entry.instrAddr) ?? { len: 0, applied: false, written: 0 };
    s.len = Math.max(s.len, r.entry.instrlen);
    s.applied ||= r.outcome === 'applied';
    // An applied entry writes all of its instrlen bytes (replacement, then NOP padding).
    if (r.outcome === 'applied') {
      s.written = Math.max(s.written, r.entry.instrlen);
      s.repl = { addr: r.entry.replAddr, len: r.entry.replacementlen };
    }
    sites.set(r.entry.instrAddr, s);
  }
  const causes = new Causes(patchRanges(image.elf, image.sections, image.map, k.altStride));
  const byKind: Record<string, number> = { inline: 0, 'direct call': 0, NOPs: 0, 'original kept': 0 };
  const excluded = new Map<string, { bytes: number; differ: number; sites: Set<bigint> }>();
  let equal = 0;
  let compared = 0;
  const mismatches: string[] = [];
  for (const [addr, s] of sites) {
    const l = lookupVaddr(bin.elf, addr, s.len);
    if (!l.ok) throw new Error(l.reason);
    const mine = out.data.subarray(l.offset, l.offset + s.len);
    const truth = bootedBytesAt(booted, addr, s.len);
    byKind[kindOf(mine, s.applied, table.nops.byLength)]!++;
    let same = true;
    for (let i = 0; i < s.len; i++) {
      // The return/retpoline tables also list sites inside .altinstr_replacement: the kernel rewrites the
      // replacement before the pass copies it (6.12 also runs them before apply_alternatives()).
      const inRepl = s.repl && i < s.repl.len ? causes.at(s.repl.addr + BigInt(i)) : undefined;
      const here = causes.at(addr + BigInt(i));
      const cause = inRepl ? `${inRepl} (inside the applied replacement)` : here && (LATER.has(here) || i >= s.written) ? here : undefined;
      if (cause) {
        const x = excluded.get(cause) ?? { bytes: 0, differ: 0, sites: new Set() };
        x.bytes++;
        if (mine[i] !== truth[i]) x.differ++;
        x.sites.add(addr);
        excluded.set(cause, x);
        continue;
      }
      compared++;
      if (mine[i] !== truth[i]) same = false;
    }
    if (same) equal++;
    else if (mismatches.length < 20) mismatches.push(`0x${addr.toString(16)} ${symbols?.describe(addr)}: patchc ${hex(mine)}, kernel ${hex(truth)}`);
  }
  const fixups = new Map<string, number>();
  for (const r of alt.results) if (r.fixup) fixups.set(r.fixup, (fixups.get(r.fixup) ?? 0) + 1);
  const capsSame = Buffer.compare(Buffer.from(booted.capsAtAlternatives), Buffer.from(booted.capsAtPanic)) === 0;
  const lines = [
    `${k.name} -cpu ${cpu}: ${alt.results.length} entries: ${alt.byOutcome.applied} applied, ${alt.byOutcome['not-applied']} not applied, ${alt.byOutcome.undecided} undecided, ${alt.byOutcome.unsupported} unsupported`,
    `  ${sites.size} sites: ${Object.entries(byKind).map(([k, n]) => `${n} ${k}`).join(', ')}`,
    `  fix-ups of applied replacements: ${[...fixups].map(([k, n]) => `${n} ${k}`).join(', ') || 'none'}`,
    `  equal to the booted kernel: ${equal} / ${sites.size} sites (${compared} bytes compared)`,
    ...[...excluded].map(([cause, x]) => `  not compared, rewritten by the ${cause} table: ${x.bytes} bytes at ${x.sites.size} sites (${x.differ} of those bytes differ)`),
    `  capability words at apply_alternatives() ${capsSame ? 'equal' : 'differ from'} those at panic`,
  ];
  console.log(lines.join('\n'));
  return { equal, total: sites.size, mismatches };
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** What the site runs now: the kernel's NOPs only, a call + NOPs, other code, or what was there. */
function kindOf(bytes: Uint8Array, applied: boolean, nops: ReadonlyMap<number, Uint8Array>): string {
  const nopsFrom = (at: number): boolean => {
    while (at < bytes.length) {
      const n = [...nops].reverse().find(([len, b]) => at + len <= bytes.length && b.every((x, k) => bytes[at + k] === x));
      if (!n) return false;
      at += n[0];
    }
    return true;
  };
  if (!applied) return 'original kept';
  if (nopsFrom(0)) return 'NOPs';
  if (bytes[0] === 0xe8 && bytes.length >= 5 && nopsFrom(5)) return 'direct call';
  return 'inline';
}

