// An op's value contracts (identity, const) checked against the state the replacement leaves. The
// register-level contracts (nop, writes) and every convention rule live in clobbers.ts.
import { subRegister } from '../model/abi.js';
import type { Contract } from '../model/ruleset.js';
import { compare, type Comparison } from './compare.js';
import { lastWriter, orderNote, quote, swapped, widened, witnessHint } from './explain.js';
import { formatVal, hex } from './format.js';
import { describeLocation, entryValue, finalValue, locateValue, type ValueLocation } from './locations.js';
import { constant, slice, type Val } from './symbolic/values.js';
import type { CheckContext, CheckOutcome, Finding } from './types.js';

/** Contracts whose truth the executor can establish. */
export function isCheckable(c: Contract): boolean {
  return c.kind !== 'opaque';
}

export function checkContracts(ctx: CheckContext): CheckOutcome {
  const out: CheckOutcome = { findings: [], details: [] };
  const op = ctx.op;
  if (!op) return out;
  for (const c of op.contracts) {
    if (c.kind === 'identity') checkIdentity(ctx, c.arg, out);
    else if (c.kind === 'const') checkConst(ctx, c.value, out);
  }
  return out;
}

function retLocation(ctx: CheckContext, what: string, out: CheckOutcome): ValueLocation | undefined {
  const loc = locateValue('ret', ctx.op!, ctx.arch);
  if ('error' in loc) {
    out.findings.push({ status: 'unknown', code: 'verify-contract', message: `${ctx.subject}: cannot check ${what}: ${loc.error}`, hints: [] });
    return undefined;
  }
  return loc;
}

function checkIdentity(ctx: CheckContext, arg: number, out: CheckOutcome): void {
  const what = `identity(arg${arg})`;
  const ret = retLocation(ctx, what, out);
  const src = locateValue(arg, ctx.op!, ctx.arch);
  if (!ret) return;
  if ('error' in src) {
    out.findings.push({ status: 'unknown', code: 'verify-contract', message: `${ctx.subject}: cannot check ${what}: ${src.error}`, hints: [] });
    return;
  }
  const st = ctx.exec.state;
  const bits = Math.min(ret.bits, src.bits);
  const got = slice(finalValue(st, ret), 0, bits);
  const want = slice(entryValue(st, src), 0, bits);
  const where = `${describeLocation(ret)}${bits < ret.bits ? ` (low ${bits} bits)` : ''}`;
  const cmp = compare(got, want, ctx.exec.conditions);
  if (cmp.kind === 'proved') {
    out.details.push(`${what}: proved — ${where} ends holding arg${arg} = ${formatVal(want)} in all ${bits} bits${underNote(cmp)}`);
    return;
  }
  out.findings.push(identityFinding(ctx, arg, ret, src, got, want, bits, cmp));
}

