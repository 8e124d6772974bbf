// Register names as GNU as spells them, mapped to iced registers with the class/size facts operand matching needs.
import { Register } from './iced.js';

export type RegClass =
  | 'gpr8' | 'gpr16' | 'gpr32' | 'gpr64' | 'seg' | 'cr' | 'dr' | 'tr' | 'st' | 'mm' | 'xmm' | 'ymm' | 'zmm'
  | 'k' | 'bnd' | 'ip';

export interface RegInfo {
  reg: Register;
  cls: RegClass;
  /** Size in bits for GPRs (and 16 for segment registers), else 0. */
  bits: number;
  /** Encoding number 0..31 (for xmm16+ / r8+ detection). */
  num: number;
  /** Needs a REX prefix to be encodable (spl/bpl/sil/dil, r8+). */
  needsRex: boolean;
  /** ah/bh/ch/dh: cannot be encoded together with a REX prefix. */
  highByte: boolean;
  name: string;
}

const byName = new Map<string, RegInfo>();
const byReg = new Map<Register, RegInfo>();

function add(name: string, reg: Register, cls: RegClass, bits: number, num: number): void {
  const info: RegInfo = {
    reg, cls, bits, num, name,
    needsRex: (cls.startsWith('gpr') && num >= 8) || ['spl', 'bpl', 'sil', 'dil'].includes(name),
    highByte: ['ah', 'bh', 'ch', 'dh'].includes(name),
  };
  byName.set(name, info);
  if (!byReg.has(reg)) byReg.set(reg, info);
}

const R = Register as unknown as Record<string, Register>;
function r(name: string): Register {
  const v = R[name];
  if (v === undefined) throw new Error(`iced has no register ${name}`);
  return v;
}

const legacy8 = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'];
legacy8.forEach((n, i) => add(n, r(n.toUpperCase()), 'gpr8', 8, i));
['spl', 'bpl', 'sil', 'dil'].forEach((n, i) => add(n, r(n.toUpperCase()), 'gpr8', 8, i + 4));
const base16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
base16.forEach((n, i) => {
  add(n, r(n.toUpperCase()), 'gpr16', 16, i);
  add('e' + n, r('E' + n.toUpperCase()), 'gpr32', 32, i);
  add('r' + n, r('R' + n.toUpperCase()), 'gpr64', 64, i);
});
for (let i = 8; i < 16; i++) {
  add(`r${i}b`, r(`R${i}L`), 'gpr8', 8, i);
  add(`r${i}w`, r(`R${i}W`), 'gpr16', 16, i);
  add(`r${i}d`, r(`R${i}D`), 'gpr32', 32, i);
  add(`r${i}`, r(`R${i}`), 'gpr64', 64, i);
}
['es', 'cs', 'ss', 'ds', 'fs', 'gs'].forEach((n, i) => add(n, r(n.toUpperCase()), 'seg', 16, i));
for (let i = 0; i < 16; i++) {
  add(`cr${i}`, r(`CR${i}`), 'cr', 0, i);
  add(`dr${i}`, r(`DR${i}`), 'dr', 0, i);
  // GNU's other name for the debug registers (`mov %db7,%ebx` is 0f 21 fb).
  add(`db${i}`, r(`DR${i}`), 'dr', 0, i);
}
for (let i = 0; i < 8; i++) {
  add(`tr${i}`, r(`TR${i}`), 'tr', 0, i);
  add(`st(${i})`, r(`ST${i}`), 'st', 0, i);
  add(`mm${i}`, r(`MM${i}`), 'mm', 0, i);
  add(`k${i}`, r(`K${i}`), 'k', 0, i);
}
add('st', r('ST0'), 'st', 0, 0);
for (let i = 0; i < 4; i++) add(`bnd${i}`, r(`BND${i}`), 'bnd', 0, i);
for (let i = 0; i < 32; i++) {
  add(`xmm${i}`, r(`XMM${i}`), 'xmm', 0, i);
  add(`ymm${i}`, r(`YMM${i}`), 'ymm', 0, i);
  add(`zmm${i}`, r(`ZMM${i}`), 'zmm', 0, i);
}
add('rip', r('RIP'), 'ip', 64, 0);
add('eip', r('EIP'), 'ip', 32, 0);

/** Looks a register up by its GNU name (case-insensitive, `st(1)` spaces removed by the caller). */
export function lookupRegister(name: string): RegInfo | undefined {
  return byName.get(name.toLowerCase());
}

export function registerInfo(reg: Register): RegInfo | undefined {
  return byReg.get(reg);
}

/** Whether a register exists in the given mode (64-bit-only registers are refused in 32-bit code, as GNU does). */
export function registerAvailable(info: RegInfo, bitness: number): boolean {
  if (bitness === 64) return true;
  if (info.cls === 'gpr64' || info.reg === Register.RIP) return false;
  if (info.needsRex) return false;
  if (info.cls === 'xmm' || info.cls === 'ymm' || info.cls === 'zmm') return info.num < 8;
  if (info.cls === 'cr' || info.cls === 'dr') return info.num < 8;
  return true;
}

/** Every register name GNU as knows, for editors' completion lists. */
export function registerNames(): string[] {
  return [...byName.keys()];
}
