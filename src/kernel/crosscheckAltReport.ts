// The alternatives-only cross-check (crosscheckAlt.ts) for people and for tools; addresses as hex strings.
import type { Bitness } from '../asm/types.js';
import type { SymbolTable } from '../binary/index.js';
import { toHex } from '../table/hex.js';
import type { AltCrosscheckReport, AltCrosscheckSite } from './crosscheckAlt.js';
import { disassemble } from './report.js';

const hx = (v: bigint): string => `0x${v.toString(16)}`;
/** Disagreements printed in full; the JSON has them all. */
const SHOWN = 20;

function siteLines(s: AltCrosscheckSite, bitness: Bitness, symbols: SymbolTable | undefined): string[] {
  const where = symbols?.nearest(s.address) ? ` (${symbols.describe(s.address)})` : '';
  const out = [`${s.op} at ${hx(s.address)}${where}, ${s.len} bytes: rule ${s.rule ?? '(none)'}${s.refused ? `, refused: ${s.refused}` : ''}`];
  out.push(`  kernel entries: ${s.kernelEntries.map((e) => `#${e.index} ${e.feature} ${e.outcome}`).join(', ')}`);
  out.push(`  kernel: ${toHex(s.kernelBytes)}`);
  for (const l of disassemble(s.kernelBytes, bitness, s.address)) out.push(`    ${l}`);
  out.push(`  rules:  ${toHex(s.rulesBytes)}`);
  for (const l of disassemble(s.rulesBytes, bitness, s.address)) out.push(`    ${l}`);
  return out;
}

export function altCrosscheckText(r: AltCrosscheckReport, bitness: Bitness, symbols: SymbolTable | undefined, cpuFile: string): string {
  const bad = r.sites.filter((s) => !s.agree);
  const lines = [
    `kernel: ${r.alternatives.results.length} ALTERNATIVEs (alttable ${r.table}, pass ${r.pass}), CPU ${cpuFile}: ${r.sites.length} paravirt sites (direct-call entries)${r.skipped.length ? `, ${r.skipped.length} direct-call entries not over a pv_ops slot (not compared)` : ''}`,
    `agree: ${r.sites.length - bad.length}, disagree: ${bad.length}`,
  ];
  const rows = [...r.byOp].sort((a, b) => a[0].localeCompare(b[0]));
  const w = Math.max(2, ...rows.map(([op]) => op.length));
  lines.push(`  ${'op'.padEnd(w)}  agree  disagree`);
  for (const [op, row] of rows) lines.push(`  ${op.padEnd(w)}  ${String(row.agree).padStart(5)}  ${String(row.disagree).padStart(8)}`);
  if (bad.length) {
    lines.push(`disagreements${bad.length > SHOWN ? ` (first ${SHOWN} of ${bad.length})` : ''}:`);
    for (const s of bad.slice(0, SHOWN)) lines.push(...siteLines(s, bitness, symbols));
  }
  for (const s of r.skipped.slice(0, 5)) lines.push(`not compared: ${hx(s.address)}: ${s.why}`);
  return `${lines.join('\n')}\n`;
}

export function altCrosscheckJson(input: string, rules: string, cpuFile: string, r: AltCrosscheckReport, bitness: Bitness): string {
  const site = (s: AltCrosscheckSite) => ({
    op: s.op,
    slot: s.slot,
    address: hx(s.address),
    len: s.len,
    rule: s.rule ?? null,
    refused: s.refused ?? null,
    agree: s.agree,
    kernel_entries: s.kernelEntries,
    kernel: { bytes: toHex(s.kernelBytes), disassembly: disassemble(s.kernelBytes, bitness, s.address) },
    rules: { bytes: toHex(s.rulesBytes), disassembly: disassemble(s.rulesBytes, bitness, s.address) },
  });
  const doc = {
    patchc_crosscheck: 1,
    kind: 'alternatives',
    input,
    rules,
    cpu: cpuFile,
    table: r.table,
    pass: r.pass,
    summary: { sites: r.sites.length, agreeing: r.sites.filter((s) => s.agree).length, disagreeing: r.sites.filter((s) => !s.agree).length, skipped: r.skipped.length },
    by_op: Object.fromEntries(r.byOp),
    disagreements: r.sites.filter((s) => !s.agree).map(site),
    skipped: r.skipped.map((s) => ({ address: hx(s.address), why: s.why })),
  };
  return `${JSON.stringify(doc, null, 1)}\n`;
}
