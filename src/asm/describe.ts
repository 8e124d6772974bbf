// The decoder face: bytes → instructions, their text, and what they write. Used for tables and checks.
import iced from 'iced-x86';
import { formatterFor } from './disasm.js';
import type { Bitness } from './types.js';

const { Decoder, DecoderOptions, InstructionInfoFactory, OpAccess, Register, RflagsBits, Code } = iced;

export interface DescribedInstruction {
  offset: number;
  bytes: Uint8Array;
  text: string;
  written: string[];
  read: string[];
  flagsWritten: string[];
}

export interface Description {
  /** True when the bytes are a sequence of valid instructions that ends exactly at the end. */
  whole: boolean;
  problem?: string;
  instructions: DescribedInstruction[];
  writes: { registers: string[]; flags: string[] };
}

/** RFLAGS bits by iced's RflagsBits, in the order tables list them (also used by src/verify). */
export const FLAG_NAMES: [number, string][] = [
  [RflagsBits.OF, 'OF'],
  [RflagsBits.SF, 'SF'],
  [RflagsBits.ZF, 'ZF'],
  [RflagsBits.AF, 'AF'],
  [RflagsBits.CF, 'CF'],
  [RflagsBits.PF, 'PF'],
  [RflagsBits.DF, 'DF'],
  [RflagsBits.IF, 'IF'],
  [RflagsBits.AC, 'AC'],
];

const registerNames = Register as unknown as Record<number, string>;
function regName(r: number): string {
  return (registerNames[r] ?? `reg${r}`).toLowerCase();
}

/** objdump's text (src/asm/disasm.ts's formatter) with the mnemonic column collapsed, as tables show it. */
function formatText(insn: InstanceType<typeof iced.Instruction>, syntax: 'att' | 'intel'): string {
  return formatterFor(syntax).format(insn).trimEnd().replace(/\s+/, ' ');
}

let infoFactory: InstanceType<typeof InstructionInfoFactory> | undefined;

/**
 * Decodes `bytes` as a sequence of instructions at `address`. Invalid bytes or an instruction running
 * past the end make `whole` false; the instructions decoded up to there are still returned. `effects` false:
 * text only (registers and flags written left empty).
 */
export function describeInstructions(bytes: Uint8Array, bitness: Bitness, address = 0n, syntax: 'att' | 'intel' = 'att', effects = true): Description {
  const out: DescribedInstruction[] = [];
  const regs = new Set<string>();
  const flags = new Set<string>();
  if (bytes.length === 0) return { whole: true, instructions: out, writes: { registers: [], flags: [] } };
  infoFactory ??= new InstructionInfoFactory();
  const decoder = new Decoder(bitness, bytes, DecoderOptions.None);
  decoder.ip = address;
  let problem: string | undefined;
  try {
    while (decoder.canDecode) {
      const offset = Number(decoder.position);
      const insn = decoder.decode();
      try {
        if (insn.code === Code.INVALID) {
          problem = offset + insn.length > bytes.length ? `the instruction at offset ${offset} runs past the end` : `invalid instruction at offset ${offset}`;
          break;
        }
        const written: string[] = [];
        const read: string[] = [];
        // Reports want only the text: iced's register info costs more than decoding and formatting together.
        if (effects) {
          const info = infoFactory.info(insn);
          try {
            for (const u of info.usedRegisters()) {
              const name = regName(u.register);
              const a = u.access;
              if (a === OpAccess.Write || a === OpAccess.CondWrite || a === OpAccess.ReadWrite || a === OpAccess.ReadCondWrite) written.push(name);
              if (a === OpAccess.Read || a === OpAccess.CondRead || a === OpAccess.ReadWrite || a === OpAccess.ReadCondWrite) read.push(name);
              u.free();
            }
          } finally {
            info.free();
          }
        }
        const modified = effects ? insn.rflagsModified : 0;
        const flagsWritten = FLAG_NAMES.filter(([bit]) => (modified & bit) !== 0).map(([, n]) => n);
        written.forEach((r) => regs.add(r));
        flagsWritten.forEach((f) => flags.add(f));
        out.push({ offset, bytes: bytes.slice(offset, offset + insn.length), text: formatText(insn, syntax), written, read, flagsWritten });
      } finally {
        insn.free();
      }
    }
  } finally {
    decoder.free();
  }
  return {
    whole: problem === undefined,
    ...(problem !== undefined ? { problem } : {}),
    instructions: out,
    writes: { registers: [...regs].sort(), flags: FLAG_NAMES.map(([, n]) => n).filter((n) => flags.has(n)) },
  };
}
