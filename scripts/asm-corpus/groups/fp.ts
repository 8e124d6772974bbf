// x87, SSE and AVX (VEX) samples.
import { I, addrRegs, gprs, mem, raw, reg, sized, type Bits, type Item } from '../model.js';
import type { LineGroup } from './types.js';

export const x87Group: LineGroup = {
  name: 'x87',
  format: 'lines',
  expect: 'match',
  items(bits: Bits): Item[] {
    const out: Item[] = [];
    const a = addrRegs(bits);
    const m = mem({ base: a[3], disp: 8n });
    const m2 = mem({ base: a[5], index: a[1], scale: 8, disp: -0x10n });
    for (const [sz, sfx] of [['dword', 's'], ['qword', 'l'], ['tbyte', 't']] as const) {
      out.push(I('fld', [sized(m, sz)], { att: `fld${sfx}` }), I('fstp', [sized(m2, sz)], { att: `fstp${sfx}` }));
      if (sz !== 'tbyte') out.push(I('fst', [sized(m, sz)], { att: `fst${sfx}` }));
    }
    for (const [sz, sfx] of [['word', 's'], ['dword', 'l'], ['qword', 'll']] as const) {
      out.push(I('fild', [sized(m, sz)], { att: `fild${sfx}` }), I('fistp', [sized(m2, sz)], { att: `fistp${sfx}` }));
      if (sz !== 'qword') out.push(I('fist', [sized(m, sz)], { att: `fist${sfx}` }), I('fiadd', [sized(m, sz)], { att: `fiadd${sfx}` }));
    }
    out.push(I('fisttp', [sized(m, 'dword')], { att: 'fisttpl' }));
    for (let i = 0; i < 8; i++) out.push(raw(`fld st(${i})`, `fld %st(${i})`), raw(`fxch st(${i})`, `fxch %st(${i})`), raw(`fstp st(${i})`, `fstp %st(${i})`));
    // The arithmetic ops in both register directions and popping forms; AT&T's fsub/fsubr (and fdiv/fdivr)
    // spelling quirk is exactly what a hand-written encoder gets wrong.
    for (const op of ['fadd', 'fsub', 'fsubr', 'fmul', 'fdiv', 'fdivr']) {
      for (const i of [1, 3, 7]) {
        out.push(raw(`${op} st, st(${i})`, `${op} %st(${i}),%st`), raw(`${op} st(${i}), st`, `${op} %st,%st(${i})`), raw(`${op}p st(${i}), st`, `${op}p %st,%st(${i})`));
      }
      out.push(raw(`${op}p`), I(op, [sized(m, 'dword')], { att: `${op}s` }), I(op, [sized(m2, 'qword')], { att: `${op}l` }));
    }
    for (const op of ['fcom', 'fcomp', 'fucom', 'fucomp']) out.push(raw(`${op} st(2)`, `${op} %st(2)`), raw(op));
    for (const op of ['fcomi', 'fcomip', 'fucomi', 'fucomip']) out.push(raw(`${op} st, st(1)`, `${op} %st(1),%st`));
    for (const op of ['fcmovb', 'fcmove', 'fcmovbe', 'fcmovu', 'fcmovnb', 'fcmovne', 'fcmovnbe', 'fcmovnu']) out.push(raw(`${op} st, st(5)`, `${op} %st(5),%st`));
    for (const op of ['fchs', 'fabs', 'fsqrt', 'fldz', 'fld1', 'fldpi', 'fldl2e', 'fninit', 'finit', 'fcompp', 'fucompp', 'ftst', 'fxam', 'fprem', 'fprem1', 'fscale', 'frndint', 'fsin', 'fcos', 'fsincos', 'fptan', 'fpatan', 'f2xm1', 'fyl2x', 'fnclex', 'fincstp', 'fdecstp', 'fnop']) out.push(raw(op));
    out.push(raw('fnstsw ax', 'fnstsw %ax'), raw('fstsw ax', 'fstsw %ax'), I('fnstcw', [sized(m, 'word')], { att: 'fnstcw' }), I('fldcw', [sized(m2, 'word')], { att: 'fldcw' }));
    out.push(I('fnstenv', [m], { att: 'fnstenv' }), I('fldenv', [m], { att: 'fldenv' }), I('fnsave', [m], { att: 'fnsave' }), I('frstor', [m], { att: 'frstor' }));
    out.push(I('fxsave', [m], { att: 'fxsave' }), I('fxrstor', [m2], { att: 'fxrstor' }), raw('ffree st(3)', 'ffree %st(3)'));
    if (bits === 64) out.push(I('fxsave64', [m], { att: 'fxsave64' }), I('fxrstor64', [m], { att: 'fxrstor64' }));
    return out;
  },
};

