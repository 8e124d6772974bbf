// What the alternatives pass did, per entry, for the apply report (JSON) and the command's summary.
import type { Bitness } from '../asm/types.js';
import type { ElfFile, SymbolTable } from '../binary/index.js';
import type { AltEntryResult, AltMemory } from '../apply/altLoop.js';
import { indirectCallSlot, OpsTableView } from '../apply/opsTable.js';
import type { PatchTable } from '../table/types.js';
import { toHex } from '../table/hex.js';
import type { AlternativesRun } from './alternatives.js';
import { disassemble } from './report.js';

export function alternativesSummary(run: AlternativesRun, cpu: { file: string; format: string }) {
  return {
    table: run.def.name,
    section: run.def.section,
    pass: run.def.pass,
    features: run.features.name,
    cpu: cpu.file,
    cpu_format: cpu.format,
    entries: run.results.length,
    sites: new Set(run.results.map((r) => r.entry.instrAddr)).size,
    outcomes: run.byOutcome,
  };
}

/** One JSON object per entry, in table order. */
export function* alternativesEntries(run: AlternativesRun, bitness: Bitness, symbols: SymbolTable | undefined): Generator<Record<string, unknown>> {
  for (const r of run.results) {
    const e = r.entry;
    yield {
      entry: e.index,
      address: `0x${e.instrAddr.toString(16)}`,
      symbol: symbols?.nearest(e.instrAddr) ? symbols.describe(e.instrAddr) : null,
      feature: `${e.not ? '!' : ''}${run.features.label(e.feature)}`,
      flags: e.flags,
      instrlen: e.instrlen,
      replacementlen: e.replacementlen,
      outcome: r.outcome,
      reason: r.reason ?? null,
      fixup: r.fixup ?? null,
      before: toHex(r.before),
      after: toHex(r.after),
      after_asm: disassemble(r.after, bitness, e.instrAddr),
    };
  }
}

export function alternativesSummaryText(run: AlternativesRun, cpu: { file: string; format: string }): string {
  const s = alternativesSummary(run, cpu);
  const o = s.outcomes;
  return `alternatives (${s.section}, pass ${s.pass}, CPU ${s.cpu} as ${s.cpu_format}): ${s.entries} entries over ${s.sites} sites: ${o.applied} applied, ${o['not-applied']} not applied, ${o.undecided} undecided, ${o.unsupported} unsupported\n`;
}

/**
 * `patchc explain` for the alternatives pass: per site (the entries at one address, in table order) the code
 * before the pass, each entry's feature and outcome, and the code the pass left. `op`: only sites whose code was
 * `call *slot` of that op's slot (6.8+ paravirt sites), by the table's opstable.
 */
export function* explainAlternatives(run: AlternativesRun, elf: ElfFile, after: AltMemory, table: PatchTable, symbols: SymbolTable | undefined, opts: { op?: string; max: number }): Generator<string> {
  const bySite = new Map<bigint, AltEntryResult[]>();
  for (const r of run.results) {
    const list = bySite.get(r.entry.instrAddr);
    if (list) list.push(r);
    else bySite.set(r.entry.instrAddr, [r]);
  }
  const ops = table.opsTables[0] ? OpsTableView.resolve(table.opsTables[0], elf, symbols) : undefined;
  const opOf = (code: Uint8Array, at: bigint): string | undefined => {
    const slotAddr = indirectCallSlot(code, at, table.bitness);
    const slot = slotAddr === undefined ? undefined : ops?.slotOf(slotAddr);
    return slot === undefined ? undefined : ops!.def.slots[slot];
  };
  let n = 0;
  for (const [at, entries] of bySite) {
    if (n >= opts.max) break;
    const before = entries[0]!.before;
    const op = opOf(before, at);
    if (opts.op !== undefined && op !== opts.op) continue;
    const len = Math.max(...entries.map((e) => e.entry.instrlen));
    const now = after.read(at, len);
    const out = [`site 0x${at.toString(16)}${symbols?.nearest(at) ? ` <${symbols.describe(at)}>` : ''} (${run.def.section})${op ? ` op ${op}` : ''}, ${len} bytes`];
    for (const e of entries) {
      out.push(`  entry #${e.entry.index} ${e.entry.not ? '!' : ''}${run.features.label(e.entry.feature)}${e.entry.flags.filter((f) => f !== 'not').map((f) => ` ${f}`).join('')}: ${e.outcome}${e.reason ? ` (${e.reason})` : ''}${e.fixup ? `; ${e.fixup}` : ''}`);
    }
    out.push('  before:');
    for (const l of disassemble(before, table.bitness, at)) out.push(`    ${l}`);
    out.push('  after:');
    for (const l of disassemble(now, table.bitness, at)) out.push(`    ${l}`);
    yield `${n === 0 ? '' : '\n'}${out.join('\n')}\n`;
    n++;
  }
}
