// The assembler's public types: what the rule compiler and the tools above it see.

export type Bitness = 16 | 32 | 64;
export type AsmSyntax = 'intel' | 'att';

export interface AsmOptions {
  bitness: Bitness;
  syntax: AsmSyntax;
}

/**
 * A field in the output bytes that can only be filled in once the address of the code and of the symbol
 * are known. ELF semantics (cf. R_X86_64_PC32 / R_386_PC32): the value stored is S + addend - P for a
 * pc-relative field (P = address of the field itself), S + addend for an absolute one. For a `call foo`
 * encoded as e8 rel32 at address A, offset = 1, size = 4, pcRelative = true, addend = -4: exactly what
 * GNU as emits in its relocation.
 *
 * The bytes of the field are what GNU's object file holds: zero in 64-bit code (RELA), the addend itself in
 * 32/16-bit code (REL, as i386 ELF does). Either way, writing S + addend (- P) over the field is correct.
 */
export interface Relocation {
  /** Byte offset of the field within the assembled block. */
  offset: number;
  size: 1 | 2 | 4 | 8;
  pcRelative: boolean;
  symbol: string;
  addend: number;
}

export interface AsmError {
  message: string;
  /** 0-based character offsets into the input text. */
  start: number;
  end: number;
  /** Suggestions: the operand forms that exist, the nearest mnemonic, ... */
  hints?: string[];
}

export interface AssembledInstruction {
  /** The source text of this instruction (trimmed). */
  text: string;
  /** 0-based character offsets into the input text. */
  start: number;
  end: number;
  /** Byte offset within the block. */
  offset: number;
  bytes: Uint8Array;
}

export interface AsmBlockResult {
  bytes: Uint8Array;
  instructions: AssembledInstruction[];
  relocations: Relocation[];
  /** Empty when the whole block assembled. */
  errors: AsmError[];
  warnings: AsmError[];
}
