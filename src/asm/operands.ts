// The operand model both syntaxes parse into. Operands are always kept in Intel order (destination first).
import type { RegInfo } from './registers.js';

/** A constant, optionally plus one symbol (an external name, a block label or a `1f`/`1b` local reference). */
export interface Expr {
  value: bigint;
  symbol?: string;
}

interface Span {
  start: number;
  end: number;
}

/** AVX-512 decorations written after an operand: `{%k1}` opmask and `{z}` zeroing (GNU allows them on the destination only). */
interface Masked {
  mask?: RegInfo;
  zeroing?: boolean;
  /** Where the decorations were written (for messages). */
  decoStart?: number;
  decoEnd?: number;
}

export interface RegOperand extends Span, Masked {
  kind: 'reg';
  info: RegInfo;
}

export interface ImmOperand extends Span {
  kind: 'imm';
  expr: Expr;
}

export interface MemOperand extends Span, Masked {
  kind: 'mem';
  /**
   * An EVEX broadcast: `{1toN}` gives the element count (AT&T and Intel), Intel `DWORD BCST` the element size
   * (then `size` is the element's size, not the operand's).
   */
  bcst?: { count?: number };
  seg?: RegInfo;
  base?: RegInfo;
  index?: RegInfo;
  scale: number;
  disp: Expr;
  /** Explicit operand size in bytes (Intel `DWORD PTR`), when given. */
  size?: number;
  /** Written as a plain expression without base/index (AT&T `foo`, Intel `foo` / `ds:0x10`). */
  bare: boolean;
}

export type Operand = RegOperand | ImmOperand | MemOperand;

/** What a parser hands to the encoder: one instruction, operands in Intel order. */
export interface ParsedInsn {
  mnemonic: string;
  /** Offsets of the mnemonic in the block text. */
  mnemonicStart: number;
  mnemonicEnd: number;
  operands: Operand[];
  /** AT&T `*` on the (single) operand of call/jmp. */
  indirect: boolean;
  prefixes: string[];
  /** Pseudo prefixes such as `load`, `store`, `disp8`, `disp32`. */
  pseudo: string[];
  /** EVEX embedded rounding `{rn-sae}`... or `{sae}`: `at` is how many operands (Intel order) precede it. */
  rounding?: Rounding;
}

export type RoundingMode = 'rn' | 'rd' | 'ru' | 'rz' | 'sae';

export interface Rounding extends Span {
  mode: RoundingMode;
  at: number;
}
