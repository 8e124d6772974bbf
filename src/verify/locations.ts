// Where an op's arguments and result live under an architecture's convention, as registers of the
// executor's state. Mirrors model/abiNames.ts's reading of the convention (gcc regparm pairs on i386).
import { subRegister } from '../model/abi.js';
import type { ArchInfo } from '../model/arch.js';
import type { OpDef, Width } from '../model/ruleset.js';
import type { MachineState } from './symbolic/state.js';
import { concat, slice, type Val } from './symbolic/values.js';

export type ValueLocation =
  /** `reg` is the register at the value's width: `eax` for a u32 on x86_64, `al` for a bool. */
  | { kind: 'reg'; reg: string; full: string; bits: number }
  | { kind: 'pair'; low: string; high: string; bits: number };

export function widthBits(w: Width, arch: ArchInfo): number {
  return w === 'word' || w === 'void' ? arch.wordBits : w;
}

export function locateValue(which: 'ret' | number, op: OpDef, arch: ArchInfo): ValueLocation | { error: string } {
  const conv = arch.convention;
  const w = which === 'ret' ? op.returns : op.params[which]?.width;
  if (w === undefined) return { error: `op ${op.name} has no parameter arg${String(which)}` };
  if (w === 'void') return { error: `op ${op.name} returns nothing` };
  const bits = widthBits(w, arch);
  if (bits > arch.wordBits) {
    const pair = which === 'ret' ? conv.wideRet : conv.wideArgs?.[which];
    if (!pair) return { error: `a ${bits}-bit ${which === 'ret' ? 'result' : `arg${which}`} is not passed in registers under ${conv.name}` };
    return { kind: 'pair', low: pair[0], high: pair[1], bits };
  }
  const full = which === 'ret' ? conv.ret : conv.args[which];
  if (!full) return { error: `arg${String(which)} is not passed in a register under ${conv.name}` };
  const reg = subRegister(full, bits as 8 | 16 | 32 | 64);
  if (!reg) return { error: `${full} has no ${bits}-bit part` };
  return { kind: 'reg', reg, full, bits };
}

/** The registers (architecture names, full width) that hold a location. */
export function locationRegisters(loc: ValueLocation): string[] {
  return loc.kind === 'reg' ? [loc.full] : [loc.low, loc.high];
}

export function describeLocation(loc: ValueLocation): string {
  return loc.kind === 'reg' ? loc.reg : `${loc.high}:${loc.low}`;
}

export function finalValue(st: MachineState, loc: ValueLocation): Val {
  return loc.kind === 'reg' ? st.read(loc.reg) : concat([st.read(loc.low), st.read(loc.high)]);
}

export function entryValue(st: MachineState, loc: ValueLocation): Val {
  if (loc.kind === 'pair') return concat([st.entry(st.fullNameOf(loc.low)), st.entry(st.fullNameOf(loc.high))]);
  return slice(st.entry(st.fullNameOf(loc.reg)), 0, loc.bits);
}
