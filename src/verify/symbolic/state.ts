// The machine as the executor sees it: 8 or 16 general-purpose registers (sub-registers alias them),
// RFLAGS as one value, the bytes pushed below the entry stack pointer, and a log of other effects.
import { subRegister } from '../../model/abi.js';
import { concat, slice, sub, symbol, zext, type Val } from './values.js';

export const GPR64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'] as const;

/** RFLAGS bit positions, Intel SDM Vol. 1 §3.4.3. */
export const FLAG_BITS: Record<string, number> = { CF: 0, PF: 2, AF: 4, ZF: 6, SF: 7, TF: 8, IF: 9, DF: 10, OF: 11, AC: 18 };
export const STATUS_FLAGS = ['CF', 'PF', 'AF', 'ZF', 'SF', 'OF'];

export interface Effect {
  insn: number;
  what: string;
  /** What the effect is, as values: two effects with equal keys are the same effect. Absent: not modelled. */
  key?: string;
  /** A store: where and what (its key is made of these). */
  store?: { address: Val; value: Val };
}

export class MachineState {
  readonly regs = new Map<string, Val>();
  /** Last instruction that wrote each register (full 64-bit name). */
  readonly writer = new Map<string, number>();
  /**
   * RFLAGS one bit per entry: flag updates replace single bits, and rebuilding one 64-bit value per
   * update (then slicing it again for every flag read) cost most of the checker's time.
   */
  private flagBits: Val[];
  /** Bytes at rsp₀ + offset written by this replacement (offsets are negative below the entry rsp). */
  readonly stack = new Map<number, Val>();
  /** Memory writes outside the replacement's own stack slots, and other side effects (control registers, MSRs, ...). */
  readonly effects: Effect[] = [];
  readonly memoryWrites: Effect[] = [];
  /** Bumped by every store outside the stack: loads before and after it are different unknowns. */
  memGen = 0;
  /**
   * Every store and system write so far, as values: a load is a function of this and its address, so
   * two executions that made the same stores read the same memory (and different stores, different unknowns).
   */
  memKey = '';

  constructor(readonly wordBits: 32 | 64) {
    const names = wordBits === 64 ? GPR64 : GPR64.slice(0, 8);
    for (const r of names) this.regs.set(r, symbol(wordBits, `${r}0`, 'entry', `${this.display(r)}₀`));
    const entry = this.entryFlags();
    this.flagBits = Array.from({ length: wordBits }, (_, b) => slice(entry, b, 1));
  }

  entryFlags(): Val {
    return symbol(this.wordBits, 'rflags0', 'entry', 'rflags₀');
  }

  clone(): MachineState {
    const c = new MachineState(this.wordBits);
    for (const [k, v] of this.regs) c.regs.set(k, v);
    for (const [k, v] of this.writer) c.writer.set(k, v);
    for (const [k, v] of this.stack) c.stack.set(k, v);
    c.flagBits = [...this.flagBits];
    c.effects.push(...this.effects);
    c.memoryWrites.push(...this.memoryWrites);
    c.memGen = this.memGen;
    c.memKey = this.memKey;
    return c;
  }

  /** The architecture's name for a full register: rax on x86_64, eax on i386. */
  display(full: string): string {
    return subRegister(full, this.wordBits) ?? full;
  }

  entry(full: string): Val {
    return symbol(this.wordBits, `${full}0`, 'entry', `${this.display(full)}₀`);
  }

  full(full: string): Val {
    const v = this.regs.get(full);
    if (!v) throw new RangeError(`no register ${full} on a ${this.wordBits}-bit machine`);
    return v;
  }

  get rsp(): Val {
    return this.full('rsp');
  }

  /** Bytes rsp has moved since entry, when that is a constant. */
  stackDelta(): number | undefined {
    const d = sub(this.rsp, this.entry('rsp'));
    if (d.k !== 'const') return undefined;
    const v = d.v >= 1n << BigInt(this.wordBits - 1) ? d.v - (1n << BigInt(this.wordBits)) : d.v;
    return Number(v);
  }

