// What each instruction of a byte sequence does to machine state, as iced describes it: the table writer and the
// rule checks use this to know which registers and flags a replacement clobbers.
import { Decoder, DecoderOptions, InstructionInfoFactory, OpAccess, Register, RegisterExt } from './iced.js';
import type { Bitness } from './types.js';

export interface InstructionEffects {
  offset: number;
  length: number;
  /** Full-width register names (rax, not eax) read / written; sub-register writes count as writes. */
  regsRead: string[];
  regsWritten: string[];
  /** iced RflagsBits masks. */
  rflagsRead: number;
  rflagsWritten: number;
  /** Modified = written, cleared, set or undefined. */
  rflagsModified: number;
  readsMemory: boolean;
  writesMemory: boolean;
  /** Branch, call, return, interrupt, ...: anything but falling through. */
  changesControlFlow: boolean;
  valid: boolean;
}

const REG_NAMES = Register as unknown as Record<number, string>;

function regName(r: number): string {
  const full = RegisterExt.fullRegister(r);
  return (REG_NAMES[full] ?? `r${full}`).toLowerCase();
}

const READS = new Set<number>([OpAccess.Read, OpAccess.CondRead, OpAccess.ReadWrite, OpAccess.ReadCondWrite]);
const WRITES = new Set<number>([OpAccess.Write, OpAccess.CondWrite, OpAccess.ReadWrite, OpAccess.ReadCondWrite]);

let factory: InstanceType<typeof InstructionInfoFactory> | undefined;

export function instructionEffects(bytes: Uint8Array, bitness: Bitness): InstructionEffects[] {
  factory ??= new InstructionInfoFactory();
  const out: InstructionEffects[] = [];
  const dec = new Decoder(bitness, bytes, DecoderOptions.None);
  try {
    while (dec.position < bytes.length) {
      const pos = dec.position;
      const ins = dec.decode();
      try {
        if (ins.isInvalid) {
          out.push({ offset: pos, length: 1, regsRead: [], regsWritten: [], rflagsRead: 0, rflagsWritten: 0, rflagsModified: 0, readsMemory: false, writesMemory: false, changesControlFlow: false, valid: false });
          dec.position = pos + 1;
          continue;
        }
        const info = factory.info(ins);
        try {
          const read = new Set<string>();
          const written = new Set<string>();
          for (const u of info.usedRegisters() as { register: number; access: number; free(): void }[]) {
            const n = regName(u.register);
            if (READS.has(u.access)) read.add(n);
            if (WRITES.has(u.access)) written.add(n);
            u.free();
          }
          let readsMemory = false;
          let writesMemory = false;
          for (const m of info.usedMemory() as { access: number; free(): void }[]) {
            if (READS.has(m.access)) readsMemory = true;
            if (WRITES.has(m.access)) writesMemory = true;
            m.free();
          }
          out.push({
            offset: pos,
            length: ins.length,
            regsRead: [...read].sort(),
            regsWritten: [...written].sort(),
            rflagsRead: ins.rflagsRead,
            rflagsWritten: ins.rflagsWritten,
            rflagsModified: ins.rflagsModified,
            readsMemory,
            writesMemory,
            changesControlFlow: ins.flowControl !== 0,
            valid: true,
          });
        } finally {
          info.free();
        }
      } finally {
        ins.free();
      }
    }
  } finally {
    dec.free();
  }
  return out;
}
