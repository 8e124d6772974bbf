// Lines for every EVEX form patchc knows (one per form and repetition): random registers (0-31, 0-7 in 32-bit
// code), memory operands of several shapes (displacements that do and do not compress to disp8*N), and the
// decorations the form takes (mask, zeroing, broadcast, rounding), in AT&T or Intel spelling. GNU as judges
// them at test time; the generator only has to produce plausible text.
import { knownMnemonics, lookupCodes, type CodeInfo } from '../../../src/asm/codeIndex.js';
import { OpCodeOperandKind as K } from '../../../src/asm/iced.js';

/** mulberry32: small, seedable, good enough to spread registers and choices. */
function prng(seed: number): (n: number) => number {
  let s = seed | 0;
  return (n) => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

interface Mem {
  base?: string;
  index?: string;
  scale?: number;
  disp?: string;
}

const MEMS: Record<32 | 64, Mem[]> = {
  64: [{ base: 'rax' }, { base: 'rax', disp: '0x40' }, { base: 'rbp', index: 'rcx', scale: 4, disp: '-0x100' }, { base: 'r9', disp: '0x7' }, { base: 'rsp', disp: '0x1000' }, { base: 'r13' }, { base: 'rip', disp: '0x80' }, { base: 'rdx', index: 'rsi', scale: 8, disp: '-0x8' }, { index: 'rax', scale: 2, disp: '0x20' }],
  32: [{ base: 'eax' }, { base: 'eax', disp: '0x40' }, { base: 'ebp', index: 'ecx', scale: 4, disp: '-0x100' }, { base: 'edi', disp: '0x7' }, { base: 'esp', disp: '0x1000' }, { base: 'edx', index: 'esi', scale: 8, disp: '-0x8' }, { index: 'eax', scale: 2, disp: '0x20' }],
};

type Op = { reg: string } | { imm: string } | { mem: Mem };

function att(o: Op): string {
  if ('reg' in o) return `%${o.reg}`;
  if ('imm' in o) return `$${o.imm}`;
  const m = o.mem;
  const inner = m.index ? `${m.base ? `%${m.base}` : ''},%${m.index},${m.scale}` : `%${m.base}`;
  return `${m.disp ?? ''}(${inner})`;
}

function intel(o: Op): string {
  if ('reg' in o) return o.reg;
  if ('imm' in o) return o.imm;
  const m = o.mem;
  let t = [m.base, m.index ? `${m.index}*${m.scale}` : undefined].filter((x) => x !== undefined).join('+');
  if (m.disp) t += m.disp.startsWith('-') ? m.disp : `+${m.disp}`;
  return `[${t}]`;
}

const VEC: Partial<Record<number, string>> = {
  [K.zmm_reg]: 'zmm', [K.zmm_rm]: 'zmm', [K.zmm_vvvv]: 'zmm', [K.ymm_reg]: 'ymm', [K.ymm_rm]: 'ymm', [K.ymm_vvvv]: 'ymm',
  [K.xmm_reg]: 'xmm', [K.xmm_rm]: 'xmm', [K.xmm_vvvv]: 'xmm', [K.zmmp3_vvvv]: 'zmm', [K.xmmp3_vvvv]: 'xmm', [K.k_reg]: 'k', [K.k_rm]: 'k', [K.k_vvvv]: 'k', [K.kp1_reg]: 'k',
};
const REG_OR_MEM: Partial<Record<number, string>> = {
  [K.zmm_or_mem]: 'zmm', [K.ymm_or_mem]: 'ymm', [K.xmm_or_mem]: 'xmm', [K.k_or_mem]: 'k', [K.r32_or_mem]: 'eax', [K.r64_or_mem]: 'rax', [K.r16_or_mem]: 'ax', [K.r8_or_mem]: 'al',
};
const VSIB: Partial<Record<number, string>> = {
  [K.mem_vsib32x]: 'xmm', [K.mem_vsib64x]: 'xmm', [K.mem_vsib32y]: 'ymm', [K.mem_vsib64y]: 'ymm', [K.mem_vsib32z]: 'zmm', [K.mem_vsib64z]: 'zmm',
};

/** One line for an EVEX form, or undefined when the form has an operand kind the generator does not write. */
function formLine(mn: string, ci: CodeInfo, bits: 32 | 64, syntax: 'att' | 'intel', rnd: (n: number) => number): string | undefined {
  const pick = <T>(a: T[]): T => a[rnd(a.length)]!;
  const vreg = (cls: string): string => (cls === 'k' ? `k${rnd(8)}` : `${cls}${rnd(bits === 64 ? 32 : 8)}`);
  const gpr32 = bits === 64 ? ['eax', 'ecx', 'esi', 'r9d'] : ['eax', 'ecx', 'esi', 'edi'];
  let memAt = -1;
  const ops: Op[] = [];
  for (const [i, k] of ci.userKinds.entries()) {
    const v = VEC[k];
    const rm = REG_OR_MEM[k];
    const vsib = VSIB[k];
    if (v) ops.push({ reg: vreg(v) });
    else if (k === K.r32_reg || k === K.r32_rm) ops.push({ reg: pick(gpr32) });
    else if (k === K.r64_reg || k === K.r64_rm) ops.push({ reg: pick(['rax', 'rcx', 'r10']) });
    else if (k === K.imm8) ops.push({ imm: pick(['0x0', '0x5', '0xff', '0x80']) });
    else if (k === K.mem || (rm && rnd(2) === 0)) {
      memAt = i;
      ops.push({ mem: pick(MEMS[bits]) });
    } else if (rm) ops.push({ reg: rm.length === 1 || rm.endsWith('mm') ? vreg(rm) : rm });
    else if (vsib) {
      memAt = i;
      ops.push({ mem: { base: bits === 64 ? 'r8' : 'ebx', index: vreg(vsib), scale: pick([4, 8]), disp: pick(['0x40', '-0x80', '0x4']) } });
    } else return undefined;
  }
  const caps = ci.evex!;
  const text = ops.map(syntax === 'att' ? att : intel);
  if (memAt >= 0 && caps.bcstBytes && ci.memBytes && rnd(2) === 0) text[memAt] += `{1to${ci.memBytes / caps.bcstBytes}}`;
  if (caps.mask && (caps.maskRequired || rnd(2) === 0)) {
    text[0] += syntax === 'att' ? `{%k${1 + rnd(7)}}` : `{k${1 + rnd(7)}}`;
    if (caps.zeroing && memAt !== 0 && rnd(2) === 0) text[0] += '{z}';
  }
  const rc = memAt < 0 && (caps.rounding || caps.sae) && rnd(2) === 0 ? (caps.rounding ? pick(['{rn-sae}', '{rd-sae}', '{ru-sae}', '{rz-sae}']) : '{sae}') : undefined;
  let imms = 0;
  while (imms < ops.length && 'imm' in ops[ops.length - 1 - imms]!) imms++;
  if (syntax === 'intel') {
    if (rc) text.splice(text.length - imms, 0, rc);
    return `${mn} ${text.join(',')}`;
  }
  const written = text.reverse();
  // AT&T: the rounding operand after the immediates, and after the general-register source of vcvtsi2ss & co.
  if (rc) written.splice(imms + (/^vcvtu?si2s/.test(mn) ? 1 : 0), 0, rc);
  return `${mn} ${written.join(',')}`;
}

/** `perForm` lines for every EVEX form that exists in the mode. */
export function evexFormLines(bits: 32 | 64, syntax: 'att' | 'intel', seed: number, perForm: number): string[] {
  const rnd = prng(seed);
  const out: string[] = [];
  for (const mn of knownMnemonics()) {
    for (const ci of lookupCodes(mn) ?? []) {
      if (!ci.evex || !(ci.modes & (bits === 64 ? 4 : 2))) continue;
      for (let i = 0; i < perForm; i++) {
        const l = formLine(mn, ci, bits, syntax, rnd);
        if (l !== undefined) out.push(l);
      }
    }
  }
  return out;
}
