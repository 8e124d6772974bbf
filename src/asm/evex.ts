// AVX-512 (EVEX) rules of GNU as 2.40, each checked against `as`: where decorations may stand, which EVEX
// forms take them, VEX before EVEX, and the compare pseudo-mnemonics. iced's encoder does the rest (disp8*N
// compression included, which agrees with GNU's).
import type { CodeInfo } from './codeIndex.js';
import { InsnError } from './errors.js';
import { OpCodeOperandKind as K } from './iced.js';
import type { MemOperand, Operand, ParsedInsn, Rounding } from './operands.js';
import type { RegInfo } from './registers.js';
import type { Match } from './quirks.js';

/** Where the statement's text ends (operands are in Intel order, so the last one written may come first). */
export function insnEnd(insn: ParsedInsn): number {
  return Math.max(insn.mnemonicEnd, insn.rounding?.end ?? 0, ...insn.operands.map((o) => o.end));
}

/** Whether the instruction carries anything only EVEX can encode (a mask, zeroing, broadcast or rounding). */
export function hasDecorations(ops: Operand[], rounding: Rounding | undefined): boolean {
  return rounding !== undefined || ops.some((o) => o.kind !== 'imm' && (o.mask !== undefined || o.zeroing === true || (o.kind === 'mem' && o.bcst !== undefined)));
}

// vcvtsi2ss and friends take the rounding operand next to their general-register source (AT&T: right after it).
const GPR_SOURCE_ROUNDING = /^vcvtu?si2s[sdh][lq]?$/;

/**
 * GNU's placement rules, on the operands as written (Intel order): a mask and `{z}` on the destination only,
 * `{z}` with a mask, never `%k0`; the rounding operand after the last register or memory operand and before
 * the immediates (AT&T: first, or after the immediates).
 */
export function checkDecorationPlacement(insn: ParsedInsn, syntax: 'att' | 'intel'): void {
  const ops = insn.operands;
  ops.forEach((o, i) => {
    if (o.kind === 'imm' || (o.mask === undefined && !o.zeroing)) return;
    const at = { start: o.decoStart ?? o.start, end: o.decoEnd ?? o.end };
    if (i > 0) throw new InsnError(`mask not on destination operand for '${insn.mnemonic}'`, at.start, at.end, ['GNU as allows {%k}/{z} only after the destination']);
    if (o.mask?.num === 0) throw new InsnError(`'${o.mask.name}' can't be used for write mask`, at.start, at.end, ['%k0 means "no mask": leave the mask out']);
    if (o.zeroing && !o.mask) throw new InsnError('zeroing-masking only allowed with write mask', at.start, at.end);
  });
  const rc = insn.rounding;
  if (!rc) return;
  let imms = 0;
  while (imms < ops.length && ops[ops.length - 1 - imms]!.kind === 'imm') imms++;
  const regular = ops.length - imms;
  const gprSource = GPR_SOURCE_ROUNDING.test(insn.mnemonic.toLowerCase());
  const allowed = gprSource ? (syntax === 'att' ? [regular - 1] : [regular, regular - 1]) : [regular];
  if (allowed.includes(rc.at)) return;
  const text = `{${rc.mode === 'sae' ? 'sae' : `${rc.mode}-sae`}}`;
  if (rc.at > regular) {
    throw new InsnError(`'${insn.mnemonic}': RC/SAE operand must ${syntax === 'att' ? 'follow' : 'precede'} immediate operands`, rc.start, rc.end);
  }
  const where = syntax === 'att' ? (gprSource ? 'right after the general-register source' : 'first, or right after the immediate') : 'after the last register operand';
  throw new InsnError(`'${insn.mnemonic}': misplaced '${text}'`, rc.start, rc.end, [`GNU as takes it ${where}`]);
}

const EXACT_CONVERSION = /^EVEX_Vcvt(u?si2sd_xmm_xmm_rm32|u?dq2pd_zmm)/;

function bcstOperand(ops: Operand[]): MemOperand | undefined {
  return ops.find((o): o is MemOperand => o.kind === 'mem' && o.bcst !== undefined);
}

/**
 * Whether an encoding takes the instruction's decorations: none for Legacy/VEX; for EVEX the opmask, zeroing
 * (register destinations only), broadcast of this element size and count (Intel `DWORD BCST` gives the element,
 * `{1toN}` the count, an AT&T x/y suffix the vector), rounding or SAE (register operands only).
 */
