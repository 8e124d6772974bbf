// iced-x86 is a CommonJS wasm package; this is the one place that bridges it into ESM and names its pieces.
// It is loaded with require: an ESM import of a CommonJS file makes Node scan its 900 KB of source for export
// names first, which costs about 100 ms of every CLI start.
import { createRequire } from 'node:module';
import type * as IcedModule from 'iced-x86';

const iced = createRequire(import.meta.url)('iced-x86') as typeof IcedModule;

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
