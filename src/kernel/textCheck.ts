// A predicted boot-time text against a dump of a running kernel's text: every byte must equal the prediction,
// or lie in a runtime-dependent site whose bytes are one of its legal forms. Differing bytes elsewhere are
// findings, attributed to the site (table) that covers them, or to none: unexplained.
import type { LegalForm } from '../apply/textLoop.js';
import type { SymbolTable } from '../binary/index.js';

/** One place the kernel rewrites at boot, as the prediction knows it. */
export interface PredictedSite {
  table: string;
  addr: bigint;
  len: number;
  predicted: Uint8Array;
  forms?: LegalForm[];
  dependsOn?: string;
}

/** Sites sorted by address for lookups of the one covering a byte (the last one of the kernel's order wins). */
export class SiteIndex {
  private readonly sorted: PredictedSite[];
  private readonly maxLen: number;
  constructor(sites: readonly PredictedSite[]) {
    this.sorted = [...sites].sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
    this.maxLen = this.sorted.reduce((m, s) => Math.max(m, s.len), 1);
  }
  /** Every site covering `addr`, in the kernel's order as given. */
  covering(addr: bigint): PredictedSite[] {
    const from = addr - BigInt(this.maxLen);
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]!.addr <= from) lo = mid + 1;
      else hi = mid;
    }
    const out: PredictedSite[] = [];
    for (let i = lo; i < this.sorted.length && this.sorted[i]!.addr <= addr; i++) {
      const s = this.sorted[i]!;
      if (addr < s.addr + BigInt(s.len)) out.push(s);
    }
    return out;
  }
}

/** Whether `found` (the site's bytes in the dump) is one of the site's legal forms. */
/** The dump's bytes at an address (any of its ranges), for forms that depend on other text (a trampoline). */
export type DumpReader = (addr: bigint, len: number) => Uint8Array | undefined;

const branchTarget = (at: bigint, code: Uint8Array): bigint => BigInt.asUintN(64, at + 5n + BigInt(new DataView(code.buffer, code.byteOffset + 1, 4).getInt32(0, true)));

export function matchesForm(site: PredictedSite, found: Uint8Array, symbols: SymbolTable | undefined, dump?: DumpReader): LegalForm | undefined {
  for (const f of site.forms ?? []) {
    if ('any' in f) return f;
    if ('bytes' in f) {
      if (f.bytes.length <= found.length && f.bytes.every((b, i) => b === found[i])) return f;
      continue;
    }
    if (found[0] !== f.branch || found.length < 5) continue;
    const target = branchTarget(site.addr, found);
    if (f.to === 'trampoline') {
      // Only where the dump's own trampoline jumps (`jmp rel32`), never any function: without it, not explained.
      const tramp = dump?.(f.trampoline, 5);
      if (tramp && tramp[0] === 0xe9 && branchTarget(f.trampoline, tramp) === target) return f;
      continue;
    }
    const n = symbols?.nearest(target);
    if (n && n.offset === 0n && /^[tTwW]$/.test(n.symbol.kind)) return f;
  }
  return undefined;
}

export interface TextFinding {
  addr: bigint;
  len: number;
  expected: Uint8Array;
  found: Uint8Array;
  /** The site (table) whose bytes these are, when one covers the run; undefined: no patch site there. */
  site?: PredictedSite;
}

export interface TextCheckStats {
  bytes: number;
  differFromPrediction: number;
  /** Runtime-dependent sites whose dump bytes are a legal form other than the prediction: bytes, sites, per table. */
  explained: Map<string, { sites: number; bytes: number }>;
  /** Differing bytes no legal form explains, per table ('unexplained' when no site covers them). */
  wrong: Map<string, number>;
}

/**
 * Compares `found` (the dump of [start, start+found.length)) with `expected` (the prediction of the same range).
 * Each run of differing bytes is split per covering site: a runtime-dependent site holding a legal form is
 * explained (counted), any other difference is a finding.
 */
export function checkText(start: bigint, expected: Uint8Array, found: Uint8Array, index: SiteIndex, symbols: SymbolTable | undefined, stats: TextCheckStats, dump?: DumpReader): TextFinding[] {
  const findings: TextFinding[] = [];
  const judged = new Map<PredictedSite, boolean>();
  stats.bytes += found.length;
  let open: TextFinding | undefined;
  for (let i = 0; i < found.length; i++) {
    if (expected[i] === found[i]) continue;
    stats.differFromPrediction++;
    const addr = start + BigInt(i);
    const sites = index.covering(addr);
    const site = sites.find((s) => s.forms) ?? sites[sites.length - 1];
    if (site?.forms) {
      let ok = judged.get(site);
      if (ok === undefined) {
        const o = Number(site.addr - start);
        ok = o >= 0 && o + site.len <= found.length && matchesForm(site, found.subarray(o, o + site.len), symbols, dump) !== undefined;
        judged.set(site, ok);
        if (ok) {
          const e = stats.explained.get(site.table) ?? { sites: 0, bytes: 0 };
          e.sites++;
          stats.explained.set(site.table, e);
        }
      }
      if (ok) {
        stats.explained.get(site.table)!.bytes++;
        continue;
      }
    }
    const table = site?.table ?? 'unexplained';
    stats.wrong.set(table, (stats.wrong.get(table) ?? 0) + 1);
    if (open && open.addr + BigInt(open.len) === addr && open.site === site) {
      open.len++;
      continue;
    }
    open = { addr, len: 1, expected: new Uint8Array(0), found: new Uint8Array(0), ...(site ? { site } : {}) };
    findings.push(open);
  }
  for (const f of findings) {
    const o = Number(f.addr - start);
    f.expected = expected.slice(o, o + f.len);
    f.found = found.slice(o, o + f.len);
  }
  return findings;
}

export const emptyStats = (): TextCheckStats => ({ bytes: 0, differFromPrediction: 0, explained: new Map(), wrong: new Map() });

/** A DumpReader over a dump's pieces (start address and bytes). */
export function dumpReader(pieces: readonly { start: bigint; bytes: Uint8Array }[]): DumpReader {
  return (addr, len) => {
    for (const p of pieces) {
      if (addr >= p.start && addr + BigInt(len) <= p.start + BigInt(p.bytes.length)) {
        const o = Number(addr - p.start);
        return p.bytes.subarray(o, o + len);
      }
    }
    return undefined;
  };
}
