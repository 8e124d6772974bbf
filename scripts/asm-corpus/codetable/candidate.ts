// Structured random machine code for one iced Code: prefixes, REX / VEX / XOP / EVEX header with random
// fields, the Code's opcode, a ModRM (and SIB) of the requested form, then random bytes for displacement
// and immediates. Whether the bytes really are that Code is decided by iced's decoder afterwards
// (instances.ts); the builder only has to hit often. Encoding facts: Intel SDM vol. 2, ch. 2 (legacy,
// REX, VEX, EVEX layouts) and AMD APM vol. 3, ch. 1 (XOP, 3DNow! suffix opcode).

import { EncodingKind, MandatoryPrefix, OpCodeTableKind } from './iced.js';
import type { CodeInfo } from './codeInfo.js';
import type { Rng } from './rng.js';

export type Bitness = 32 | 64;

/** What an instance looks like, as far as the choice of encodings is concerned. */
export interface Features {
  form: 'reg' | 'mem' | 'none';
  /** Some register number >= 8 (REX/VEX/EVEX R, X, B, vvvv, R', V'): the same-length-tie cases. */
  ext: boolean;
  /** ModRM mod (0..2) for memory forms, plus rip / sib / 16-bit addressing. */
  addr: string;
  /** Extra prefixes beyond the Code's own (segment, lock, rep, 67, empty REX). */
  extra: string;
  /** EVEX: masking, broadcast / rounding. */
  evex: string;
}

export interface Candidate {
  bytes: number[];
  features: Features;
}

const SEGMENTS = [0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65];
const MANDATORY: Record<number, number | undefined> = {
  [MandatoryPrefix.P66]: 0x66, [MandatoryPrefix.PF3]: 0xf3, [MandatoryPrefix.PF2]: 0xf2,
};
const VEX_PP: Record<number, number> = { [MandatoryPrefix.P66]: 1, [MandatoryPrefix.PF3]: 2, [MandatoryPrefix.PF2]: 3 };
const MAP_SELECT: Record<number, number> = {
  [OpCodeTableKind.T0F]: 1, [OpCodeTableKind.T0F38]: 2, [OpCodeTableKind.T0F3A]: 3,
  [OpCodeTableKind.MAP5]: 5, [OpCodeTableKind.MAP6]: 6,
  [OpCodeTableKind.MAP8]: 8, [OpCodeTableKind.MAP9]: 9, [OpCodeTableKind.MAP10]: 10,
};
const LEGACY_ESCAPE: Record<number, number[]> = {
  [OpCodeTableKind.Normal]: [], [OpCodeTableKind.T0F]: [0x0f], [OpCodeTableKind.T0F38]: [0x0f, 0x38], [OpCodeTableKind.T0F3A]: [0x0f, 0x3a],
};

interface RegBits {
  r: number;
  x: number;
  b: number;
  /** EVEX R' and V'. */
  r2: number;
  v2: number;
  vvvv: number;
}

/** ModRM + SIB + displacement for the requested form; `addr16` for 16-bit addressing (67 in 32-bit code). */
function modrmBytes(rng: Rng, info: CodeInfo, form: 'reg' | 'mem', addr16: boolean, bits: Bitness, feats: Features, needSib = false): number[] {
  const reg = info.isGroup ? info.groupIndex : rng.int(8);
  if (form === 'reg') {
    const rm = info.isRmGroup ? info.rmGroupIndex : rng.int(8);
    return [0xc0 | (reg << 3) | rm];
  }
  const mod = rng.pick([0, 0, 1, 2]);
  let rm = rng.int(8);
  const out: number[] = [];
  if (addr16) {
    feats.addr = `a16/${mod}`;
    out.push((mod << 6) | (reg << 3) | rm);
    if (mod === 0 && rm === 6) out.push(...rng.bytes(2));
  } else {
    if (needSib || rng.chance(0.3)) rm = 4;
    out.push((mod << 6) | (reg << 3) | rm);
    let base = rm;
    if (rm === 4) {
      const sib = rng.int(256);
      base = sib & 7;
      out.push(sib);
    }
    feats.addr = `${mod}${rm === 4 ? '/sib' : ''}${mod === 0 && rm === 5 ? (bits === 64 ? '/rip' : '/abs') : ''}`;
    if (mod === 0 && base === 5) out.push(...smallOrLarge(rng, 4));
  }
  if (mod === 1) out.push(rng.int(256));
  if (mod === 2) out.push(...smallOrLarge(rng, addr16 ? 2 : 4));
  return out;
}

/** A displacement that often fits a byte, so that GNU's choice between disp8 and disp32 is exercised. */
function smallOrLarge(rng: Rng, n: number): number[] {
  if (rng.chance(0.3)) {
    const v = rng.int(256) - 128;
    return Array.from({ length: n }, (_, i) => (i === 0 ? v & 0xff : v < 0 ? 0xff : 0));
  }
  return rng.bytes(n);
}

