// The pieces of iced-x86 the generator needs beyond what src/asm/iced.ts names (src/asm is not changed for
// a test generator's sake). Loaded with require, as src/asm/iced.ts explains.
import { createRequire } from 'node:module';
import type * as IcedModule from 'iced-x86';

const iced = createRequire(import.meta.url)('iced-x86') as typeof IcedModule;

export const { Code, CodeExt, Decoder, DecoderOptions, EncodingKind, MandatoryPrefix, OpCodeOperandKind, OpCodeTableKind } = iced;
export type Code = IcedModule.Code;
