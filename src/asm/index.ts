// The text assembler's public surface.
export type { AsmBlockResult, AsmError, AsmOptions, AsmSyntax, AssembledInstruction, Bitness, Relocation } from './types.js';
export { assembleBlock } from './block.js';
export { disassemble, disassembleToString, type DisasmLine } from './disasm.js';
export { instructionEffects, type InstructionEffects } from './effects.js';
export { RflagsBits } from './iced.js';