export const sseGroup: LineGroup = {
  name: 'sse',
  format: 'lines',
  expect: 'match',
  items(bits: Bits): Item[] {
    const out: Item[] = [];
    const a = addrRegs(bits);
    const x = bits === 64 ? ['xmm0', 'xmm1', 'xmm7', 'xmm8', 'xmm15'] : ['xmm0', 'xmm1', 'xmm5', 'xmm7'];
    const m = mem({ base: a[0], disp: 0x10n });
    const m2 = mem({ base: a[4], index: a[1], scale: 4 });
    const ops = ['movaps', 'movups', 'movapd', 'movdqa', 'movdqu', 'addps', 'addpd', 'addss', 'addsd', 'subps', 'mulps', 'mulsd', 'divss',
      'sqrtps', 'sqrtsd', 'minps', 'maxsd', 'andps', 'andnps', 'orps', 'xorps', 'xorpd', 'pxor', 'por', 'pand', 'paddb', 'paddd', 'paddq',
      'psubw', 'pcmpeqb', 'pcmpgtd', 'pmullw', 'pmuludq', 'punpcklbw', 'punpckhqdq', 'packuswb', 'pshufb', 'pminub', 'pmaxsw', 'ucomiss',
      'ucomisd', 'comiss', 'comisd', 'unpcklps', 'cvtps2pd', 'cvtdq2ps', 'cvttps2dq', 'rcpps', 'rsqrtps', 'psadbw'];
    ops.forEach((op, i) => {
      out.push(I(op, [reg(x[i % x.length] ?? ''), reg(x[(i + 2) % x.length] ?? '')]));
      out.push(I(op, [reg(x[(i + 1) % x.length] ?? ''), i % 2 ? m : m2]));
    });
    for (const op of ['movaps', 'movups', 'movdqa', 'movdqu', 'movss', 'movsd', 'movlps', 'movhps', 'movntdq', 'movntps']) out.push(I(op, [m, reg(x[x.length - 1] ?? '')]));
    out.push(I('movss', [reg('xmm1'), reg('xmm2')]), I('movsd', [reg('xmm3'), sized(m, 'qword')]), I('movsd', [reg('xmm3'), reg('xmm4')]));
    for (const op of ['pshufd', 'shufps', 'cmpps', 'pshuflw', 'palignr', 'pinsrw', 'roundss', 'pblendw']) {
      const src = op === 'pinsrw' ? reg('eax') : reg(x[1] ?? '');
      out.push(I(op, [reg(x[x.length - 1] ?? ''), src, { k: 'imm', v: 0x1bn }]));
    }
    out.push(I('pextrw', [reg('eax'), reg('xmm3'), { k: 'imm', v: 7n }]), I('movmskps', [reg('ecx'), reg('xmm2')]), I('pmovmskb', [reg('edx'), reg(x[x.length - 1] ?? '')]));
    for (const sh of ['psllw', 'psrld', 'psraw', 'psrlq', 'pslldq', 'psrldq']) out.push(I(sh, [reg(x[2] ?? ''), { k: 'imm', v: 3n }]));
    const g32 = gprs(32, bits);
    out.push(I('movd', [reg('xmm1'), reg(g32[2] ?? '')]), I('movd', [reg(g32[3] ?? ''), reg('xmm4')]), I('movd', [reg('xmm0'), m], { att: 'movd' }), I('movd', [m, reg('xmm6')]));
    out.push(I('movq', [reg('xmm1'), reg('xmm2')]), I('movq', [reg('xmm2'), sized(m, 'qword')], { att: 'movq' }), I('movq', [sized(m2, 'qword'), reg('xmm3')], { att: 'movq' }));
    out.push(I('movd', [reg('mm1'), reg('eax')]), I('paddd', [reg('mm0'), reg('mm7')]), I('pxor', [reg('mm2'), m]), I('movq', [reg('mm3'), reg('mm4')]), raw('emms'));
    for (const [intel, att, sz] of [['cvtsi2sd', 'cvtsi2sdl', 'dword'], ['cvtsi2ss', 'cvtsi2ssl', 'dword']] as const) {
      out.push(I(intel, [reg('xmm1'), reg(g32[1] ?? '')]), I(intel, [reg('xmm2'), sized(m, sz)], { att }));
    }
    out.push(I('cvttsd2si', [reg(g32[0] ?? ''), reg('xmm3')]), I('cvtsd2si', [reg(g32[6] ?? ''), sized(m, 'qword')]), I('cvttss2si', [reg(g32[1] ?? ''), reg('xmm0')]));
    if (bits === 64) {
      out.push(I('movq', [reg('xmm9'), reg('rax')]), I('movq', [reg('r10'), reg('xmm1')]), I('cvtsi2sd', [reg('xmm1'), reg('r11')]), I('cvtsi2sd', [reg('xmm2'), sized(m, 'qword')], { att: 'cvtsi2sdq' }));
      out.push(I('cvttsd2si', [reg('rax'), reg('xmm12')]), I('movd', [reg('xmm13'), reg('r9d')]), I('pinsrq', [reg('xmm1'), reg('rax'), { k: 'imm', v: 1n }]), I('pextrq', [reg('rcx'), reg('xmm10'), { k: 'imm', v: 1n }]));
    }
    out.push(I('ldmxcsr', [sized(m, 'dword')], { att: 'ldmxcsr' }), I('stmxcsr', [sized(m2, 'dword')], { att: 'stmxcsr' }));
    out.push(I('pinsrd', [reg('xmm1'), reg('eax'), { k: 'imm', v: 2n }]), I('pextrd', [reg('ecx'), reg('xmm2'), { k: 'imm', v: 3n }]), I('ptest', [reg('xmm1'), reg('xmm2')]), I('pcmpistri', [reg('xmm1'), m, { k: 'imm', v: 0x0cn }]));
    out.push(I('crc32', [reg('eax'), reg('cl')], { att: 'crc32b' }), I('crc32', [reg('eax'), reg('ecx')], { att: 'crc32l' }), I('aesenc', [reg('xmm1'), reg('xmm2')]), I('pclmulqdq', [reg('xmm1'), reg('xmm2'), { k: 'imm', v: 0x11n }]));
    return out;
  },
};

