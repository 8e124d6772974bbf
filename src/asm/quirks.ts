// GNU as choices that are not "shortest, then first template": operand-size prefixes GNU leaves out for
// selector-sized operands, and candidates that can never win (pruned before encoding to save time).
import { lookupCodes, type CodeInfo } from './codeIndex.js';
import { Kinds as K, isRegFieldKind, isRegOrMemKind } from './match.js';
import type { Operand } from './operands.js';
import { lookupRegister, type RegInfo } from './registers.js';

export interface Match {
  ci: CodeInfo;
  ops: Operand[];
  swapped: boolean;
}

// Selector loads/stores and the like have a 16-bit operand no matter what; GNU writes a 16-bit register or
// memory operand without a 66 prefix (except where a register destination really is 16 bits wide).
const NO66 = /^(Ltr|Lldt|Lmsw|Verr|Verw)_rm16$|^Mov_Sreg_rm16$|^Arpl_rm16_r16$/;

// And with a 64-bit register GNU drops REX.W for segment-register moves, str and sldt; likewise (REX.W, VEX/EVEX.W1)
// where a 64-bit general register only carries a byte, word or mask: the register is written as %rax but encoded
// as the 32-bit form (`pextrw $1,%xmm0,%rax` is 66 0f c5 c0 01, `vpmovmskb %xmm0,%rax` is c5 f9 d7 c0).
const NOREXW = /^(Mov_Sreg_r64m16|Mov_r64m16_Sreg|Str_r64m16|Sldt_r64m16)$|^((E?VEX)_V)?([Pp]extr[bw]|[Pp]insr[bw]|[Ee]xtractps|[Pp]movmskb|[Mm]ovmskp[sd])_(.*_)?r64(m8|m16|m32)?(_|$)/;

// Selector and machine-status-word memory operands are a word whatever the operand size: with a memory operand
// GNU writes `strw (%rdi)` as 0f 00 0f, without the 66 it needs for `strw %ax` (a real 16-bit register write).
const NO66_MEM = /^(Str|Sldt|Smsw)_rm16$/;

export function drop66(m: Match, bitness: number): Match {
  if (bitness === 16) {
    // In 16-bit code the rm16 forms are the native ones; a 32-bit source register of a segment load is read as 16.
    if (m.ci.name === 'Mov_Sreg_r32m16' && m.ops[1]?.kind === 'reg') {
      const ci = readMnemonicCodes(m.ci).find((c) => c.name === 'Mov_Sreg_rm16');
      if (!ci) return m;
      const ops = m.ops.map((o) => (o.kind === 'reg' && o.info.cls === 'gpr32' ? { ...o, info: gprOf(16, o.info.num) } : o));
      return { ...m, ci, ops };
    }
    return m;
  }
  if (NOREXW.test(m.ci.name) && m.ops.some((o) => o.kind === 'reg' && o.info.cls === 'gpr64')) {
    const narrow = [m.ci.name.replace(/r64/g, 'r32'), m.ci.name.replace('r64m32', 'rm32')];
    const ci = readMnemonicCodes(m.ci).find((c) => narrow.includes(c.name));
    if (!ci) return m;
    const ops = m.ops.map((o) => (o.kind === 'reg' && o.info.cls === 'gpr64' ? { ...o, info: gpr32Of(o.info.num) } : o));
    return { ...m, ci, ops };
  }
  const memStore = (m.ci.name === 'Mov_rm16_Sreg' || NO66_MEM.test(m.ci.name)) && m.ops[0]?.kind === 'mem';
  if (!NO66.test(m.ci.name) && !memStore) return m;
  const wide = m.ci.name === 'Arpl_rm16_r16' ? 'Arpl_r32m16_r32' : m.ci.name.replace('_rm16', '_r32m16');
  const ci = readMnemonicCodes(m.ci).find((c) => c.name === wide);
  if (!ci) return m;
  const ops = m.ops.map((o) => (o.kind === 'reg' && o.info.cls === 'gpr16' ? { ...o, info: gpr32Of(o.info.num) } : o));
  return { ...m, ci, ops };
}

