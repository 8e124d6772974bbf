// One run: a patch table against one binary → the patched bytes and what happened at each site.
import { InputError } from '../diag/diagnostic.js';
import { ElfPatcher, type ElfFile, type SymbolTable } from '../binary/index.js';
import { selectorText } from '../table/document.js';
import { conditionText } from '../model/check.js';
import type { FeatureTest } from './choose.js';
import type { PatchTable } from '../table/types.js';
import { CodeMap } from './codeMap.js';
import { patchSites, type LoopResults } from './loop.js';
import { OpsTableView } from './opsTable.js';
import { parseSiteList } from './siteList.js';
import { ArraySites, checkOverlaps, newPlace, readSiteTable, siteAt } from './sites.js';
import { OUTCOMES, type ApplyStats, type Outcome, type SiteList, type SiteResult } from './types.js';

export interface ApplyOptions {
  /** Text of a site list file (YAML/JSON) and its name; when absent, the table's site table is read. */
  siteList?: { text: string; file: string };
  /**
   * Patch `elf.data` itself rather than a copy: one copy of the binary in memory instead of two. The
   * caller gives up the input buffer (results still show each site's original bytes). Ignored when the
   * sites are not in file order (the before-checks must read bytes no site has yet overwritten).
   */
  inPlace?: boolean;
  /** The CPU's features by name, for the table's conditional rules (see choose.ts). */
  features?: FeatureTest;
}

export class ApplyRun {
  private materialized: SiteResult[] | undefined;
  readonly stats: ApplyStats;

  constructor(
    readonly elf: ElfFile,
    readonly table: PatchTable,
    readonly patcher: ElfPatcher,
    readonly sites: SiteList,
    readonly loop: LoopResults,
  ) {
    this.stats = summarize(sites, loop);
  }

  /** Per-site results as objects, for reports and tools; built on first use (a million sites need none). */
  get results(): SiteResult[] {
    return (this.materialized ??= Array.from({ length: this.sites.count }, (_, i) => this.result(i)));
  }

  result(i: number): SiteResult {
    const site = siteAt(this.sites, i);
    const l = this.loop;
    const outcome = OUTCOMES[l.outcome[i]!]!;
    const original = l.original(i) ?? this.elf.data.slice(site.fileOffset, site.fileOffset + site.len);
    const patched = outcome === 'refused' ? original : this.patcher.data.slice(site.fileOffset, site.fileOffset + site.len);
    const choice = l.choice(i);
    const entry = choice?.entry;
    const target = choice ? choice.target : undefined;
    const reason = l.reason(i);
    return {
      site,
      outcome,
      ...(reason !== undefined ? { reason } : {}),
      ...(entry ? { rule: entry.when ? `${selectorText(entry.selector)} ${conditionText(entry.when)}` : selectorText(entry.selector) } : {}),
      ...(target ? { target } : {}),
      original,
      patched,
      ...(outcome !== 'refused' ? { replacementLength: l.replacementLength(i) } : {}),
    };
  }
}

export function applyTable(elf: ElfFile, table: PatchTable, symbols: SymbolTable | undefined, options: ApplyOptions = {}): ApplyRun {
  if (elf.arch !== table.arch) throw new InputError(`${elf.fileName} is ${elf.arch}; the table is for ${table.arch} (use --arch ${elf.arch})`);
  const opsViews = new Map(table.opsTables.map((o) => [o.name, OpsTableView.resolve(o, elf, symbols)]));
  const code = new CodeMap(elf);
  let sites: SiteList;
  let ops: OpsTableView | undefined;
  if (options.siteList) {
    const list = parseSiteList(options.siteList.text, options.siteList.file, elf, table.ops.map((o) => o.name));
    sites = list;
    ops = opsViews.values().next().value;
    // A site list names ops; the ops table says which slot each op is in. Without the slot, the op's
    // current target (for `call target`, `target SYM` and `missing`) and the call's slot are unknown.
    if (ops) {
      const slotOfOp = new Int32Array(list.opNames.length).fill(-1);
      const byName = new Map(list.opNames.map((name, k) => [name, k]));
      ops.def.slots.forEach((name, slot) => {
        const k = name === undefined ? undefined : byName.get(name);
        if (k !== undefined && slotOfOp[k] === -1) slotOfOp[k] = slot;
      });
      for (let i = 0; i < list.count; i++) list.slots[i] = slotOfOp[list.ops[i]!]!;
    }
  } else if (table.siteTables.length === 0 && (table.altTables?.length ?? 0) > 0) {
    // Linux 6.8+: no paravirt site table; every site is an alttable entry, patched by the alternatives pass.
    sites = new ArraySites(0, table.ops.map((o) => o.name), 'any', code, (i) => `#${i}`);
  } else {
    if (table.siteTables.length === 0) throw new InputError(`the rule set declares no sitetable for ${table.arch}, and no site list was given (--sites FILE)`);
    if (table.siteTables.length > 1) throw new InputError(`the rule set has ${table.siteTables.length} sitetables for ${table.arch}; one per architecture is supported`);
    const def = table.siteTables[0]!;
    ops = opsViews.get(def.opsTable);
    if (!ops) throw new InputError(`sitetable ${def.name} names opstable '${def.opsTable}', which the table lacks`);
    if (def.expect === 'indirect-call') ops.requireAddress();
    sites = readSiteTable(elf, def, ops, code);
  }
  checkOverlaps(sites, elf.fileName);
  const patcher = new ElfPatcher(elf, { record: false, inPlace: options.inPlace === true && inFileOrder(sites) });
  const loop = patchSites({ elf, table, sites, code, ops, symbols, output: patcher.data, write: (offset, bytes) => patcher.write(offset, bytes), ...(options.features ? { features: options.features } : {}) });
  return new ApplyRun(elf, table, patcher, sites, loop);
}

/** Whether every site starts after the previous one's bytes in the file (true for tables in address order). */
function inFileOrder(sites: SiteList): boolean {
  const p = newPlace();
  let end = 0;
  for (let i = 0; i < sites.count; i++) {
    sites.locate(i, p);
    const off = p.range.offset + p.rel;
    if (off < end) return false;
    end = off + sites.len(i);
  }
  return true;
}

function summarize(sites: SiteList, loop: LoopResults): ApplyStats {
  const zero = (): Record<Outcome, number> => ({ patched: 0, 'already-applied': 0, refused: 0 });
  const stats: ApplyStats = { sites: sites.count, byOutcome: zero(), byOp: new Map() };
  const perOp = sites.opNames.map(zero);
  for (let i = 0; i < sites.count; i++) {
    const o = OUTCOMES[loop.outcome[i]!]!;
    stats.byOutcome[o]++;
    perOp[sites.op(i)]![o]++;
  }
  sites.opNames.forEach((name, k) => {
    const row = perOp[k]!;
    if (row.patched + row['already-applied'] + row.refused > 0) stats.byOp.set(name, row);
  });
  return stats;
}
