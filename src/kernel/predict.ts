// The text a kernel will run, predicted from its image and the CPU's feature words: every boot-time pass of the
// rule set (bootText.ts) on a copy of the image, then its .text/.init.text, every site each table wrote (for
// checking a dump, textCheck.ts), a report per table and an allow-list (per site: the legal byte strings and
// what they depend on).
import type { LegalForm } from '../apply/textLoop.js';
import { lookupVaddr, type ElfFile, type SymbolTable } from '../binary/index.js';
import type { PatchTable } from '../table/types.js';
import { runBootText, type BootTextRun } from './bootText.js';
import type { CpuFeatureSet } from './cpuFeatures.js';
import type { PredictedSite } from './textCheck.js';

export interface TextRange {
  name: string;
  start: bigint;
  bytes: Uint8Array;
}

export interface TableReport {
  table: string;
  sites: number;
  bytesChanged: number;
  runtimeDependent: { sites: number; bytes: number };
  outcomes: Record<string, number>;
  dependsOn?: string;
}

export interface Prediction {
  run: BootTextRun;
  ranges: TextRange[];
  sites: PredictedSite[];
  tables: TableReport[];
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
const TEXT_SECTIONS = ['.text', '.init.text'];

export function predictText(elf: ElfFile, table: PatchTable, symbols: SymbolTable | undefined, cpu: CpuFeatureSet): Prediction {
  const run = runBootText(elf, table, symbols, cpu);
  const out = run.patcher.data;
  const ranges: TextRange[] = [];
  for (const name of TEXT_SECTIONS) {
    const s = elf.sections.find((x) => x.name === name);
    if (s && s.fileSize > 0) ranges.push({ name, start: s.addr, bytes: out.subarray(s.offset, s.offset + s.fileSize) });
  }
  const sites: PredictedSite[] = [];
  const tables: TableReport[] = [];
  // A text table's site its pass left alone and that has no other legal form explains no byte: not listed as a site
  // (call sites without call depth tracking, kept retpolines); bytes count for the table whose pass wrote them.
  const report = (name: string, list: { addr: bigint; len: number; outcome: string; wrote?: boolean; forms?: LegalForm[]; dependsOn?: string }[]): void => {
    const t: TableReport = { table: name, sites: list.length, bytesChanged: 0, runtimeDependent: { sites: 0, bytes: 0 }, outcomes: {} };
    for (const s of list) {
      const l = lookupVaddr(elf, s.addr, s.len);
      if (!l.ok) continue;
      t.outcomes[s.outcome] = (t.outcomes[s.outcome] ?? 0) + 1;
      if (s.wrote === false && !s.forms) continue;
      for (let i = 0; i < s.len; i++) if (elf.data[l.offset + i] !== out[l.offset + i]) t.bytesChanged++;
      if (s.forms) {
        t.runtimeDependent.sites++;
        t.runtimeDependent.bytes += s.len;
        t.dependsOn ??= s.dependsOn?.split(':')[0];
      }
      sites.push({ table: name, addr: s.addr, len: s.len, predicted: out.subarray(l.offset, l.offset + s.len), ...(s.forms ? { forms: s.forms } : {}), ...(s.dependsOn ? { dependsOn: s.dependsOn } : {}) });
    }
    tables.push(t);
  };
  const para = run.paravirt;
  report('paravirt', Array.from({ length: para.sites.count }, (_, i) => ({ addr: para.sites.address(i), len: para.sites.len(i), outcome: para.result(i).outcome })));
  if (run.alternatives) {
    report('alternatives', run.alternatives.results.map((r) => ({ addr: r.entry.instrAddr, len: r.entry.instrlen, outcome: r.outcome })));
  }
  for (const t of run.tables) report(t.def.name, t.results.map((r) => ({ addr: r.site.addr, len: r.len, outcome: r.outcome, wrote: r.wrote, ...(r.forms ? { forms: r.forms } : {}), ...(r.dependsOn ? { dependsOn: r.dependsOn } : {}) })));
  return { run, ranges, sites, tables };
}

/** The allow-list entries (JSON lines of one array): per runtime-dependent or changed site, its legal forms. */
export function* allowListChunks(p: Prediction, symbols: SymbolTable | undefined, meta: Record<string, unknown>): Generator<string> {
  yield `{"format":"patchc-allow-list-1",${JSON.stringify(meta).slice(1, -1)},"ranges":${JSON.stringify(p.ranges.map((r) => ({ name: r.name, start: `0x${r.start.toString(16)}`, size: r.bytes.length })))},"sites":[\n`;
  let first = true;
  for (const s of p.sites) {
    const forms = s.forms ? s.forms.map(formJson) : [{ bytes: hex(s.predicted), when: 'predicted' }];
    const entry = {
      address: `0x${s.addr.toString(16)}`,
      ...(symbols ? { symbol: symbols.describe(s.addr) } : {}),
      table: s.table,
      length: s.len,
      predicted: hex(s.predicted),
      legal: forms,
      ...(s.dependsOn ? { dependsOn: s.dependsOn } : {}),
    };
    yield `${first ? '' : ',\n'}${JSON.stringify(entry)}`;
    first = false;
  }
  yield '\n]}\n';
}

function formJson(f: LegalForm): Record<string, unknown> {
  if ('any' in f) return { any: true, when: f.when };
  if ('bytes' in f) return { bytes: hex(f.bytes), when: f.when };
  if (f.to === 'trampoline') return { branch: f.branch === 0xe8 ? 'call rel32' : 'jmp rel32', to: 'where the trampoline jumps', trampoline: `0x${f.trampoline.toString(16)}`, when: f.when };
  return { branch: f.branch === 0xe8 ? 'call rel32' : 'jmp rel32', to: 'the entry of a kernel text symbol', when: f.when };
}

/** Reads an allow-list back into sites (for verify-text without the image). */
export function sitesFromAllowList(doc: unknown): { sites: PredictedSite[]; ranges: { name: string; start: bigint; size: number }[] } {
  const d = doc as { format?: string; sites?: unknown[]; ranges?: { name: string; start: string; size: number }[] };
  if (d?.format !== 'patchc-allow-list-1' || !Array.isArray(d.sites)) throw new Error('not a patchc allow-list (format patchc-allow-list-1)');
  const bytes = (h: string): Uint8Array => Uint8Array.from(h.split(' ').filter(Boolean).map((x) => parseInt(x, 16)));
  const sites = d.sites.map((x) => {
    const e = x as { address: string; table: string; length: number; predicted: string; legal: Record<string, string>[]; dependsOn?: string };
    const forms: LegalForm[] = e.legal.map((f): LegalForm => {
      if (f.any !== undefined) return { any: true, when: f.when ?? '' };
      if (f.bytes !== undefined) return { bytes: bytes(f.bytes), when: f.when ?? '' };
      const branch = f.branch === 'call rel32' ? 0xe8 : 0xe9;
      if (f.trampoline !== undefined) {
        if (!/^0x[0-9a-f]+$/i.test(f.trampoline)) throw new Error(`allow-list site ${e.address}: trampoline '${f.trampoline}' is not a hex address`);
        return { branch, to: 'trampoline', trampoline: BigInt(f.trampoline), when: f.when ?? '' };
      }
      return { branch, to: 'function', when: f.when ?? '' };
    });
    return { table: e.table, addr: BigInt(e.address), len: e.length, predicted: bytes(e.predicted), ...(e.dependsOn ? { forms, dependsOn: e.dependsOn } : {}) };
  });
  return { sites, ranges: (d.ranges ?? []).map((r) => ({ name: r.name, start: BigInt(r.start), size: r.size })) };
}
