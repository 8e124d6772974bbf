// The text assembler's public surface.
//
// assembleBlock(text, opts)      one or more instructions (newlines or `;`), labels, `#` comments -> bytes,
//                                per-instruction spans, relocations for external symbols, errors as data.
// assembleInstruction(text, o)   exactly one instruction (convenience for rule compilers and tests).
// quickLineBytes(text, ...)      the bytes of a line whose encoding is already remembered, with no allocation
//                                (tools assembling many lines one block each); -1: use assembleBlock.
// disassemble(bytes, bits, syn)  objdump-like text per instruction.
// instructionEffects(bytes, b)   registers/flags/memory each instruction reads and writes.
//
// Every encoding is meant to be byte-identical to GNU as 2.40, or refused with a message saying why.
import { assembleBlock } from './block.js';
import type { AsmBlockResult, AsmOptions } from './types.js';

export type { AsmBlockResult, AsmError, AsmOptions, AsmSyntax, AssembledInstruction, Bitness, Relocation } from './types.js';
export { assembleBlock } from './block.js';
export { quickLineBytes } from './quickLine.js';
export { disassemble, disassembleToString, type DisasmLine } from './disasm.js';
export { instructionEffects, type InstructionEffects } from './effects.js';
export { RflagsBits } from './iced.js';

/** Assembles a single instruction; text holding more than one instruction is an error. */
export function assembleInstruction(text: string, opts: AsmOptions): AsmBlockResult {
  const r = assembleBlock(text, opts);
  if (r.errors.length === 0 && r.instructions.length !== 1) {
    return {
      ...r,
      bytes: new Uint8Array(0),
      errors: [{ message: r.instructions.length === 0 ? 'expected an instruction' : `expected one instruction, found ${r.instructions.length}`, start: 0, end: text.length }],
    };
  }
  return r;
}
