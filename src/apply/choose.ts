// Which rule serves a site: its op's rule, else a rule for its current target, else `missing` for an
// empty slot, else `default` — the order Linux's paravirt_patch() decides in. Within one selector, a rule
// with a condition (`if X86_FEATURE_ERMS`) that holds on the CPU wins over the unconditional one, the
// first in file order among several; without a CPU, conditional rules are not considered.
import type { SymbolTable } from '../binary/index.js';
import { selectorKey } from '../model/check.js';
import type { PatchEntry, PatchTable } from '../table/types.js';
import type { OpsTableView } from './opsTable.js';

export interface Target {
  address: bigint;
  symbol?: string;
}

/** A feature's state on the CPU being patched for: undefined when the CPU input cannot tell. */
export type FeatureTest = (feature: string) => boolean | undefined;

/** The rules of one selector, resolved once for the CPU: the entry that serves, or why none can. */
type Pick = { entry: PatchEntry } | { entry: undefined; reason: string } | undefined;

export class RuleChooser {
  private readonly byOp = new Map<string, Pick>();
  private readonly byTarget = new Map<string, Pick>();
  /** Target rules by their symbol's address: a slot matches whatever name its function goes by there. */
  private readonly byTargetAddress = new Map<bigint, Pick>();
  private readonly missing: Pick;
  private readonly fallback: Pick;
  private readonly targets = new Map<number, Target | undefined>();
  /** Conditional rules that never served because no CPU was given. */
  readonly unconsidered: PatchEntry[] = [];

  constructor(
    table: PatchTable,
    private readonly ops: OpsTableView | undefined,
    private readonly symbols: SymbolTable | undefined,
    features?: FeatureTest,
  ) {
    const groups = new Map<string, PatchEntry[]>();
    for (const e of table.entries) {
      const s = e.selector;
      const key = selectorKey(s);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(e);
    }
    const pick = (g: PatchEntry[]): Pick => {
      for (const e of g) {
        if (!e.when) continue;
        if (!features) {
          this.unconsidered.push(e);
          continue;
        }
        const state = features(e.when.feature);
        if (state === undefined) return { entry: undefined, reason: `the rule ${e.when.set ? 'if' : 'unless'} ${e.when.feature} (${e.source.file}:${e.source.line}) needs that feature's state, and the CPU input does not say it` };
        if (state === e.when.set) return { entry: e };
      }
      const plain = g.find((e) => !e.when);
      return plain ? { entry: plain } : undefined;
    };
    for (const g of groups.values()) {
      const s = g[0]!.selector;
      const p = pick(g);
      if (s.kind === 'op') this.byOp.set(s.op, p);
      else if (s.kind === 'target') {
        this.byTarget.set(s.symbol, p);
        const at = symbols?.addressOf(s.symbol);
        if (at !== undefined && !this.byTargetAddress.has(at)) this.byTargetAddress.set(at, p);
      }
    }
    const missing = groups.get(selectorKey({ kind: 'missing' }));
    const fallback = groups.get(selectorKey({ kind: 'default' }));
    this.missing = missing ? pick(missing) : undefined;
    this.fallback = fallback ? pick(fallback) : undefined;
  }

  /** The op's current function, from the ops table as linked (cached per slot; -1: no slot). */
  target(slot: number): Target | undefined {
    if (slot < 0 || !this.ops) return undefined;
    if (this.targets.has(slot)) return this.targets.get(slot);
    const address = this.ops.slotValue(slot);
    let t: Target | undefined;
    if (address !== undefined) {
      const near = address === 0n ? undefined : this.symbols?.nearest(address);
      t = near && near.offset === 0n ? { address, symbol: near.symbol.name } : { address };
    }
    this.targets.set(slot, t);
    return t;
  }

  choose(op: string | undefined, slot: number): { entry: PatchEntry; target: Target | undefined } | { entry: undefined; target: Target | undefined; reason: string } {
    const target = this.target(slot);
    const served = (p: Pick) => (p!.entry ? { entry: p!.entry, target } : { entry: undefined, target, reason: (p as { reason: string }).reason });
    const byOp = op !== undefined ? this.byOp.get(op) : undefined;
    if (byOp) return served(byOp);
    // Linux compares the slot's function pointer with the function (`opfunc == _paravirt_nop`): by
    // address, so an alias at the same address (which nearest() may name instead) matches too.
    if (target && target.address !== 0n) {
      const byTarget = this.byTargetAddress.get(target.address) ?? (target.symbol !== undefined ? this.byTarget.get(target.symbol) : undefined);
      if (byTarget) return served(byTarget);
    }
    if (target?.address === 0n && this.missing) return served(this.missing);
    if (this.fallback) return served(this.fallback);
    return { entry: undefined, target, reason: `no rule for op '${op ?? '?'}' and no default rule` };
  }
}
