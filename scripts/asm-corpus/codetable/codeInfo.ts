// iced's code table as plain data: one record per Code with what the byte builder needs. Read once from
// iced's OpCodeInfo (a wasm object per access would dominate the generator's run time).

import { Code, CodeExt, EncodingKind, OpCodeOperandKind } from './iced.js';

export interface CodeInfo {
  code: number;
  name: string;
  encoding: number;
  table: number;
  mandatoryPrefix: number;
  opCode: number;
  opCodeLength: number;
  isGroup: boolean;
  groupIndex: number;
  isRmGroup: boolean;
  rmGroupIndex: number;
  W: number;
  L: number;
  isWIG: boolean;
  isWIG32: boolean;
  isLIG: boolean;
  operandSize: number;
  addressSize: number;
  fwait: boolean;
  opSize64ByDefault: boolean;
  opKinds: string[];
  hasModrm: boolean;
  /** `mov al, [moffs]`: a memory operand (so segment and 67 prefixes apply) without a ModRM. */
  hasMemOffs: boolean;
  hasVvvv: boolean;
  /** The low three bits of the (last) opcode byte name a register (`50+r`, `D8 C0+i`). */
  regInOpcode: boolean;
  canLock: boolean;
  canRep: boolean;
  canBroadcast: boolean;
  canRoundOrSae: boolean;
  canOpMask: boolean;
  requireOpMask: boolean;
  canZero: boolean;
  decoderOption: number;
  /** Only AMD's decoder reads it so in 64-bit code (66 on a near branch). */
  amdOnly64: boolean;
  modes: { 32: boolean; 64: boolean };
  opCodeString: string;
}

const MODRM_KIND = /_or_mem|_rm$|_reg$|_reg_mem$|^mem(?!_offs)|^sibmem$/;

function kindName(k: number): string {
  return (OpCodeOperandKind as unknown as Record<number, string>)[k] ?? String(k);
}

export function readCodeTable(): CodeInfo[] {
  const out: CodeInfo[] = [];
  const names = Code as unknown as Record<string, number>;
  const codes = Object.entries(names).filter(([n, v]) => typeof v === 'number' && Number.isNaN(Number(n)));
  codes.sort((a, b) => a[1] - b[1]);
  for (const [name, code] of codes) {
    const o = CodeExt.opCode(code as Code);
    try {
      if (!o.isInstruction) continue;
      const opKinds = Array.from({ length: o.opCount }, (_, i) => kindName(o.opKind(i)));
      out.push({
        code, name,
        encoding: o.encoding, table: o.table, mandatoryPrefix: o.mandatoryPrefix,
        opCode: o.opCode, opCodeLength: o.opCodeLength,
        isGroup: o.isGroup, groupIndex: o.groupIndex, isRmGroup: o.isRmGroup, rmGroupIndex: o.rmGroupIndex,
        W: o.W, L: o.L, isWIG: o.isWIG, isWIG32: o.isWIG32, isLIG: o.isLIG,
        operandSize: o.operandSize, addressSize: o.addressSize, fwait: o.fwait,
        opSize64ByDefault: o.defaultOpSize64 || o.forceOpSize64,
        opKinds,
        hasModrm: o.isGroup || opKinds.some((k) => MODRM_KIND.test(k)) || o.encoding === EncodingKind.D3NOW,
        hasMemOffs: opKinds.includes('mem_offs'),
        hasVvvv: opKinds.some((k) => k.endsWith('_vvvv')),
        regInOpcode: opKinds.some((k) => k.endsWith('_opcode')),
        canLock: o.canUseLockPrefix, canRep: o.canUseRepPrefix || o.canUseRepnePrefix,
        canBroadcast: o.canBroadcast, canRoundOrSae: o.canUseRoundingControl || o.canSuppressAllExceptions,
        canOpMask: o.canUseOpMaskRegister, requireOpMask: o.requireOpMaskRegister, canZero: o.canUseZeroingMasking,
        decoderOption: o.decoderOption,
        amdOnly64: o.amdDecoder64 && !o.intelDecoder64,
        modes: { 32: o.isAvailableInMode(32), 64: o.isAvailableInMode(64) },
        opCodeString: o.opCodeString,
      });
    } finally {
      o.free();
    }
  }
  return out;
}
