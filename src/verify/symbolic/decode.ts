// iced-x86's view of a replacement, copied into plain data so that no wasm object outlives this file.
import iced from 'iced-x86';
import type { Relocation } from '../../asm/types.js';

const { Decoder, DecoderOptions, Formatter, FormatterSyntax, InstructionInfoFactory, Mnemonic, OpAccess, OpKind, Register, RegisterExt, MemorySizeExt, FlowControl, Code } = iced;

export type Operand =
  | { kind: 'reg'; reg: string; bits: number; gpr: boolean }
  | { kind: 'imm'; value: bigint }
  | { kind: 'mem'; base?: string; index?: string; scale: number; disp: bigint; bits: number; segment?: string; ripRelative: boolean }
  | { kind: 'branch'; target: bigint; symbol?: string }
  | { kind: 'other' };

export type Flow = 'next' | 'branch' | 'call' | 'return' | 'interrupt' | 'exception' | 'other';

export interface DecodedInsn {
  index: number;
  offset: number;
  length: number;
  /** iced's mnemonic name, lower case: 'mov', 'pushfq', 'nop'. */
  mnemonic: string;
  operands: Operand[];
  att: string;
  intel: string;
  flow: Flow;
  /** Registers iced says the instruction writes, with how: 'write' is certain, 'cond' conditional. */
  written: { reg: string; bits: number; gpr: boolean; how: 'write' | 'cond' }[];
  /** Registers iced says the instruction reads. */
  read: { reg: string; gpr: boolean }[];
  memoryRead: boolean;
  /** RFLAGS bits written (iced's rflagsModified). */
  flagsModified: number;
  memoryWrite: boolean;
  /** Bytes the instruction moves rsp by (negative for a push), per iced. */
  stackIncrement: number;
  /** A relocation inside this instruction's bytes: its value is only known once applied. */
  relocation?: Relocation;
  privileged: boolean;
}

const registerNames = Register as unknown as Record<number, string>;
const mnemonicNames = Mnemonic as unknown as Record<number, string>;

export function regName(r: number): string {
  const n = (registerNames[r] ?? `reg${r}`).toLowerCase();
  // iced calls the low bytes of r8..r15 "r8l"; everyone else writes r8b.
  return /^r\d+l$/.test(n) ? `${n.slice(0, -1)}b` : n;
}

let formatters: { att: InstanceType<typeof Formatter>; intel: InstanceType<typeof Formatter> } | undefined;
function getFormatters(): NonNullable<typeof formatters> {
  if (!formatters) {
    const att = new Formatter(FormatterSyntax.Gas);
    const intel = new Formatter(FormatterSyntax.Intel);
    for (const f of [att, intel]) {
      f.firstOperandCharIndex = 0;
      f.spaceAfterOperandSeparator = true;
      f.uppercaseHex = false;
      f.branchLeadingZeros = false;
    }
    formatters = { att, intel };
  }
  return formatters;
}

let infoFactory: InstanceType<typeof InstructionInfoFactory> | undefined;

const FLOW: Record<number, Flow> = {
  [FlowControl.Next]: 'next',
  [FlowControl.UnconditionalBranch]: 'branch',
  [FlowControl.IndirectBranch]: 'branch',
  [FlowControl.ConditionalBranch]: 'branch',
  [FlowControl.Return]: 'return',
  [FlowControl.Call]: 'call',
  [FlowControl.IndirectCall]: 'call',
  [FlowControl.Interrupt]: 'interrupt',
  [FlowControl.Exception]: 'exception',
};

export type DecodeResult = { ok: true; insns: DecodedInsn[] } | { ok: false; problem: string; insns: DecodedInsn[] };

/**
 * `ip`: the address of the first byte (0 for a replacement, whose branches are offsets into it; a
 * function's real address, so its branch targets and RIP-relative operands are addresses). `max`:
 * instructions to decode at most.
 */