export function evexFits(ci: CodeInfo, ops: Operand[], rounding: Rounding | undefined, vecBytes: number | undefined): boolean {
  if (vecBytes !== undefined && ci.memBytes !== vecBytes) return false;
  const caps = ci.evex;
  if (!caps) return !hasDecorations(ops, rounding);
  const dst = ops[0];
  if (caps.maskRequired && (!dst || dst.kind === 'imm' || !dst.mask)) return false;
  if (dst && dst.kind !== 'imm') {
    if (dst.mask && !caps.mask) return false;
    if (dst.zeroing && (!caps.zeroing || dst.kind === 'mem')) return false;
  }
  const b = bcstOperand(ops);
  if (b) {
    const elem = caps.bcstBytes;
    if (elem === 0) return false;
    if (b.size !== undefined && b.size !== elem) return false;
    if (b.bcst!.count !== undefined && b.bcst!.count * elem !== ci.memBytes) return false;
  }
  if (rounding) {
    if (rounding.mode === 'sae' ? !caps.sae : !caps.rounding) return false;
    // 32-bit integers convert to double exactly: iced allows rounding there, GNU does not.
    if (EXACT_CONVERSION.test(ci.name)) return false;
    if (ops.some((o) => o.kind === 'mem')) return false;
  }
  return true;
}

// AVX-VNNI, AVX-IFMA and AVX-NE-CONVERT: VEX forms newer than their AVX-512 twins, which GNU emits only with
// `{vex}`; without it, EVEX.
const EVEX_UNLESS_VEX_PREFIX = new Set(['vpdpbusd', 'vpdpbusds', 'vpdpwssd', 'vpdpwssds', 'vpmadd52luq', 'vpmadd52huq', 'vcvtneps2bf16']);

/**
 * GNU takes the VEX form whenever one fits (even where EVEX's compressed displacement would be shorter),
 * except for the names above; `{evex}` asks for EVEX, `{vex}`/`{vex3}` for VEX.
 */
export function chooseVexOrEvex(matches: Match[], pseudo: Set<string>, insn: ParsedInsn): Match[] {
  const at = { start: insn.mnemonicStart, end: insn.mnemonicEnd };
  if (pseudo.has('{evex}')) {
    const e = matches.filter((m) => m.ci.evex);
    if (e.length === 0) throw new InsnError(`'{evex}': '${insn.mnemonic}' with these operands has no EVEX encoding`, at.start, at.end);
    return e;
  }
  const vex = matches.filter((m) => !m.ci.evex);
  const vexAsked = pseudo.has('{vex}') || pseudo.has('{vex2}') || pseudo.has('{vex3}');
  if (vex.length === 0 && vexAsked) {
    throw new InsnError(`'${insn.mnemonic}' with these operands needs EVEX, but a {vex} prefix asks for VEX`, at.start, at.end);
  }
  if (!vexAsked && EVEX_UNLESS_VEX_PREFIX.has(insn.mnemonic.toLowerCase()) && vex.length < matches.length) return matches.filter((m) => m.ci.evex);
  return vex.length > 0 ? vex : matches;
}

// The AVX-512 names of AVX instructions that have no EVEX form of their own.
const EVEX_SPELLING: Record<string, string> = {
  vpand: 'vpandd/vpandq', vpandn: 'vpandnd/vpandnq', vpor: 'vpord/vporq', vpxor: 'vpxord/vpxorq',
  vmovdqa: 'vmovdqa32/vmovdqa64', vmovdqu: 'vmovdqu8/16/32/64', vextracti128: 'vextracti32x4', vextractf128: 'vextractf32x4',
  vinserti128: 'vinserti32x4', vinsertf128: 'vinsertf32x4', vbroadcasti128: 'vbroadcasti32x4', vbroadcastf128: 'vbroadcastf32x4',
};

/** The hint for an AVX name used with AVX-512 registers. */
export function evexSpellingHint(mnemonic: string): string[] | undefined {
  const s = EVEX_SPELLING[mnemonic.toLowerCase()];
  return s ? [`the AVX-512 form is ${s}`] : undefined;
}

/** A register only EVEX can name (zmm, xmm16-31, ymm16-31), as a register or a VSIB index. */
export function evexOnlyRegister(ops: Operand[]): RegInfo | undefined {
  for (const o of ops) {
    const r = o.kind === 'reg' ? o.info : o.kind === 'mem' ? o.index : undefined;
    if (r && (r.cls === 'zmm' || ((r.cls === 'xmm' || r.cls === 'ymm') && r.num >= 16))) return r;
  }
  return undefined;
}

