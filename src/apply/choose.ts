// Which rule serves a site: its op's rule, else a rule for its current target, else `missing` for an
// empty slot, else `default` — the order Linux's paravirt_patch() decides in.
import type { SymbolTable } from '../binary/index.js';
import type { PatchEntry, PatchTable } from '../table/types.js';
import type { OpsTableView } from './opsTable.js';

export interface Target {
  address: bigint;
  symbol?: string;
}

export class RuleChooser {
  private readonly byOp = new Map<string, PatchEntry>();
  private readonly byTarget = new Map<string, PatchEntry>();
  /** Target rules by their symbol's address: a slot matches whatever name its function goes by there. */
  private readonly byTargetAddress = new Map<bigint, PatchEntry>();
  private readonly missing: PatchEntry | undefined;
  private readonly fallback: PatchEntry | undefined;
  private readonly targets = new Map<number, Target | undefined>();

  constructor(
    table: PatchTable,
    private readonly ops: OpsTableView | undefined,
    private readonly symbols: SymbolTable | undefined,
  ) {
    for (const e of table.entries) {
      const s = e.selector;
      if (s.kind === 'op') this.byOp.set(s.op, e);
      else if (s.kind === 'target') {
        this.byTarget.set(s.symbol, e);
        const at = symbols?.addressOf(s.symbol);
        if (at !== undefined && !this.byTargetAddress.has(at)) this.byTargetAddress.set(at, e);
      }
    }
    this.missing = table.entries.find((e) => e.selector.kind === 'missing');
    this.fallback = table.entries.find((e) => e.selector.kind === 'default');
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
    const byOp = op !== undefined ? this.byOp.get(op) : undefined;
    if (byOp) return { entry: byOp, target };
    // Linux compares the slot's function pointer with the function (`opfunc == _paravirt_nop`): by
    // address, so an alias at the same address (which nearest() may name instead) matches too.
    if (target && target.address !== 0n) {
      const byTarget = this.byTargetAddress.get(target.address) ?? (target.symbol !== undefined ? this.byTarget.get(target.symbol) : undefined);
      if (byTarget) return { entry: byTarget, target };
    }
    if (target?.address === 0n && this.missing) return { entry: this.missing, target };
    if (this.fallback) return { entry: this.fallback, target };
    return { entry: undefined, target, reason: `no rule for op '${op ?? '?'}' and no default rule` };
  }
}