export const avxGroup: LineGroup = {
  name: 'avx',
  format: 'lines',
  expect: 'match',
  items(bits: Bits): Item[] {
    const out: Item[] = [];
    const a = addrRegs(bits);
    const m = mem({ base: a[0], disp: 0x20n });
    const m2 = mem({ base: a[5], index: a[1], scale: 8, disp: -0x40n });
    const xs = bits === 64 ? ['0', '1', '7', '8', '9', '15'] : ['0', '1', '3', '7'];
    const three = ['vaddps', 'vaddpd', 'vsubps', 'vmulps', 'vdivpd', 'vxorps', 'vandps', 'vpxor', 'vpaddd', 'vpaddq', 'vpsubb', 'vpcmpeqd', 'vpand', 'vpor', 'vpshufb', 'vmaxps', 'vminpd', 'vunpcklps', 'vpunpcklbw', 'vpmulld'];
    three.forEach((op, i) => {
      for (const v of ['xmm', 'ymm']) {
        const r = (k: number): string => `${v}${xs[(i + k) % xs.length]}`;
        out.push(I(op, [reg(r(0)), reg(r(1)), reg(r(2))]), I(op, [reg(r(3)), reg(r(4)), i % 2 ? m : m2]));
      }
    });
    for (const op of ['vaddss', 'vaddsd', 'vmulss', 'vsqrtsd']) out.push(I(op, [reg('xmm1'), reg('xmm2'), reg(`xmm${xs[xs.length - 1]}`)]));
    for (const op of ['vmovaps', 'vmovups', 'vmovdqa', 'vmovdqu', 'vmovapd']) {
      for (const v of ['xmm', 'ymm']) {
        out.push(I(op, [reg(`${v}${xs[1]}`), reg(`${v}${xs[xs.length - 1]}`)]), I(op, [reg(`${v}${xs[2]}`), m]), I(op, [m2, reg(`${v}${xs[xs.length - 2]}`)]));
      }
    }
    out.push(I('vbroadcastss', [reg('ymm1'), m]), I('vbroadcastsd', [reg('ymm2'), m2]), I('vpbroadcastd', [reg('xmm3'), reg('xmm4')]), I('vpbroadcastb', [reg('ymm0'), reg('xmm1')]));
    out.push(I('vpermq', [reg('ymm1'), reg('ymm2'), { k: 'imm', v: 0xd8n }]), I('vpermd', [reg('ymm1'), reg('ymm2'), reg('ymm3')]), I('vperm2i128', [reg('ymm1'), reg('ymm2'), reg('ymm3'), { k: 'imm', v: 0x20n }]));
    out.push(I('vinsertf128', [reg('ymm1'), reg('ymm2'), reg('xmm3'), { k: 'imm', v: 1n }]), I('vextractf128', [reg('xmm1'), reg('ymm2'), { k: 'imm', v: 1n }]), I('vextracti128', [m, reg('ymm5'), { k: 'imm', v: 0n }]));
    for (const op of ['vfmadd231ps', 'vfmadd132pd', 'vfnmadd213ps', 'vfmsub231pd']) out.push(I(op, [reg('xmm1'), reg('xmm2'), reg(`xmm${xs[xs.length - 1]}`)]), I(op, [reg('ymm3'), reg('ymm4'), m]));
    out.push(raw('vzeroupper'), raw('vzeroall'), I('vmovd', [reg('xmm1'), reg('eax')]), I('vmovd', [reg('ecx'), reg(`xmm${xs[xs.length - 1]}`)]), I('vmovq', [reg('xmm1'), reg('xmm2')]));
    out.push(I('vpshufd', [reg('ymm1'), m, { k: 'imm', v: 0x1bn }]), I('vpslld', [reg('ymm1'), reg('ymm2'), { k: 'imm', v: 4n }]), I('vpsrlq', [reg('xmm1'), reg('xmm2'), reg('xmm3')]));
    out.push(I('vblendvps', [reg('ymm1'), reg('ymm2'), reg('ymm3'), reg('ymm4')]), I('vpblendd', [reg('ymm1'), reg('ymm2'), reg('ymm3'), { k: 'imm', v: 0xf0n }]));
    out.push(I('vptest', [reg('ymm1'), reg('ymm2')]), I('vpmovmskb', [reg('eax'), reg('ymm1')]), I('vmovmskps', [reg('ecx'), reg('ymm2')]), I('vcvtps2pd', [reg('ymm1'), reg('xmm2')]));
    out.push(I('vcvtsi2sd', [reg('xmm1'), reg('xmm2'), reg('eax')]), I('vcvtsi2sd', [reg('xmm1'), reg('xmm2'), sized(m, 'dword')], { att: 'vcvtsi2sdl' }), I('vcvttsd2si', [reg('eax'), reg('xmm3')]));
    out.push(I('vldmxcsr', [sized(m, 'dword')], { att: 'vldmxcsr' }), I('vstmxcsr', [sized(m, 'dword')], { att: 'vstmxcsr' }));
    if (bits === 64) {
      out.push(I('vmovq', [reg('xmm9'), reg('rax')]), I('vmovq', [reg('r10'), reg('xmm1')]), I('vcvtsi2sd', [reg('xmm1'), reg('xmm2'), reg('r9')]));
      out.push(I('vpaddd', [reg('ymm8'), reg('ymm9'), mem({ base: 'r13', index: 'r12', scale: 2 })]), I('vmovdqu', [reg('ymm15'), mem({ base: 'rip', disp: 0x40n })]));
      out.push(I('andn', [reg('rax'), reg('rbx'), reg('rcx')]), I('bextr', [reg('r8'), reg('r9'), reg('r10')]), I('shlx', [reg('eax'), reg('ebx'), reg('ecx')]), I('rorx', [reg('rax'), reg('rbx'), { k: 'imm', v: 5n }]));
    }
    out.push(I('andn', [reg('eax'), reg('ebx'), reg('ecx')]), I('blsr', [reg('eax'), reg('edx')]), I('pdep', [reg('eax'), reg('ebx'), m]), I('sarx', [reg('eax'), m2, reg('edx')]));
    return out;
  },
};
