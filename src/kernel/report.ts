// The cross-check for people (text) and for tools (JSON). Addresses are hex strings in JSON (they exceed 2^53).
import { describeInstructions } from '../asm/describe.js';
import type { Bitness } from '../asm/types.js';
import { toHex } from '../table/hex.js';
import type { AltSummary, CrosscheckReport, Disagreement, SiteNote } from './crosscheck.js';

const hx = (v: bigint | number): string => `0x${v.toString(16)}`;

export function disassemble(bytes: Uint8Array, bitness: Bitness, address: bigint): string[] {
  const d = describeInstructions(bytes, bitness, address, 'att', false);
  const lines = d.instructions.map((i) => `${(address + BigInt(i.offset)).toString(16)}: ${toHex(i.bytes).padEnd(24)} ${i.text}`);
  if (!d.whole) lines.push(`(${d.problem})`);
  return lines;
}

function altText(a: AltSummary): string {
  return `ALTERNATIVE #${a.index} ${a.notSet ? '!' : ''}${a.feature} (cpuid word ${hx(a.word)}), ${a.instrlen} bytes at ${hx(a.instrAddr)}, replacement ${a.replacementlen} bytes at ${hx(a.replAddr)}`;
}

const KIND_TEXT: Record<Disagreement['kind'], string> = {
  refused: 'patchc refused the site',
  'not-inline': 'the kernel inlines, the rule does not',
  replacement: 'different replacement',
  padding: 'same replacement, different padding',
};

function disagreementText(d: Disagreement, bitness: Bitness): string[] {
  const out = [`${d.op} at ${hx(d.address)} (${d.len} bytes): ${KIND_TEXT[d.kind]}; rule ${d.rule ?? '(none)'}${d.reason ? ` (${d.reason})` : ''}`];
  out.push(`  ${altText(d.alternative)}`);
  out.push(`  kernel: ${toHex(d.kernel.padded)}   (replacement ${toHex(d.kernel.replacement) || '-'})`);
  for (const l of disassemble(d.kernel.padded, bitness, d.address)) out.push(`    ${l}`);
  out.push(`  patchc: ${toHex(d.patchc.padded)}   (replacement ${toHex(d.patchc.replacement) || '-'}, ${d.patchc.shape})`);
  for (const l of disassemble(d.patchc.padded, bitness, d.address)) out.push(`    ${l}`);
  for (const n of d.notes) out.push(`  note: ${n}`);
  return out;
}

function noteLines(title: string, notes: readonly SiteNote[]): string[] {
  if (!notes.length) return [];
  const out = [`${title} (${notes.length}):`];
  for (const n of notes) {
    out.push(`  ${n.op} at ${hx(n.address)}${n.note ? `: ${n.note}` : ''}`);
    for (const a of n.alternatives) out.push(`    ${altText(a)}`);
  }
  return out;
}