  /** `eax` → `rax`; `ah` → `rax`. */
  fullNameOf(reg: string): string {
    return locate(reg, this.wordBits).full;
  }

  bitsOf(reg: string): number {
    return locate(reg, this.wordBits).bits;
  }

  read(reg: string): Val {
    const loc = locate(reg, this.wordBits);
    return slice(this.full(loc.full), loc.lo, loc.bits);
  }

  /** Writes with x86 aliasing: a 32-bit write zero-extends on x86_64; 8- and 16-bit writes merge. */
  write(reg: string, v: Val, insn: number): void {
    const loc = locate(reg, this.wordBits);
    if (v.w !== loc.bits) throw new RangeError(`writing a ${v.w}-bit value to ${reg}`);
    const old = this.full(loc.full);
    let next: Val;
    if (loc.bits === this.wordBits) next = v;
    else if (loc.bits === 32) next = zext(v, 64);
    else {
      const parts: Val[] = [];
      if (loc.lo > 0) parts.push(slice(old, 0, loc.lo));
      parts.push(v);
      if (loc.lo + loc.bits < this.wordBits) parts.push(slice(old, loc.lo + loc.bits, this.wordBits - loc.lo - loc.bits));
      next = concat(parts);
    }
    this.regs.set(loc.full, next);
    this.writer.set(loc.full, insn);
  }

  /** The whole register (pushf, the final check). */
  get rflags(): Val {
    return concat(this.flagBits);
  }

  flag(name: string): Val {
    return this.flagBit(FLAG_BITS[name]!);
  }

  flagBit(bit: number): Val {
    return this.flagBits[bit]!;
  }

  setFlagBits(bits: number[], value: (bit: number) => Val): void {
    for (const b of bits) {
      const v = value(b);
      if (v.w !== 1) throw new RangeError(`flag bit ${b} set to a ${v.w}-bit value`);
      this.flagBits[b] = v;
    }
  }

  storeStack(offset: number, v: Val): void {
    for (let i = 0; i < v.w / 8; i++) this.stack.set(offset + i, slice(v, 8 * i, 8));
  }

  /** A stack read: bytes this replacement wrote, else the caller's bytes as they were at entry. */
  loadStack(offset: number, bits: number): Val {
    const bytes: Val[] = [];
    for (let i = 0; i < bits / 8; i++) {
      const at = offset + i;
      bytes.push(this.stack.get(at) ?? symbol(8, `stack${at}`, at < 0 ? 'maybe' : 'entry', `[rsp₀${at < 0 ? '' : '+'}${at}]₀`));
    }
    return concat(bytes);
  }
}

export interface RegLocation {
  full: string;
  lo: number;
  bits: number;
}

const HIGH_BYTES: Record<string, string> = { ah: 'rax', ch: 'rcx', dh: 'rdx', bh: 'rbx' };

const LOCATIONS = { 32: new Map<string, RegLocation>(), 64: new Map<string, RegLocation>() };

/** Where a register name sits in its full register (memoized: the executor asks for every operand). */
export function locate(reg: string, wordBits: 32 | 64): RegLocation {
  const known = LOCATIONS[wordBits].get(reg);
  if (known) return known;
  const loc = findLocation(reg, wordBits);
  LOCATIONS[wordBits].set(reg, loc);
  return loc;
}

function findLocation(reg: string, wordBits: 32 | 64): RegLocation {
  const hi = HIGH_BYTES[reg];
  if (hi) return { full: hi, lo: 8, bits: 8 };
  for (const full of GPR64) {
    for (const bits of [64, 32, 16, 8] as const) {
      if (subRegister(full, bits) === reg) {
        if (bits > wordBits) break;
        return { full, lo: 0, bits };
      }
    }
  }
  throw new RangeError(`not a general-purpose register on a ${wordBits}-bit machine: ${reg}`);
}

