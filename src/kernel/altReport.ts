// What the alternatives pass did, per entry, for the apply report (JSON) and the command's summary.
import type { Bitness } from '../asm/types.js';
import type { SymbolTable } from '../binary/index.js';
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
