// Turning a failed check into the user's terms: the instruction as they wrote it, operand order spelled
// out, what the register holds, and a likely fix when one is obvious.
import { fullRegister } from '../model/abi.js';
import type { Witness } from './compare.js';
import { hex } from './format.js';
import type { DecodedInsn, Operand } from './symbolic/decode.js';
import type { ExecResult } from './symbolic/execute.js';
import type { CheckContext } from './types.js';

export function quote(ctx: CheckContext, insn: DecodedInsn): string {
  return `\`${ctx.syntax === 'intel' ? insn.intel : insn.att}\``;
}

type RegOp = Extract<Operand, { kind: 'reg' }>;

function twoRegs(insn: DecodedInsn): [RegOp, RegOp] | undefined {
  const [a, b] = insn.operands;
  return insn.operands.length === 2 && a?.kind === 'reg' && b?.kind === 'reg' && a.gpr && b.gpr ? [a, b] : undefined;
}

function spell(ctx: CheckContext, mnemonic: string, dst: string, src: string): string {
  return ctx.syntax === 'intel' ? `\`${mnemonic} ${dst}, ${src}\`` : `\`${mnemonic} %${src}, %${dst}\``;
}

/** `(Intel order: rdi ← rax)` for a two-register instruction. */
export function orderNote(ctx: CheckContext, insn: DecodedInsn): string {
  const r = twoRegs(insn);
  if (!r) return '';
  return ` (${ctx.syntax === 'intel' ? 'Intel' : 'AT&T'} order: ${r[0].reg} ← ${r[1].reg})`;
}

/** The same instruction with its operands the other way round. */
export function swapped(ctx: CheckContext, insn: DecodedInsn): string | undefined {
  const r = twoRegs(insn);
  return r ? spell(ctx, insn.mnemonic, r[1].reg, r[0].reg) : undefined;
}

/** The same register-to-register instruction at the full 64-bit width. */
export function widened(ctx: CheckContext, insn: DecodedInsn): string | undefined {
  const r = twoRegs(insn);
  if (!r) return undefined;
  const wide = (o: RegOp): string => fullRegister(o.reg, 64) ?? o.reg;
  return spell(ctx, insn.mnemonic, wide(r[0]), wide(r[1]));
}

export function lastWriter(exec: ExecResult, full: string): DecodedInsn | undefined {
  const l = exec.writers.get(full);
  const i = l?.[l.length - 1];
  return i === undefined ? undefined : exec.insns[i];
}

/** Pushes never popped, and pops of values never pushed, by matching them up like brackets. */
export function stackImbalance(exec: ExecResult): { unpopped: DecodedInsn[]; overpopped: DecodedInsn[]; adjusts: DecodedInsn[] } {
  const open: { insn: number; bytes: number }[] = [];
  const overpopped: DecodedInsn[] = [];
  const adjusts: DecodedInsn[] = [];
  for (const e of exec.stackLog) {
    if (e.op === 'push') open.push({ insn: e.insn, bytes: e.bytes });
    else if (e.op === 'pop') {
      if (open.pop() === undefined) overpopped.push(exec.insns[e.insn]!);
    } else adjusts.push(exec.insns[e.insn]!);
  }
  return { unpopped: open.map((o) => exec.insns[o.insn]!), overpopped, adjusts };
}

export function witnessHint(w: Witness, what: string, wanted: string): string {
  const inputs = w.inputs.length ? `with ${w.inputs.map((i) => `${i.label} = ${hex(i.value)}`).join(', ')}` : 'for any input';
  return `counterexample: ${inputs}, ${what} ends as ${hex(w.left)}; ${wanted} is ${hex(w.right)}`;
}
