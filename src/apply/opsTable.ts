// The binary's ops table: where it is, and what each slot points at (the op's current target).
import { InputError } from '../diag/diagnostic.js';
import { lookupVaddr, type ElfFile, type SymbolTable } from '../binary/index.js';
import type { OpsTableDef } from '../model/ruleset.js';

/**
 * The slot address `call *slot` reads: `ff 15 disp32` is RIP-relative on x86_64 (from the next instruction,
 * 6 bytes on) and absolute on i386. Undefined when `code` does not start with that instruction.
 */
export function indirectCallSlot(code: Uint8Array, at: bigint, bitness: 32 | 64): bigint | undefined {
  if (code.length < 6 || code[0] !== 0xff || code[1] !== 0x15) return undefined;
  const disp = new DataView(code.buffer, code.byteOffset + 2, 4).getInt32(0, true);
  return bitness === 64 ? BigInt.asUintN(64, at + 6n + BigInt(disp)) : BigInt(disp >>> 0);
}

export class OpsTableView {
  readonly wordBytes: number;

  private constructor(
    readonly def: OpsTableDef,
    readonly elf: ElfFile,
    /** Undefined when the table cannot be located (no symbol, no address). */
    readonly address: bigint | undefined,
    readonly unresolvedReason: string | undefined,
  ) {
    this.wordBytes = elf.header.class === 64 ? 8 : 4;
  }

  static resolve(def: OpsTableDef, elf: ElfFile, symbols: SymbolTable | undefined): OpsTableView {
    if (def.location.kind === 'address') return new OpsTableView(def, elf, def.location.address, undefined);
    const addr = symbols?.addressOf(def.location.symbol);
    if (addr !== undefined) return new OpsTableView(def, elf, addr, undefined);
    const why = symbols ? `symbol '${def.location.symbol}' is not in the symbol table` : `the binary has no symbols to find '${def.location.symbol}': no symbol table and no kallsyms tables (give --symbols System.map)`;
    return new OpsTableView(def, elf, undefined, `cannot locate ops table ${def.name}: ${why}`);
  }

  private readonly slotAddresses: (bigint | undefined)[] = [];

  slotAddress(slot: number): bigint | undefined {
    if (this.address === undefined) return undefined;
    return (this.slotAddresses[slot] ??= this.address + BigInt(slot * this.wordBytes));
  }

  /**
   * The pointer stored in a slot as the binary was linked; undefined when the table has no file bytes
   * (e.g. in .bss, filled at run time) or cannot be located.
   */
  slotValue(slot: number): bigint | undefined {
    const at = this.slotAddress(slot);
    if (at === undefined) return undefined;
    const l = lookupVaddr(this.elf, at, this.wordBytes);
    if (!l.ok) return undefined;
    const dv = new DataView(this.elf.data.buffer, this.elf.data.byteOffset + l.offset, this.wordBytes);
    return this.wordBytes === 8 ? dv.getBigUint64(0, true) : BigInt(dv.getUint32(0, true));
  }

  /** The slot at `address`: inside the table and on a slot boundary; undefined otherwise. */
  slotOf(address: bigint): number | undefined {
    if (this.address === undefined) return undefined;
    const off = address - this.address;
    const w = BigInt(this.wordBytes);
    if (off < 0n || off % w !== 0n) return undefined;
    const slot = Number(off / w);
    return slot < this.def.slots.length ? slot : undefined;
  }

  requireAddress(): bigint {
    if (this.address === undefined) throw new InputError(`${this.elf.fileName}: ${this.unresolvedReason ?? `cannot locate ops table ${this.def.name}`}`);
    return this.address;
  }
}