/**
 * No encoding fits, but one would without some decoration: say which one, as GNU does ("unsupported masking",
 * "unsupported broadcast", "unsupported static rounding/sae", "default mask isn't allowed").
 */
export function explainDecorations(insn: ParsedInsn, ops: Operand[], fits: (ops: Operand[], rounding: Rounding | undefined) => boolean, maskRequired: () => boolean): InsnError | undefined {
  const rounding = insn.rounding;
  if (!hasDecorations(ops, rounding)) {
    if (maskRequired()) return new InsnError(`'${insn.mnemonic}' needs a write mask ({%k1}..{%k7}) on its destination (GNU: default mask isn't allowed)`, insn.mnemonicStart, insnEnd(insn));
    return undefined;
  }
  const bare = ops.map((o): Operand => {
    if (o.kind === 'imm') return o;
    const { mask: _m, zeroing: _z, ...rest } = o as MemOperand;
    if (rest.kind === 'mem' && rest.bcst) {
      // The bare form of `DWORD BCST [rax]` is sizeless memory.
      const { bcst: _b, size: _s, ...mem } = rest;
      return mem;
    }
    return rest as Operand;
  });
  if (!fits(bare, undefined)) return undefined;
  const name = insn.mnemonic;
  const end = insnEnd(insn);
  const err = (what: string, hint: string): InsnError => new InsnError(`unsupported ${what} for '${name}'`, insn.mnemonicStart, end, [hint]);
  const withDst = bare.slice();
  const dst = ops[0];
  if (dst && dst.kind !== 'imm' && (dst.mask || dst.zeroing)) {
    withDst[0] = { ...withDst[0]!, ...(dst.mask ? { mask: dst.mask } : {}), ...(dst.zeroing ? { zeroing: true } : {}) } as Operand;
    if (!fits(withDst, undefined)) return err('masking', dst.zeroing ? 'this form takes no {z} (memory destinations and compares never do)' : 'this form takes no write mask');
  }
  const b = bcstOperand(ops);
  if (b) {
    const i = ops.indexOf(b);
    const withB = withDst.slice();
    withB[i] = { ...(withB[i] as MemOperand), bcst: b.bcst!, ...(b.size !== undefined ? { size: b.size } : {}) };
    if (!fits(withB, undefined)) return err('broadcast', "the {1toN} count times the element size must be the vector's size, for a form that broadcasts");
  }
  if (rounding) return err('static rounding/sae', rounding.mode === 'sae' ? '{sae} needs a form that suppresses exceptions, with register operands' : 'embedded rounding needs a 512-bit (or scalar) form with register operands');
  return undefined;
}

const VCMP_PREDICATES = [
  'eq', 'lt', 'le', 'unord', 'neq', 'nlt', 'nle', 'ord', 'eq_uq', 'nge', 'ngt', 'false', 'neq_oq', 'ge', 'gt', 'true',
  'eq_os', 'lt_oq', 'le_oq', 'unord_s', 'neq_us', 'nlt_uq', 'nle_uq', 'ord_s', 'eq_us', 'nge_uq', 'ngt_uq', 'false_os', 'neq_os', 'ge_oq', 'gt_oq', 'true_us',
];
// GNU's second spellings of the first 16 predicates.
const VCMP_ALIASES: Record<string, number> = {
  eq_oq: 0, lt_os: 1, le_os: 2, unord_q: 3, neq_uq: 4, nlt_us: 5, nle_us: 6, ord_q: 7, nge_us: 9, ngt_us: 10, false_oq: 11, ge_os: 13, gt_os: 14, true_uq: 15,
};
const VCMP_RE = /^vcmp([a-z_]+?)(ps|pd|ss|sd|ph|sh)$/;
// vpcmp{eq,lt,le,neq,nlt,nle}{b,w,d,q,ub,uw,ud,uq}; vpcmpeq[bwdq] are instructions of their own.
const VPCMP_PREDICATES: Record<string, number> = { eq: 0, lt: 1, le: 2, neq: 4, nlt: 5, nle: 6 };
const VPCMP_RE = /^vpcmp(eq|lt|le|neq|nlt|nle)(u?[bwdq])$/;
const PCLMUL_RE = /^(v?)pclmul([lh])q([lh])qdq$/;

