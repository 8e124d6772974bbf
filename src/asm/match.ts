// Does a parsed operand fit an iced operand kind? Register classes, memory shapes and immediate ranges as GNU
// as 2.40 accepts them (immediate ranges are where GNU would otherwise truncate with a warning: we refuse).
import { OpCodeOperandKind as K, Register } from './iced.js';
import type { Operand } from './operands.js';
import type { RegClass } from './registers.js';

/** Kinds the user never writes (string-instruction addresses, xlat's table). */
export const IMPLICIT_KINDS = new Set<number>([K.seg_rSI, K.es_rDI, K.seg_rDI, K.seg_rBX_al]);

const REG_CLASS: Partial<Record<number, RegClass>> = {
  [K.r8_reg]: 'gpr8', [K.r8_opcode]: 'gpr8',
  [K.r16_reg]: 'gpr16', [K.r16_rm]: 'gpr16', [K.r16_opcode]: 'gpr16',
  [K.r32_reg]: 'gpr32', [K.r32_rm]: 'gpr32', [K.r32_opcode]: 'gpr32', [K.r32_vvvv]: 'gpr32',
  [K.r64_reg]: 'gpr64', [K.r64_rm]: 'gpr64', [K.r64_opcode]: 'gpr64', [K.r64_vvvv]: 'gpr64',
  [K.seg_reg]: 'seg', [K.cr_reg]: 'cr', [K.dr_reg]: 'dr', [K.tr_reg]: 'tr', [K.bnd_reg]: 'bnd',
  [K.mm_reg]: 'mm', [K.mm_rm]: 'mm',
  [K.xmm_reg]: 'xmm', [K.xmm_rm]: 'xmm', [K.xmm_vvvv]: 'xmm', [K.xmm_is4]: 'xmm', [K.xmm_is5]: 'xmm',
  [K.ymm_reg]: 'ymm', [K.ymm_rm]: 'ymm', [K.ymm_vvvv]: 'ymm', [K.ymm_is4]: 'ymm', [K.ymm_is5]: 'ymm',
  [K.zmm_reg]: 'zmm', [K.zmm_rm]: 'zmm', [K.zmm_vvvv]: 'zmm', [K.zmmp3_vvvv]: 'zmm', [K.xmmp3_vvvv]: 'xmm',
  [K.k_reg]: 'k', [K.kp1_reg]: 'k', [K.k_rm]: 'k', [K.k_vvvv]: 'k',
  [K.sti_opcode]: 'st',
};

const REG_OR_MEM: Partial<Record<number, RegClass>> = {
  [K.r8_or_mem]: 'gpr8', [K.r16_or_mem]: 'gpr16', [K.r32_or_mem]: 'gpr32', [K.r32_or_mem_mpx]: 'gpr32',
  [K.r64_or_mem]: 'gpr64', [K.r64_or_mem_mpx]: 'gpr64', [K.r16_reg_mem]: 'gpr16', [K.r32_reg_mem]: 'gpr32',
  [K.r64_reg_mem]: 'gpr64', [K.mm_or_mem]: 'mm', [K.xmm_or_mem]: 'xmm', [K.ymm_or_mem]: 'ymm',
  [K.zmm_or_mem]: 'zmm', [K.k_or_mem]: 'k', [K.bnd_or_mem_mpx]: 'bnd',
};

const FIXED_REG: Partial<Record<number, Register>> = {
  [K.al]: Register.AL, [K.cl]: Register.CL, [K.ax]: Register.AX, [K.dx]: Register.DX, [K.eax]: Register.EAX,
  [K.rax]: Register.RAX, [K.st0]: Register.ST0, [K.es]: Register.ES, [K.cs]: Register.CS, [K.ss]: Register.SS,
  [K.ds]: Register.DS, [K.fs]: Register.FS, [K.gs]: Register.GS,
};

export function isFixedRegKind(k: number): boolean {
  return FIXED_REG[k] !== undefined;
}

export function fixedReg(k: number): Register | undefined {
  return FIXED_REG[k];
}

export function isRegFieldKind(k: number): boolean {
  return k === K.r8_reg || k === K.r16_reg || k === K.r32_reg || k === K.r64_reg || k === K.xmm_reg || k === K.ymm_reg || k === K.mm_reg;
}

export function isRegOrMemKind(k: number): boolean {
  return REG_OR_MEM[k] !== undefined;
}

