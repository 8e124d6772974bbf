// Decoding single instructions at many places of one large buffer (a binary's text): one iced Decoder and
// one Instruction reused, so checking a million sites allocates nothing per site.
import iced from 'iced-x86';
import type { Bitness } from './types.js';

const { Decoder, DecoderOptions, Instruction, Code, FlowControl, OpKind, Register, Mnemonic } = iced;

export interface DecodedAt {
  /** 0 when the bytes are not a valid instruction (or run past the buffer). */
  length: number;
  /** A near `call` through a memory operand: `call *X`. */
  indirectCall: boolean;
  /** For an indirect call whose memory address is a constant (absolute or RIP-relative): that address. */
  memoryTarget?: bigint;
  /** For a direct near call or jmp: its target. */
  branchTarget?: bigint;
  mnemonic: 'call' | 'jmp' | 'other';
}

export class InstructionReader {
  private readonly decoder: InstanceType<typeof Decoder>;
  private readonly insn: InstanceType<typeof Instruction>;
  private readonly mask: bigint;

  constructor(
    readonly bitness: Bitness,
    readonly data: Uint8Array,
  ) {
    this.decoder = new Decoder(bitness, data, DecoderOptions.None);
    this.insn = new Instruction();
    this.mask = bitness === 64 ? (1n << 64n) - 1n : (1n << 32n) - 1n;
  }

  decodeAt(offset: number, address: bigint, limit: number = this.data.length - offset): DecodedAt {
    // The form every paravirt-style site has: `ff 15 disp32` = call *disp32(%rip) in 64-bit mode,
    // call *disp32 (absolute) in 32-bit mode (ModRM 0x15: mod 00, reg /2 = call, r/m 101). Its length
    // and target need no decoder; test/asm/unit/reader.test.ts checks this path against iced's decoder.
    const d = this.data;
    if (limit >= 6 && offset + 6 <= d.length && d[offset] === 0xff && d[offset + 1] === 0x15) {
      const disp = d[offset + 2]! | (d[offset + 3]! << 8) | (d[offset + 4]! << 16) | (d[offset + 5]! << 24);
      const memoryTarget = this.bitness === 64 ? BigInt.asUintN(64, address + 6n + BigInt(disp)) : BigInt(disp >>> 0);
      return { length: 6, indirectCall: true, memoryTarget, mnemonic: 'call' };
    }
    this.decoder.position = offset;
    this.decoder.ip = address;
    this.decoder.decodeOut(this.insn);
    const i = this.insn;
    const length = i.length;
    if (i.code === Code.INVALID || length === 0 || length > limit) return { length: 0, indirectCall: false, mnemonic: 'other' };
    const m = i.mnemonic;
    const mnemonic = m === Mnemonic.Call ? 'call' : m === Mnemonic.Jmp ? 'jmp' : 'other';
    const fc = i.flowControl;
    if (fc === FlowControl.IndirectCall && i.op0Kind === OpKind.Memory) {
      let memoryTarget: bigint | undefined;
      if (i.isIpRelMemoryOperand) memoryTarget = i.ipRelMemoryAddress;
      else if (i.memoryBase === Register.None && i.memoryIndex === Register.None) memoryTarget = BigInt.asUintN(this.bitness === 64 ? 64 : 32, i.memoryDisplacement) & this.mask;
      return { length, indirectCall: true, ...(memoryTarget !== undefined ? { memoryTarget } : {}), mnemonic };
    }
    if ((fc === FlowControl.Call || fc === FlowControl.UnconditionalBranch) && (i.op0Kind === OpKind.NearBranch64 || i.op0Kind === OpKind.NearBranch32 || i.op0Kind === OpKind.NearBranch16)) {
      return { length, indirectCall: false, branchTarget: i.nearBranchTarget, mnemonic };
    }
    return { length, indirectCall: false, mnemonic };
  }

  free(): void {
    this.insn.free();
    this.decoder.free();
  }
}
