// iced-x86 is a CommonJS wasm package; this is the one place that names its pieces for the rest of src/asm.
// How the package is loaded is icedPackage.ts's (the browser playground substitutes its own loader).
import type * as IcedModule from 'iced-x86';
import { iced } from './icedPackage.js';

export const {
  Code,
  CodeExt,
  Decoder,
  DecoderOptions,
  Encoder,
  EncodingKind,
  FlowControl,
  Formatter,
  FormatterSyntax,
  Instruction,
  InstructionInfoFactory,
  MemoryOperand,
  MemorySize,
  MemorySizeExt,
  MemorySizeOptions,
  Mnemonic,
  OpAccess,
  OpCodeOperandKind,
  OpKind,
  Register,
  RegisterExt,
  RflagsBits,
  RoundingControl,
} = iced;

export type Code = IcedModule.Code;
export type Register = IcedModule.Register;
export type Instruction = IcedModule.Instruction;
export type OpCodeOperandKind = IcedModule.OpCodeOperandKind;
export type OpKind = IcedModule.OpKind;
export type MemorySize = IcedModule.MemorySize;
export type Mnemonic = IcedModule.Mnemonic;
export type EncodingKind = IcedModule.EncodingKind;
export type OpCodeInfo = IcedModule.OpCodeInfo;
export type RoundingControl = IcedModule.RoundingControl;
