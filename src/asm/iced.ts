// iced-x86 is a CommonJS wasm package; this is the one place that bridges it into ESM and names its pieces.
import iced from 'iced-x86';

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
} = iced;

export type Code = iced.Code;
export type Register = iced.Register;
export type Instruction = iced.Instruction;
export type OpCodeOperandKind = iced.OpCodeOperandKind;
export type OpKind = iced.OpKind;
export type MemorySize = iced.MemorySize;
export type Mnemonic = iced.Mnemonic;
export type EncodingKind = iced.EncodingKind;
