// The text assembler's public surface.
export type { AsmBlockResult, AsmError, AsmOptions, AsmSyntax, AssembledInstruction, Bitness, Relocation } from './types.js';
export { assembleBlock } from './block.js';