export function decodeReplacement(bytes: Uint8Array, bitness: 32 | 64, relocations: readonly Relocation[] = [], ip = 0n, max = Infinity): DecodeResult {
  const insns: DecodedInsn[] = [];
  if (bytes.length === 0) return { ok: true, insns };
  infoFactory ??= new InstructionInfoFactory();
  const fmt = getFormatters();
  const decoder = new Decoder(bitness, bytes, DecoderOptions.None);
  decoder.ip = ip;
  try {
    while (decoder.canDecode && insns.length < max) {
      const offset = Number(decoder.position);
      const insn = decoder.decode();
      try {
        if (insn.code === Code.INVALID) return { ok: false, problem: `invalid or truncated instruction at offset ${offset}`, insns };
        const operands: Operand[] = [];
        for (let i = 0; i < insn.opCount; i++) operands.push(operand(insn, i));
        const relocation = relocations.find((r) => r.offset >= offset && r.offset < offset + insn.length);
        const branch = operands.find((o): o is Extract<Operand, { kind: 'branch' }> => o.kind === 'branch');
        if (branch && relocation) branch.symbol = relocation.symbol;
        const written: DecodedInsn['written'] = [];
        const read: DecodedInsn['read'] = [];
        let memoryWrite = false;
        let memoryRead = false;
        const info = infoFactory.info(insn);
        try {
          for (const u of info.usedRegisters()) {
            const a = u.access;
            const how = a === OpAccess.Write || a === OpAccess.ReadWrite ? 'write' : a === OpAccess.CondWrite || a === OpAccess.ReadCondWrite ? 'cond' : undefined;
            if (how) written.push({ reg: regName(u.register), bits: RegisterExt.size(u.register) * 8, gpr: RegisterExt.isGPR(u.register), how });
            if (a === OpAccess.Read || a === OpAccess.CondRead || a === OpAccess.ReadWrite || a === OpAccess.ReadCondWrite) read.push({ reg: regName(u.register), gpr: RegisterExt.isGPR(u.register) });
            u.free();
          }
          for (const m of info.usedMemory()) {
            const a = m.access;
            if (a === OpAccess.Write || a === OpAccess.ReadWrite || a === OpAccess.CondWrite || a === OpAccess.ReadCondWrite) memoryWrite = true;
            if (a === OpAccess.Read || a === OpAccess.CondRead || a === OpAccess.ReadWrite || a === OpAccess.ReadCondWrite) memoryRead = true;
            m.free();
          }
        } finally {
          info.free();
        }
        insns.push({
          index: insns.length,
          offset,
          length: insn.length,
          mnemonic: (mnemonicNames[insn.mnemonic] ?? 'unknown').toLowerCase(),
          operands,
          // A relocated branch is printed with its symbol: the decoded displacement is a placeholder.
          att: branch?.symbol ? `${fmt.att.formatMnemonic(insn)} ${branch.symbol}` : fmt.att.format(insn),
          intel: branch?.symbol ? `${fmt.intel.formatMnemonic(insn)} ${branch.symbol}` : fmt.intel.format(insn),
          flow: FLOW[insn.flowControl] ?? 'other',
          written,
          read,
          memoryRead,
          flagsModified: insn.rflagsModified,
          memoryWrite,
          stackIncrement: insn.stackPointerIncrement,
          ...(relocation ? { relocation } : {}),
          privileged: insn.isPrivileged,
        });
      } finally {
        insn.free();
      }
    }
  } finally {
    decoder.free();
  }
  return { ok: true, insns };
}

function operand(insn: InstanceType<typeof iced.Instruction>, i: number): Operand {
  const kind = insn.opKind(i);
  switch (kind) {
    case OpKind.Register: {
      const r = insn.opRegister(i);
      return { kind: 'reg', reg: regName(r), bits: RegisterExt.size(r) * 8, gpr: RegisterExt.isGPR(r) };
    }
    case OpKind.Immediate8:
    case OpKind.Immediate8_2nd:
    case OpKind.Immediate16:
    case OpKind.Immediate32:
    case OpKind.Immediate64:
    case OpKind.Immediate8to16:
    case OpKind.Immediate8to32:
    case OpKind.Immediate8to64:
    case OpKind.Immediate32to64:
      return { kind: 'imm', value: insn.immediate(i) };
    case OpKind.NearBranch16:
    case OpKind.NearBranch32:
    case OpKind.NearBranch64:
      return { kind: 'branch', target: insn.nearBranchTarget };
    case OpKind.Memory: {
      const base = insn.memoryBase;
      const index = insn.memoryIndex;
      const seg = insn.segmentPrefix;
      const ripRelative = insn.isIpRelMemoryOperand;
      return {
        kind: 'mem',
        ...(base !== Register.None && !ripRelative ? { base: regName(base) } : {}),
        ...(index !== Register.None ? { index: regName(index) } : {}),
        scale: insn.memoryIndexScale,
        disp: ripRelative ? insn.ipRelMemoryAddress : insn.memoryDisplacementU64,
        bits: MemorySizeExt.size(insn.memorySize) * 8,
        ...(seg !== Register.None ? { segment: regName(seg) } : {}),
        ripRelative,
      };
    }
    default:
      return { kind: 'other' };
  }
}
