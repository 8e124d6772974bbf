// pinsrb/pinsrw/pextrb/pextrw/extractps (legacy, VEX, EVEX) with a 64-bit general register: the instruction
// reads or writes only the low bits, and GNU encodes it as the 32-bit register form, without REX.W / VEX.W /
// EVEX.W (`pextrw $0,%xmm1,%rax` is 66 0f c5 c1; iced's r64 forms set W).
import { lookupCodes } from './codeIndex.js';
import type { Operand } from './operands.js';
import type { Match } from './quirks.js';
import { lookupRegister } from './registers.js';

const WIDE_GPR_FORM = /^(?:VEX_|EVEX_)?(?:V?P(?:insr|extr)[bw]|V?Extractps)_.*r64/i;

export function narrowIgnoredW(m: Match): Match {
  if (!WIDE_GPR_FORM.test(m.ci.name)) return m;
  const narrow = m.ci.name.replace('r64m32', 'rm32').replace('r64', 'r32');
  const ci = (lookupCodes(m.ci.name.replace(/^(VEX_|EVEX_)/, '').split('_')[0]!.toLowerCase()) ?? []).find((c) => c.name === narrow);
  if (!ci) return m;
  const ops = m.ops.map((o): Operand => (o.kind === 'reg' && o.info.cls === 'gpr64' ? { ...o, info: lookupRegister(o.info.num >= 8 ? `r${o.info.num}d` : 'e' + o.info.name.slice(1))! } : o));
  return { ...m, ci, ops };
}