function identityFinding(ctx: CheckContext, arg: number, ret: ValueLocation, src: ValueLocation, got: Val, want: Val, bits: number, cmp: Exclude<Comparison, { kind: 'proved' }>): Finding {
  const retName = describeLocation(ret);
  const argText = `arg${arg} (${formatVal(want)})`;
  const hints: string[] = [];
  if (cmp.witness) hints.push(witnessHint(cmp.witness, retName, `arg${arg}`));
  if (cmp.kind === 'unknown') {
    return { status: 'unknown', code: 'verify-unproved', message: `${ctx.subject}: could not prove identity(arg${arg}): ${retName} ends as ${formatVal(got)}; ${cmp.why}`, hints };
  }
  const exec = ctx.exec;
  const st = exec.state;
  let message = `${ctx.subject}: identity(arg${arg}) does not hold: ${retName} ends as ${formatVal(got)}, not ${argText}`;

  if (ret.kind === 'reg' && src.kind === 'reg') {
    const retFull = st.fullNameOf(ret.reg);
    const srcFull = st.fullNameOf(src.reg);
    const untouched = got.key === slice(st.entry(retFull), 0, bits).key;
    // The classic: operands in the other syntax's order, so the argument register is overwritten instead.
    const reversed = exec.insns.find((i) => {
      const [a, b] = i.operands;
      return i.mnemonic === 'mov' && a?.kind === 'reg' && b?.kind === 'reg' && a.gpr && b.gpr && st.fullNameOf(a.reg) === srcFull && st.fullNameOf(b.reg) === retFull;
    });
    if (reversed) {
      message = `${ctx.subject}: after ${quote(ctx, reversed)}${orderNote(ctx, reversed)}, the return register ${retName} ${
        untouched ? 'still holds its entry value' : `holds ${formatVal(got)}`
      }, not arg${arg} (${formatVal(want)})`;
      const fix = swapped(ctx, reversed);
      if (fix) hints.unshift(`did you mean ${fix}?`);
      return { status: 'violated', code: 'verify-identity', message, hints, ...(fix ? { swapOperands: { mnemonic: reversed.mnemonic } } : {}) };
    }
    // A narrower move: the low bits are right and the rest is zero- or sign-extension.
    for (const low of [32, 16, 8]) {
      if (low >= bits) continue;
      if (compare(slice(got, 0, low), slice(want, 0, low)).kind !== 'proved') continue;
      const upper = slice(got, low, bits - low);
      const how = upper.k === 'const' && upper.v === 0n ? 'zero-extends' : upper.k === 'sext' ? 'sign-extends' : 'leaves other bits';
      const w = lastWriter(exec, retFull);
      message = `${ctx.subject}: ${w ? `${quote(ctx, w)} ${how}` : `${retName} gets only ${low} bits`}: the upper ${bits - low} bits of arg${arg} are lost (${retName} ends as ${formatVal(got)})`;
      const fix = w && ctx.arch.wordBits === 64 ? widened(ctx, w) : undefined;
      if (low === 32 && ctx.arch.wordBits === 64) hints.unshift(`a write to a 32-bit register zero-extends into the full 64-bit register on x86_64${fix ? `; use ${fix}` : ''}`);
      else if (fix) hints.unshift(`use ${fix}`);
      return { status: 'violated', code: 'verify-identity', message, hints };
    }
    if (untouched) message = `${ctx.subject}: identity(arg${arg}) does not hold: nothing writes the return register ${retName}, which still holds its entry value, not ${argText}`;
  }
  return { status: 'violated', code: 'verify-identity', message, hints };
}

function checkConst(ctx: CheckContext, value: bigint, out: CheckOutcome): void {
  const what = `const ${value}`;
  const ret = retLocation(ctx, what, out);
  if (!ret) return;
  const got = finalValue(ctx.exec.state, ret);
  const want = constant(ret.bits, value);
  const where = describeLocation(ret);
  const cmp = compare(got, want, ctx.exec.conditions);
  if (cmp.kind === 'proved') {
    out.details.push(`${what}: proved — ${where} ends holding ${hex(want.k === 'const' ? want.v : 0n)} in all ${ret.bits} bits${underNote(cmp)}`);
    return;
  }
  const hints: string[] = [];
  if (cmp.witness && got.k !== 'const') hints.push(witnessHint(cmp.witness, where, `the constant`));
  if (cmp.kind === 'unknown') {
    out.findings.push({ status: 'unknown', code: 'verify-unproved', message: `${ctx.subject}: could not prove ${what}: ${where} ends as ${formatVal(got)}; ${cmp.why}`, hints });
    return;
  }
  const w = ret.kind === 'reg' ? lastWriter(ctx.exec, ctx.exec.state.fullNameOf(ret.reg)) : undefined;
  const message =
    got.k === 'const'
      ? `${ctx.subject}: returns ${hex(got.v)}, not ${value} (const ${value}): ${w ? `after ${quote(ctx, w)}, ` : ''}${where} holds ${hex(got.v)}`
      : `${ctx.subject}: const ${value} does not hold: ${where} ends as ${formatVal(got)}`;
  if (ret.kind === 'reg') {
    const small = value >= 0n && value < 1n << 32n;
    const name = small ? (subRegister(ctx.exec.state.fullNameOf(ret.reg), 32) ?? ret.reg) : ret.reg;
    const reg = ctx.syntax === 'att' ? `%${name}` : name;
    const set = value === 0n ? `\`xor ${reg}, ${reg}\`` : ctx.syntax === 'att' ? `\`mov $${value}, ${reg}\`` : `\`mov ${reg}, ${value}\``;
    hints.unshift(`${set} sets ${where} to ${value}${ctx.arch.wordBits === 64 && small && ret.bits === 64 ? ' (a 32-bit write zero-extends)' : ''}`);
  }
  out.findings.push({ status: 'violated', code: 'verify-const', message, hints });
}

/** How a proof used the path it holds on. */
export function underNote(cmp: Extract<Comparison, { kind: 'proved' }>): string {
  return cmp.under === 'path-condition' ? " (equal on this path's condition: what it pins substituted)" : cmp.under === 'infeasible-path' ? ' (no input takes this path: its conditions contradict each other)' : '';
}
