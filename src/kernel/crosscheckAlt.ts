// The cross-check for kernels whose paravirt sites are ALTERNATIVEs (Linux 6.8+: no .parainstructions).
// Each site is an `.altinstructions` entry with ALT_FLAG_DIRECT_CALL over `call *pv_ops+8n(%rip)`. The
// kernel's answer is what its alternatives pass leaves there for this CPU (every entry, in table order, as
// `apply --cpu` runs it); the rules' answer is what the apply engine writes when that site is treated as a
// paravirt site of the op in slot n (op rule, target rule, missing, default; conditions decided by the
// CPU). The two are computed independently on two copies of the image and compared byte for byte.
import { applyTable } from '../apply/apply.js';
import { patcherMemory } from '../apply/altMemory.js';
import { indirectCallSlot, OpsTableView } from '../apply/opsTable.js';
import { ElfPatcher, type ElfFile, type SymbolTable } from '../binary/index.js';
import { InputError } from '../diag/diagnostic.js';
import type { PatchTable } from '../table/types.js';
import { altTableOf, runAlternatives, type AlternativesRun } from './alternatives.js';
import { readAltTable } from './altTable.js';
import type { CpuFeatureSet } from './cpuFeatures.js';
import { featureTestFor } from './ruleFeatures.js';

export interface AltCrosscheckSite {
  address: bigint;
  op: string;
  slot: number;
  len: number;
  /** The rule that served the site (`op:mmu.pte_val`, `target:nop_func`, `default`), or none when refused. */
  rule?: string;
  /** Why the apply engine refused the site; the rules' bytes are then the site's own. */
  refused?: string;
  rulesBytes: Uint8Array;
  kernelBytes: Uint8Array;
  /** The alternatives entries at this site, in table order, with their outcome. */
  kernelEntries: { index: number; feature: string; outcome: string }[];
  agree: boolean;
}

export interface AltCrosscheckReport {
  table: string;
  pass: string;
  /** Direct-call entries read (one per site). */
  sites: AltCrosscheckSite[];
  /** Direct-call entries whose code is not `call *slot` of the ops table: counted, not compared. */
  skipped: { address: bigint; why: string }[];
  byOp: Map<string, { agree: number; disagree: number }>;
  alternatives: AlternativesRun;
}

export function crosscheckAlternatives(elf: ElfFile, table: PatchTable, symbols: SymbolTable | undefined, cpu: CpuFeatureSet): AltCrosscheckReport {
  const def = altTableOf(table);
  const opsDef = table.opsTables[0];
  if (!opsDef) throw new InputError(`the rule set has no opstable: the op of each direct-call site (its pv_ops slot) cannot be named`);
  const ops = OpsTableView.resolve(opsDef, elf, symbols);
  ops.requireAddress();
  const original = patcherMemory(elf, new ElfPatcher(elf, { record: false }));

  const read = readAltTable(elf, def, cpu.table.bits);
  const byAddress = new Map<bigint, { slot: number; len: number }>();
  const skipped: AltCrosscheckReport['skipped'] = [];
  for (const e of read.entries) {
    if (!e.flags.includes('direct-call') || byAddress.has(e.instrAddr)) continue;
    const code = original.read(e.instrAddr, Math.min(e.instrlen, 6));
    const slotAddr = indirectCallSlot(code, e.instrAddr, table.bitness);
    if (slotAddr === undefined) {
      skipped.push({ address: e.instrAddr, why: `not an indirect call through memory (ff 15): ${Array.from(code, (b) => b.toString(16).padStart(2, '0')).join(' ')}` });
      continue;
    }
    const slot = ops.slotOf(slotAddr);
    if (slot === undefined || opsDef.slots[slot] === undefined) {
      skipped.push({ address: e.instrAddr, why: `reads 0x${slotAddr.toString(16)}, not a named slot of ${opsDef.name}` });
      continue;
    }
    byAddress.set(e.instrAddr, { slot, len: e.instrlen });
  }
  const sites = [...byAddress].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

  // The kernel: its whole pass on one copy.
  const kernelCopy = new ElfPatcher(elf, { record: false });
  const alternatives = runAlternatives(elf, kernelCopy, table, cpu, symbols);
  const kernelMem = patcherMemory(elf, kernelCopy);
  const entriesAt = new Map<bigint, AltCrosscheckSite['kernelEntries']>();
  for (const r of alternatives.results) {
    const list = entriesAt.get(r.entry.instrAddr) ?? [];
    list.push({ index: r.entry.index, feature: `${r.entry.not ? '!' : ''}${cpu.table.label(r.entry.feature)}`, outcome: r.outcome });
    entriesAt.set(r.entry.instrAddr, list);
  }

  // The rules: the same sites as paravirt sites of their slot's op, on another copy.
  const siteList = JSON.stringify(sites.map(([address, s]) => ({ address: `0x${address.toString(16)}`, op: opsDef.slots[s.slot], length: s.len, expect: 'indirect-call' })));
  const rules = applyTable(elf, table, symbols, { siteList: { text: siteList, file: `${def.name} direct-call entries` }, features: featureTestFor(table, cpu) });

  const out: AltCrosscheckSite[] = [];
  const byOp = new Map<string, { agree: number; disagree: number }>();
  sites.forEach(([address, s], i) => {
    const r = rules.result(i);
    const kernelBytes = kernelMem.read(address, s.len);
    const agree = r.outcome !== 'refused' && Buffer.compare(Buffer.from(r.patched), Buffer.from(kernelBytes)) === 0;
    const op = opsDef.slots[s.slot]!;
    out.push({
      address,
      op,
      slot: s.slot,
      len: s.len,
      ...(r.rule !== undefined ? { rule: r.rule } : {}),
      ...(r.outcome === 'refused' ? { refused: r.reason ?? 'refused' } : {}),
      rulesBytes: r.patched,
      kernelBytes,
      kernelEntries: entriesAt.get(address) ?? [],
      agree,
    });
    const row = byOp.get(op) ?? { agree: 0, disagree: 0 };
    if (agree) row.agree++;
    else row.disagree++;
    byOp.set(op, row);
  });
  return { table: def.name, pass: def.pass, sites: out, skipped, byOp, alternatives };
}