export function crosscheckText(r: CrosscheckReport, bitness: Bitness): string {
  const lines = [
    `kernel: ${r.alternatives} ALTERNATIVEs (${r.layout}); profile ${r.profile}: ${r.environment}`,
    `kernel NOPs: ${r.nopsSource}`,
    `${r.sites} sites, ${r.withAlternative} with an ALTERNATIVE starting at the site and covering it`,
    `  compared ${r.compared}: ${r.agreeing} agree, ${r.disagreements.length} disagree`,
    `  not compared: ${r.uninterpretable.length} uninterpretable, ${r.notApplied.length} not applied in this environment; ${r.partial.length} sites only partly covered`,
    `  sites touched by more than one ALTERNATIVE: ${r.multiple.length}`,
  ];
  const rows = r.byOp.filter((o) => o.withAlternative || o.disagreeing || o.inlineWithoutAlternative);
  if (rows.length) {
    const w = Math.max(2, ...rows.map((o) => o.op.length));
    lines.push(`  ${'op'.padEnd(w)}  sites  w/ alt  agree  disagree  inline w/o alt`);
    for (const o of rows) lines.push(`  ${o.op.padEnd(w)}  ${String(o.sites).padStart(5)}  ${String(o.withAlternative).padStart(6)}  ${String(o.agreeing).padStart(5)}  ${String(o.disagreeing).padStart(8)}  ${String(o.inlineWithoutAlternative).padStart(14)}`);
  }
  const inlineNoAlt = r.byOp.filter((o) => o.inlineWithoutAlternative > 0);
  if (inlineNoAlt.length) {
    lines.push('the rule inlines where no ALTERNATIVE applies (the kernel leaves a call or NOPs there):');
    for (const o of inlineNoAlt) lines.push(`  ${o.op}: ${o.inlineWithoutAlternative} of ${o.sites} sites`);
  }
  const callsWhereInline = r.byOp.filter((o) => o.callWhereKernelInlines > 0);
  if (callsWhereInline.length) {
    lines.push('the kernel inlines via ALTERNATIVE where the rule calls or writes NOPs:');
    for (const o of callsWhereInline) lines.push(`  ${o.op}: ${o.callWhereKernelInlines} of ${o.withAlternative} sites`);
  }
  lines.push(...noteLines('ALTERNATIVEs whose feature/flags cannot be interpreted (not compared)', r.uninterpretable));
  lines.push(...noteLines('ALTERNATIVEs not applied in this environment (not compared)', r.notApplied));
  lines.push(...noteLines('sites only partly covered by an ALTERNATIVE (not compared)', r.partial));
  lines.push(...noteLines('sites touched by more than one ALTERNATIVE', r.multiple));
  lines.push(...noteLines('replacements with relative operands', r.relocations));
  if (r.disagreements.length) {
    lines.push(`disagreements (${r.disagreements.length}):`);
    for (const d of r.disagreements) lines.push(...disagreementText(d, bitness).map((l) => `  ${l}`));
  }
  return `${lines.join('\n')}\n`;
}

function altJson(a: AltSummary) {
  return { index: a.index, instr: hx(a.instrAddr), instrlen: a.instrlen, replacement: hx(a.replAddr), replacementlen: a.replacementlen, cpuid_word: hx(a.word), feature: a.feature, not_set: a.notSet };
}

function notesJson(notes: readonly SiteNote[]) {
  return notes.map((n) => ({ op: n.op, address: hx(n.address), ...(n.note ? { note: n.note } : {}), alternatives: n.alternatives.map(altJson) }));
}

export function crosscheckJson(input: string, rules: string, r: CrosscheckReport, bitness: Bitness): string {
  const doc = {
    patchc_crosscheck: 1,
    input,
    rules,
    profile: r.profile,
    environment: r.environment,
    layout: r.layout,
    kernel_nops: r.nopsSource,
    summary: { alternatives: r.alternatives, sites: r.sites, with_alternative: r.withAlternative, compared: r.compared, agreeing: r.agreeing, disagreeing: r.disagreements.length, uninterpretable: r.uninterpretable.length, not_applied: r.notApplied.length, partial: r.partial.length, multiple: r.multiple.length },
    by_op: r.byOp,
    disagreements: r.disagreements.map((d) => ({
      op: d.op,
      address: hx(d.address),
      len: d.len,
      kind: d.kind,
      rule: d.rule ?? null,
      reason: d.reason ?? null,
      alternative: altJson(d.alternative),
      kernel: { replacement: toHex(d.kernel.replacement), bytes: toHex(d.kernel.padded), disassembly: disassemble(d.kernel.padded, bitness, d.address) },
      patchc: { replacement: toHex(d.patchc.replacement), bytes: toHex(d.patchc.padded), shape: d.patchc.shape, disassembly: disassemble(d.patchc.padded, bitness, d.address) },
      notes: d.notes,
    })),
    uninterpretable: notesJson(r.uninterpretable),
    not_applied: notesJson(r.notApplied),
    partial: notesJson(r.partial),
    multiple: notesJson(r.multiple),
    relocations: notesJson(r.relocations),
  };
  return `${JSON.stringify(doc, null, 1)}\n`;
}
