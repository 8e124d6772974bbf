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

export interface RegOperand extends Span {
  kind: 'reg';
  info: RegInfo;
}

export interface ImmOperand extends Span {
  kind: 'imm';
  expr: Expr;
}

export interface MemOperand extends Span {
  kind: 'mem';
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
}