/**
 * `vcmpnle_uqps` is `vcmpps` with predicate 22, `vpcmpltud` is `vpcmpud` with 1, `pclmulhqlqdq` is `pclmulqdq`
 * with 1 (undefined: not a pseudo-op).
 */
export function comparePseudo(mnemonic: string): { mnemonic: string; predicate: number } | undefined {
  const v = VCMP_RE.exec(mnemonic);
  if (v) {
    const i = VCMP_PREDICATES.indexOf(v[1]!);
    const p = i >= 0 ? i : VCMP_ALIASES[v[1]!];
    return p === undefined ? undefined : { mnemonic: `vcmp${v[2]}`, predicate: p };
  }
  const p = VPCMP_RE.exec(mnemonic);
  if (p && !(p[1] === 'eq' && p[2]!.length === 1)) return { mnemonic: `vpcmp${p[2]}`, predicate: VPCMP_PREDICATES[p[1]!]! };
  // pclmulhqlqdq: which quadwords of the sources (imm bits 0 and 4).
  const c = PCLMUL_RE.exec(mnemonic);
  if (c) return { mnemonic: `${c[1]}pclmulqdq`, predicate: (c[2] === 'h' ? 1 : 0) | (c[3] === 'h' ? 0x10 : 0) };
  return undefined;
}

// Names whose x/y (vfpclass: also z) suffix gives the source vector size, where sources of several sizes
// share a destination: `vcvtpd2psx (%rax){1to2},%xmm0` (AT&T only), `vfpclasspsz $4,(%rax),%k1` (Intel too,
// but not vfpclassph).
const XY_SUFFIXED = /^(vcvtpd2dq|vcvtpd2ps|vcvttpd2dq|vcvtpd2udq|vcvttpd2udq|vcvtqq2ps|vcvtuqq2ps)([xy])$|^(vfpclassp[sdh])([xyz])$/;
const SUFFIX_BYTES: Record<string, number> = { x: 16, y: 32, z: 64 };

/** The base name and source vector bytes of an x/y/z-suffixed instruction, if the name is one. */
export function vectorSuffix(name: string, syntax: 'att' | 'intel'): { base: string; vecBytes: number } | undefined {
  const m = XY_SUFFIXED.exec(name);
  if (!m || (syntax === 'intel' && (m[1] !== undefined || m[3] === 'vfpclassph'))) return undefined;
  return { base: (m[1] ?? m[3])!, vecBytes: SUFFIX_BYTES[(m[2] ?? m[4])!]! };
}

// Complex FP16 multiplies write a register no source may share.
const DISTINCT_DESTINATION = /^vfc?(madd|mul)c[ps]h$/;

/**
 * Register choices GNU rejects (complex FP16 multiplies sharing the destination) or only warns about (a
 * gather's destination, index and, for VEX, mask sharing a register; a 4FMAPS/4VNNIW source group named by
 * another register than its first): refused either way.
 */
export function checkRegisterRules(m: Match, mnemonic: string, at: { start: number; end: number }): void {
  const regs = m.ops.map((o) => (o.kind === 'reg' ? o.info.num : -1));
  const group = m.ci.userKinds.findIndex((k) => k === K.zmmp3_vvvv || k === K.xmmp3_vvvv);
  const g = m.ops[group];
  if (g?.kind === 'reg' && g.info.num % 4 !== 0) {
    const first = g.info.num & ~3;
    throw new InsnError(`'${g.info.name}' stands for the group ${g.info.cls}${first}-${g.info.cls}${first + 3}: write ${g.info.cls}${first}`, g.start, g.end, ['GNU as takes it with a warning']);
  }
  if (DISTINCT_DESTINATION.test(mnemonic) && regs.slice(1).includes(regs[0]!)) {
    throw new InsnError(`destination and source registers must be distinct for '${mnemonic}'`, at.start, at.end);
  }
  const vsib = m.ops.find((o): o is MemOperand => o.kind === 'mem' && o.index !== undefined && /^[xyz]mm$/.test(o.index.cls));
  if (!vsib || m.ops[0]?.kind !== 'reg') return;
  const shared = m.ci.evex ? [regs[0]!, vsib.index!.num] : [regs[0]!, vsib.index!.num, ...regs.slice(2)];
  if (new Set(shared).size < shared.length) {
    throw new InsnError(`${m.ci.evex ? 'index and destination' : 'mask, index, and destination'} registers of '${mnemonic}' must be distinct`, at.start, at.end, ['GNU as only warns, and the CPU raises #UD']);
  }
}