function regBits(rng: Rng, ext: boolean, bits: Bitness, evex: boolean): RegBits {
  if (bits === 32 || !ext) return { r: 0, x: 0, b: 0, r2: 0, v2: 0, vvvv: 0 };
  return { r: rng.int(2), x: rng.int(2), b: rng.int(2), r2: evex ? rng.int(2) : 0, v2: evex ? rng.int(2) : 0, vvvv: 0 };
}

function legacy(rng: Rng, info: CodeInfo, bits: Bitness, rb: RegBits, feats: Features): number[] {
  const out: number[] = [];
  if (info.fwait) out.push(0x9b);
  // loop / jcxz / string instructions whose Code fixes the address size.
  if (info.addressSize !== 0 && info.addressSize !== bits) out.push(0x67);
  const extra: string[] = [];
  if (info.canLock && rng.chance(0.3)) {
    out.push(0xf0);
    extra.push('lock');
  }
  if (info.canRep && rng.chance(0.4)) {
    const p = rng.pick([0xf3, 0xf2]);
    out.push(p);
    extra.push(p.toString(16));
  }
  if (feats.form === 'mem' && rng.chance(0.15)) {
    const s = rng.pick(SEGMENTS);
    out.push(s);
    extra.push(s.toString(16));
  }
  if (info.operandSize === 16 && info.mandatoryPrefix !== MandatoryPrefix.P66) out.push(0x66);
  if (info.operandSize === 32 && rng.chance(0.02)) out.push(0x66); // a 66 that makes it another Code is filtered
  const mp = MANDATORY[info.mandatoryPrefix];
  if (mp !== undefined) out.push(mp);
  const wantW = info.W === 1 || (info.operandSize === 64 && !info.opSize64ByDefault);
  if (bits === 64) {
    const w = wantW ? 1 : rng.chance(0.02) ? 1 : 0;
    const rex = 0x40 | (w << 3) | (rb.r << 2) | (rb.x << 1) | rb.b;
    const empty = rex === 0x40 && rng.chance(0.05);
    if (rex !== 0x40 || empty) out.push(rex);
    if (empty) extra.push('rex');
  }
  out.push(...(LEGACY_ESCAPE[info.table] ?? []));
  feats.extra = extra.join('+');
  return out;
}

function opcodeAndModrm(rng: Rng, info: CodeInfo, bits: Bitness, addr16: boolean, feats: Features, needSib: boolean): number[] {
  const out: number[] = [];
  if (info.opCodeLength === 2) {
    out.push(info.opCode >> 8);
    // The second byte is a fixed ModRM (0F 01 D0) or a register in its low bits (D8 C0+i).
    out.push((info.opCode & 0xff) + (info.regInOpcode ? rng.int(8) : 0));
    feats.form = info.regInOpcode ? 'reg' : 'none';
    return out;
  }
  out.push(info.opCode + (info.regInOpcode ? rng.int(8) : 0));
  if (!info.hasModrm) {
    feats.form = info.hasMemOffs ? 'mem' : 'none';
    feats.addr = info.hasMemOffs ? `moffs${addr16 ? '16' : ''}` : '';
    return out;
  }
  out.push(...modrmBytes(rng, info, feats.form === 'none' ? 'reg' : feats.form, addr16, bits, feats, needSib));
  return out;
}

function vexLike(rng: Rng, info: CodeInfo, bits: Bitness, rb: RegBits): number[] {
  const pp = VEX_PP[info.mandatoryPrefix] ?? 0;
  const map = MAP_SELECT[info.table] ?? 1;
  const w = info.isWIG || (info.isWIG32 && bits === 32) ? rng.int(2) : info.W;
  const l = info.isLIG ? rng.int(2) : info.L;
  const inv = (v: number): number => (~v) & 1;
  const p2 = (w << 7) | (((~rb.vvvv) & 15) << 3) | (l << 2) | pp;
  if (info.encoding === EncodingKind.XOP) return [0x8f, (inv(rb.r) << 7) | (inv(rb.x) << 6) | (inv(rb.b) << 5) | map, p2];
  if (map === 1 && w === 0 && rb.x === 0 && rb.b === 0 && rng.chance(0.7)) return [0xc5, (inv(rb.r) << 7) | (p2 & 0x7f)];
  return [0xc4, (inv(rb.r) << 7) | (inv(rb.x) << 6) | (inv(rb.b) << 5) | map, p2];
}

