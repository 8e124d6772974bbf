// One run: a patch table against one binary → the patched bytes and a result per site.
import { InputError } from '../diag/diagnostic.js';
import { ElfPatcher, type ElfFile, type SymbolTable } from '../binary/index.js';
import type { PatchTable } from '../table/types.js';
import { patchSites } from './loop.js';
import { OpsTableView } from './opsTable.js';
import { parseSiteList } from './siteList.js';
import { checkOverlaps, readSiteTable } from './sites.js';
import type { ApplyStats, Outcome, Site, SiteResult } from './types.js';

export interface ApplyOptions {
  /** Text of a site list file (YAML/JSON) and its name; when absent, the table's site tables are read. */
  siteList?: { text: string; file: string };
}

export interface ApplyRun {
  patcher: ElfPatcher;
  sites: Site[];
  results: SiteResult[];
  stats: ApplyStats;
}

export function applyTable(elf: ElfFile, table: PatchTable, symbols: SymbolTable | undefined, options: ApplyOptions = {}): ApplyRun {
  const elfArch = elf.arch;
  if (elfArch !== table.arch) throw new InputError(`${elf.fileName} is ${elfArch}; the table is for ${table.arch} (use --arch ${elfArch})`);
  const opsViews = new Map(table.opsTables.map((o) => [o.name, OpsTableView.resolve(o, elf, symbols)]));
  let sites: Site[];
  let ops: OpsTableView | undefined;
  if (options.siteList) {
    sites = parseSiteList(options.siteList.text, options.siteList.file, elf, new Set(table.ops.map((o) => o.name)));
    ops = opsViews.values().next().value;
  } else {
    if (table.siteTables.length === 0) throw new InputError(`the rule set declares no sitetable for ${table.arch}, and no site list was given (--sites FILE)`);
    if (table.siteTables.length > 1) throw new InputError(`the rule set has ${table.siteTables.length} sitetables for ${table.arch}; one per architecture is supported`);
    const def = table.siteTables[0]!;
    ops = opsViews.get(def.opsTable);
    if (!ops) throw new InputError(`sitetable ${def.name} names opstable '${def.opsTable}', which the table lacks`);
    if (def.expect === 'indirect-call') ops.requireAddress();
    sites = readSiteTable(elf, def, ops);
  }
  checkOverlaps(sites, elf.fileName);
  const patcher = new ElfPatcher(elf);
  const results = patchSites({ elf, table, sites, ops, symbols, write: (offset, bytes) => patcher.write(offset, bytes) });
  return { patcher, sites, results, stats: summarize(results) };
}

export function summarize(results: readonly SiteResult[]): ApplyStats {
  const zero = (): Record<Outcome, number> => ({ patched: 0, 'already-applied': 0, refused: 0 });
  const stats: ApplyStats = { sites: results.length, byOutcome: zero(), byOp: new Map() };
  for (const r of results) {
    stats.byOutcome[r.outcome]++;
    const key = r.site.op ?? '?';
    let row = stats.byOp.get(key);
    if (!row) stats.byOp.set(key, (row = zero()));
    row[r.outcome]++;
  }
  return stats;
}
