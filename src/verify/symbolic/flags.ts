// RFLAGS as iced and the SDM name them, and the conditions jumps test.
import { FLAG_NAMES } from '../../asm/describe.js';
import { FLAG_BITS, type MachineState } from './state.js';
import { bitwise, eqz, not, slice, type Val } from './values.js';

export const ICED_FLAGS: [number, string][] = FLAG_NAMES;

/** RFLAGS bits POPF can change at CPL 0 (Intel SDM Vol. 2, POPF); the rest keep their value. */
export const POPF_BITS = [0, 2, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 18, 21];

const NAME_OF_BIT = new Map(Object.entries(FLAG_BITS).map(([name, bit]) => [bit, name]));

export function flagName(bit: number): string {
  return NAME_OF_BIT.get(bit) ?? `bit ${bit}`;
}

/** The condition a jcc jumps on, from the flags (Intel SDM Vol. 2, Jcc); undefined when not known. */
export function jccCondition(mnemonic: string, st: MachineState): Val | undefined {
  const f = (n: string): Val => st.flag(n);
  const or = (a: Val, b: Val): Val => bitwise('or', 1, [a, b]);
  const ne = (a: Val, b: Val): Val => bitwise('xor', 1, [a, b]);
  if (!mnemonic.startsWith('j')) return undefined;
  const cc = mnemonic.slice(1);
  switch (cc) {
    case 'e':
      return f('ZF');
    case 'ne':
      return not(f('ZF'));
    case 's':
      return f('SF');
    case 'ns':
      return not(f('SF'));
    case 'o':
      return f('OF');
    case 'no':
      return not(f('OF'));
    case 'b':
      return f('CF');
    case 'ae':
      return not(f('CF'));
    case 'be':
      return or(f('CF'), f('ZF'));
    case 'a':
      return not(or(f('CF'), f('ZF')));
    case 'l':
      return ne(f('SF'), f('OF'));
    case 'ge':
      return not(ne(f('SF'), f('OF')));
    case 'le':
      return or(f('ZF'), ne(f('SF'), f('OF')));
    case 'g':
      return not(or(f('ZF'), ne(f('SF'), f('OF'))));
    case 'p':
      return f('PF');
    case 'np':
      return not(f('PF'));
    case 'cxz':
      return eqz(st.read('cx'));
    case 'rcxz':
      return eqz(st.read('rcx'));
    case 'ecxz':
      return eqz(st.read('ecx'));
    default:
      return undefined;
  }
}

/** PF: 1 when the low byte of a result has an even number of set bits. */
export function parity(r: Val): Val {
  return not(bitwise('xor', 1, Array.from({ length: Math.min(8, r.w) }, (_, b) => slice(r, b, 1))));
}