function evex(rng: Rng, info: CodeInfo, bits: Bitness, rb: RegBits, feats: Features): number[] {
  const pp = VEX_PP[info.mandatoryPrefix] ?? 0;
  const map = MAP_SELECT[info.table] ?? 1;
  const w = info.isWIG || (info.isWIG32 && bits === 32) ? rng.int(2) : info.W;
  const inv = (v: number): number => (~v) & 1;
  const mask = info.requireOpMask ? 1 + rng.int(7) : info.canOpMask && rng.chance(0.5) ? 1 + rng.int(7) : 0;
  const z = info.canZero && mask !== 0 && rng.chance(0.5) ? 1 : 0;
  let b = 0;
  let ll = info.isLIG ? rng.int(3) : info.L;
  if (feats.form === 'mem' && info.canBroadcast && rng.chance(0.4)) b = 1;
  if (feats.form === 'reg' && info.canRoundOrSae && rng.chance(0.4)) {
    b = 1;
    ll = rng.int(4);
  }
  feats.evex = `${mask ? 'k' : ''}${z ? 'z' : ''}${b ? (feats.form === 'mem' ? 'bcst' : 'er') : ''}`;
  const p0 = (inv(rb.r) << 7) | (inv(rb.x) << 6) | (inv(rb.b) << 5) | (inv(rb.r2) << 4) | map;
  // EVEX has P1 bit 2 set; MVEX (Knights Corner) is the same header with it clear.
  const p1 = (w << 7) | (((~rb.vvvv) & 15) << 3) | (info.encoding === EncodingKind.MVEX ? 0 : 0x04) | pp;
  const p2 = (z << 7) | (ll << 5) | (b << 4) | (inv(rb.v2) << 3) | mask;
  return [0x62, p0, p1, p2];
}

/**
 * One random attempt at `info` in `bits`-bit code. `form` and `ext` are wishes (the attempt is kept by
 * instances.ts only if iced decodes it back to the same Code).
 */
export function buildCandidate(rng: Rng, info: CodeInfo, bits: Bitness, form: 'reg' | 'mem', ext: boolean): Candidate {
  const isEvex = info.encoding === EncodingKind.EVEX || info.encoding === EncodingKind.MVEX;
  const rb = regBits(rng, ext, bits, isEvex);
  // Bits no operand reads only make objdump print `rex.RX jo`: a spelling, not an encoding choice.
  if (!info.hasModrm) {
    rb.r = 0;
    rb.x = 0;
    rb.r2 = 0;
    if (!info.regInOpcode) rb.b = 0;
  } else if (form === 'reg' && !isEvex) rb.x = 0;
  if (info.isGroup) {
    rb.r = 0;
    rb.r2 = 0;
  }
  if (info.hasVvvv) rb.vvvv = bits === 64 ? rng.int(ext ? 16 : 8) : rng.int(8);
  const feats: Features = { form: info.hasModrm ? form : info.hasMemOffs ? 'mem' : 'none', ext: false, addr: '', extra: '', evex: '' };
  let out: number[];
  let addr16 = false;
  const extraPrefix: number[] = [];
  if (info.encoding === EncodingKind.Legacy || info.encoding === EncodingKind.D3NOW) {
    if (feats.form === 'mem' && rng.chance(bits === 32 ? 0.15 : 0.08)) {
      extraPrefix.push(0x67);
      addr16 = bits === 32;
    }
    out = [...extraPrefix, ...legacy(rng, info, bits, rb, feats)];
    if (extraPrefix.length) feats.extra = feats.extra ? `${feats.extra}+67` : '67';
  } else {
    if (feats.form === 'mem' && rng.chance(0.08)) {
      out = [rng.pick(SEGMENTS)];
      feats.extra = 'seg';
    } else out = [];
    if (info.encoding === EncodingKind.EVEX || info.encoding === EncodingKind.MVEX) out.push(...evex(rng, info, bits, rb, feats));
    else out.push(...vexLike(rng, info, bits, rb));
  }
  if (info.encoding === EncodingKind.D3NOW) {
    out.push(0x0f);
    const m = modrmBytes(rng, { ...info, isGroup: false, isRmGroup: false }, feats.form === 'none' ? 'reg' : feats.form, addr16, bits, feats);
    out.push(...m, info.opCode);
  } else {
    // An X bit is only read through a SIB index.
    out.push(...opcodeAndModrm(rng, info, bits, addr16, feats, rb.x === 1 && feats.form === 'mem' && !addr16));
    // Immediates, is4 registers, moffs, branch displacements: iced decides how many of these it reads.
    out.push(...rng.bytes(10));
  }
  if (feats.form !== 'mem') feats.addr = '';
  feats.ext = rb.r + rb.x + rb.b + rb.r2 + rb.v2 > 0 || rb.vvvv >= 8;
  return { bytes: out, features: feats };
}