const IMM8SEX = new Set<number>([K.imm8sex16, K.imm8sex32, K.imm8sex64]);
const WIDE_IMM = new Set<number>([K.imm16, K.imm32, K.imm32sex64, K.imm64]);

/**
 * Drops candidates that can never win, to save encoder calls: with a fitting sign-extended imm8 form, every
 * 16/32/64-bit immediate form is at least as long and loses ties; of a reg,reg pair of store/load forms the
 * store form wins (same length, GNU's first template).
 */
export function pruneDominated(matches: Match[], hasPseudo: boolean): Match[] {
  if (matches.length < 2) return matches;
  let out = matches;
  if (out.some((m) => m.ci.userKinds.some((k) => IMM8SEX.has(k)))) {
    out = out.filter((m) => !m.ci.userKinds.some((k) => WIDE_IMM.has(k)));
  }
  if (!hasPseudo && out.length === 2 && out.every((m) => !m.swapped && m.ops.length === 2 && m.ops.every((o) => o.kind === 'reg'))) {
    const [a, b] = out as [Match, Match];
    const ka = a.ci.userKinds;
    const kb = b.ci.userKinds;
    if (isRegOrMemKind(ka[0]!) && isRegFieldKind(ka[1]!) && isRegFieldKind(kb[0]!) && isRegOrMemKind(kb[1]!) && !a.ci.vex && !b.ci.vex) {
      out = a.ci.code < b.ci.code ? [a] : [b];
    }
  }
  return out;
}

const VECTOR_RM = new Set<number>([K.mm_or_mem, K.xmm_or_mem, K.ymm_or_mem]);
const GPR_RM = new Set<number>([K.r32_or_mem, K.r64_or_mem]);

/**
 * movq's memory operand fits both `movq xmm, r/m64` (66 REX.W 0f 6e) and `movq xmm, xmm/m64` (f3 0f 7e), and
 * with an extended base both are the same length; GNU's templates list the vector-register form first, so it
 * takes f3 0f 7e / 66 0f d6 (and 0f 6f / 0f 7f for %mm, VEX's f3 7e / 66 d6): the general-register forms are for
 * a general register only.
 */
export function preferVectorMemory(matches: Match[]): Match[] {
  // EVEX is the other way round: GNU's EVEX vmovq with memory is the W1 6e / 7e form (62 e1 fd 08 6e 08).
  if (matches.length < 2 || matches.some((m) => m.ci.evex)) return matches;
  const at = matches[0]!.ops.findIndex((o) => o.kind === 'mem');
  if (at < 0 || !matches.some((m) => VECTOR_RM.has(m.ci.userKinds[at]!))) return matches;
  const out = matches.filter((m) => !GPR_RM.has(m.ci.userKinds[at]!));
  return out.length > 0 ? out : matches;
}

const IS4 = new Set<number>([K.xmm_is4, K.ymm_is4]);

/**
 * FMA4 with four registers fits both operand orders (VEX.W0: src2 in ModRM.rm, src3 in imm8[7:4]; W1: the other
 * way round) at the same length; GNU's template is the W1 one, src3 in ModRM.rm (`vfmaddps %xmm3,%xmm2,%xmm1,%xmm0`
 * is c4 e3 f1 68 c3 20). With a memory operand only one of them fits anyway.
 */
export function preferIs4Src2(matches: Match[]): Match[] {
  if (matches.length < 2 || !matches[0]!.ops.every((o) => o.kind === 'reg')) return matches;
  const last = (m: Match): boolean => IS4.has(m.ci.userKinds[m.ci.userKinds.length - 1]!);
  const out = matches.filter((m) => !last(m));
  return out.length > 0 && out.length < matches.length ? out : matches;
}

const GPR16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
function gprOf(bits: 16 | 32, num: number): RegInfo {
  if (num >= 8) return lookupRegister(`r${num}${bits === 16 ? 'w' : 'd'}`)!;
  return lookupRegister((bits === 32 ? 'e' : '') + GPR16[num]!)!;
}
export function gpr32Of(num: number): RegInfo {
  return gprOf(32, num);
}

function readMnemonicCodes(ci: CodeInfo): CodeInfo[] {
  return lookupCodes(ci.name.replace(/^E?VEX_/, '').split('_')[0]!.toLowerCase()) ?? [];
}