export function isImmKind(k: number): boolean {
  return k >= K.imm4_m2z && k <= K.imm64;
}

export function isBranchKind(k: number): boolean {
  return (k >= K.br16_1 && k <= K.brdisp_4) || k === K.farbr2_2 || k === K.farbr4_2;
}

export function isMemOnlyKind(k: number): boolean {
  return k === K.mem || k === K.mem_mpx || k === K.mem_mib || k === K.sibmem || k === K.mem_offs || (k >= K.mem_vsib32x && k <= K.mem_vsib64z);
}

const IN = (v: bigint, lo: bigint, hi: bigint): boolean => v >= lo && v <= hi;

/** Sign-extends the low `bits` of v. */
function sext(v: bigint, bits: number): bigint {
  return BigInt.asIntN(bits, v);
}

/**
 * Whether an immediate value is representable in the kind. GNU accepts any value that is valid as either a
 * signed or an unsigned quantity of the field's width; the imm8 sign-extended forms are chosen only when the
 * value, taken at the operation's width, sign-extends from 8 bits.
 */
export function immFits(k: number, v: bigint, symbolic: boolean): boolean {
  if (symbolic) return k === K.imm8 || k === K.imm16 || k === K.imm32 || k === K.imm32sex64 || k === K.imm64;
  switch (k) {
    case K.imm8:
      return IN(v, -0x80n, 0xffn);
    case K.imm4_m2z:
      return IN(v, 0n, 0xffn);
    case K.imm8_const_1:
      return v === 1n;
    case K.imm16:
      return IN(v, -0x8000n, 0xffffn);
    case K.imm32:
      return IN(v, -0x80000000n, 0xffffffffn);
    case K.imm8sex16:
      return IN(v, -0x8000n, 0xffffn) && IN(sext(v, 16), -0x80n, 0x7fn);
    case K.imm8sex32:
      return IN(v, -0x80000000n, 0xffffffffn) && IN(sext(v, 32), -0x80n, 0x7fn);
    case K.imm8sex64:
      return IN(v, -0x80n, 0x7fn);
    case K.imm32sex64:
      return IN(v, -0x80000000n, 0x7fffffffn);
    case K.imm64:
      return true;
  }
  return false;
}

/** Width in bits of an immediate kind, for "would be truncated" messages. */
export function immBits(k: number): number {
  switch (k) {
    case K.imm16: return 16;
    case K.imm32: case K.imm32sex64: return 32;
    case K.imm64: return 64;
    default: return 8;
  }
}

export interface MatchCtx {
  bitness: number;
  /** An EVEX encoding: xmm16-31/ymm16-31 and zmm-indexed addresses exist. */
  evex?: boolean;
}

export function operandFits(k: number, op: Operand, ctx: MatchCtx): boolean {
  switch (op.kind) {
    case 'reg': {
      const fixed = FIXED_REG[k];
      if (fixed !== undefined) return op.info.reg === fixed;
      const cls = REG_CLASS[k] ?? REG_OR_MEM[k];
      if (cls === undefined || cls !== op.info.cls) return false;
      // Without EVEX, only xmm0-15/ymm0-15 exist.
      if ((cls === 'xmm' || cls === 'ymm') && op.info.num >= 16 && !ctx.evex) return false;
      return true;
    }
    case 'mem': {
      if (REG_OR_MEM[k] !== undefined || k === K.mem || k === K.mem_mpx || k === K.mem_mib || k === K.sibmem) {
        return !isVectorIndexed(op);
      }
      if (k === K.mem_offs) return op.base === undefined && op.index === undefined;
      if (k === K.mem_vsib32x || k === K.mem_vsib64x) return op.index?.cls === 'xmm' && (op.index.num < 16 || ctx.evex === true);
      if (k === K.mem_vsib32y || k === K.mem_vsib64y) return op.index?.cls === 'ymm' && (op.index.num < 16 || ctx.evex === true);
      if (k === K.mem_vsib32z || k === K.mem_vsib64z) return op.index?.cls === 'zmm';
      return false;
    }
    case 'imm':
      return isImmKind(k) && immFits(k, op.expr.value, op.expr.symbol !== undefined);
  }
}

function isVectorIndexed(op: Operand): boolean {
  return op.kind === 'mem' && (op.index?.cls === 'xmm' || op.index?.cls === 'ymm' || op.index?.cls === 'zmm');
}

export { K as Kinds };
