// The register, stack, flag and memory rules: what the convention lets any replacement change, narrowed by
// the op's own promises (callee_save, nop, writes(...)).
import iced from 'iced-x86';
import { compare } from './compare.js';
import { isCheckable } from './contracts.js';
import { lastWriter, quote, stackImbalance, witnessHint } from './explain.js';
import { formatVal } from './format.js';
import { locateValue, locationRegisters } from './locations.js';
import type { DecodedInsn } from './symbolic/decode.js';
import { FLAG_BITS, GPR64, STATUS_FLAGS } from './symbolic/state.js';
import { slice } from './symbolic/values.js';
import type { CheckContext, CheckOutcome, Finding } from './types.js';

const { RflagsBits } = iced;

interface Policy {
  /** Full 64-bit names of the registers that may end changed. */
  allowed: Set<string>;
  /** Why a register outside `allowed` may not change, and the diagnostic code for it. */
  code: string;
  rule: string;
}

/** An op promises more than the convention when it has a contract other than opaque. */
export function promisesValues(ctx: CheckContext): boolean {
  const cs = ctx.op?.contracts ?? [];
  return cs.some(isCheckable) && !cs.some((c) => c.kind === 'opaque');
}

function policy(ctx: CheckContext, out: CheckOutcome): Policy {
  const st = ctx.exec.state;
  const conv = ctx.arch.convention;
  const op = ctx.op;
  const full = (r: string): string => st.fullNameOf(r);
  const retRegs = (): string[] => {
    if (!op || op.returns === 'void') return [];
    const loc = locateValue('ret', op, ctx.arch);
    return 'error' in loc ? [] : locationRegisters(loc).map(full);
  };
  const nop = op?.contracts.some((c) => c.kind === 'nop');
  const writes = op?.contracts.find((c) => c.kind === 'writes');
  if (op && nop) return { allowed: new Set(), code: 'verify-nop', rule: `op ${op.name} is a nop: it must leave every register as it found it` };
  if (op && writes && writes.kind === 'writes') {
    const allowed = new Set<string>();
    for (const name of writes.registers) {
      const abi = /^(ret|arg(\d+))$/.exec(name);
      if (abi) {
        const loc = locateValue(abi[2] !== undefined ? Number(abi[2]) : 'ret', op, ctx.arch);
        if (!('error' in loc)) locationRegisters(loc).forEach((r) => allowed.add(full(r)));
        continue;
      }
      try {
        allowed.add(full(name));
      } catch {
        out.findings.push({ status: 'unknown', code: 'verify-contract', message: `${ctx.subject}: writes(${writes.registers.join(', ')}): '${name}' is not a general-purpose register on ${ctx.arch.name}`, hints: [] });
      }
    }
    const names = [...allowed].map((r) => st.display(r));
    return { allowed, code: 'verify-writes', rule: `op ${op.name} declares writes(${writes.registers.join(', ')}): only ${names.join(', ') || 'no register'} may change` };
  }
  if (op?.calleeSave) {
    const ret = retRegs();
    return {
      allowed: new Set(ret),
      code: 'verify-clobber',
      rule: `op ${op.name} is callee_save (Linux PV_CALLEE_SAVE): it may change ${ret.length ? `only the return register ${[...ret].reverse().map((r) => st.display(r)).join(':')}` : 'no register (it returns nothing)'}`,
    };
  }
  return { allowed: new Set(conv.callerSaved.map(full)), code: 'verify-clobber', rule: `${conv.name} lets a call change only ${conv.callerSaved.join(', ')}` };
}

export function checkConvention(ctx: CheckContext): CheckOutcome {
  const out: CheckOutcome = { findings: [], details: [] };
  checkStack(ctx, out);
  checkRegisters(ctx, out);
  checkFlags(ctx, out);
  checkEffects(ctx, out);
  return out;
}

function checkStack(ctx: CheckContext, out: CheckOutcome): void {
  const exec = ctx.exec;
  const sp = ctx.arch.wordBits === 64 ? 'rsp' : 'esp';
  if (exec.stackLost) {
    out.findings.push({ status: 'unknown', code: 'verify-stack', message: `${ctx.subject}: cannot follow ${sp}: ${quote(ctx, exec.stackLost)} moves it in a way that is not modelled`, hints: [] });
    return;
  }
  const delta = exec.state.stackDelta();
  if (delta === undefined) {
    out.findings.push({ status: 'unknown', code: 'verify-stack', message: `${ctx.subject}: ${sp} ends as ${formatVal(exec.state.rsp)}, which is not a known distance from its entry value`, hints: [] });
    return;
  }
  const pushes = exec.stackLog.filter((e) => e.op === 'push').length;
  if (delta === 0) {
    out.details.push(`stack: balanced${pushes ? ` (${pushes} push${pushes > 1 ? 'es' : ''}, each popped)` : ''}`);
    return;
  }
  const { unpopped, overpopped } = stackImbalance(exec);
  const hints: string[] = [];
  let message: string;
  if (delta < 0) {
    message = `${ctx.subject}: ${sp} ends ${-delta} bytes below its entry value${unpopped.length ? `: ${unpopped.map((i) => quote(ctx, i)).join(', ')} ${unpopped.length > 1 ? 'are' : 'is'} never popped` : ''}`;
    hints.push(unpopped.length ? `add a matching \`pop\` (or drop the \`push\`): the code after the site finds its stack ${-delta} bytes off` : 'restore the stack pointer before the end of the replacement');
  } else {
    message = `${ctx.subject}: ${sp} ends ${delta} bytes above its entry value${overpopped.length ? `: ${overpopped.map((i) => quote(ctx, i)).join(', ')} pop${overpopped.length > 1 ? '' : 's'} a value this replacement never pushed (the caller's stack)` : ''}`;
    hints.push('every pop needs an earlier push in the same replacement');
  }
  out.findings.push({ status: 'violated', code: 'verify-stack', message, hints });
}

function checkRegisters(ctx: CheckContext, out: CheckOutcome): void {
  const st = ctx.exec.state;
  const conv = ctx.arch.convention;
  const pol = policy(ctx, out);
  const calleeSaved = new Set(conv.calleeSaved.map((r) => st.fullNameOf(r)));
  const changed: string[] = [];
  const undecided = new Map<number, { names: string[]; why: string; calleeSaved: boolean }>();
  const names = (ctx.arch.wordBits === 64 ? GPR64 : GPR64.slice(0, 8)).filter((r) => r !== 'rsp');
  for (const r of names) {
    const final = st.full(r);
    const cmp = compare(final, st.entry(r), ctx.exec.conditions);
    if (cmp.kind === 'proved') continue;
    const name = st.display(r);
    const isCalleeSaved = calleeSaved.has(r);
    if (!isCalleeSaved && pol.allowed.has(r)) {
      changed.push(`${name} = ${formatVal(final)}`);
      continue;
    }
    const w = lastWriter(ctx.exec, r);
    if (cmp.kind === 'unknown') {
      const key = w?.index ?? -1;
      const g = undecided.get(key) ?? { names: [], why: cmp.why, calleeSaved: false };
      g.names.push(name);
      g.calleeSaved ||= isCalleeSaved;
      undecided.set(key, g);
      continue;
    }
    const after = w ? `${quote(ctx, w)} leaves ${name} holding ${formatVal(final)}` : `${name} ends as ${formatVal(final)}`;
    const push = ctx.syntax === 'att' ? `\`push %${name}\` … \`pop %${name}\`` : `\`push ${name}\` … \`pop ${name}\``;
    const usable = [...pol.allowed].filter((a) => !calleeSaved.has(a)).map((a) => st.display(a));
    const hints = [`save and restore it (${push})${usable.length ? ` or use ${usable.length > 3 ? `a register the op may change (${usable.join(', ')})` : usable.join(' or ')}` : ''}`];
    if (cmp.witness) hints.push(witnessHint(cmp.witness, name, 'its entry value'));
    if (cmp.independent) hints.push(`${name}'s final value does not depend on its entry value, so it differs from it for some input`);
    let finding: Finding;
    if (isCalleeSaved) {
      const list = conv.calleeSaved.filter((c) => c !== 'esp' && c !== 'rsp').join(', ');
      finding = { status: 'violated', code: 'verify-callee-saved', message: `${ctx.subject}: ${name} is callee-saved under ${conv.name} (${list}) and is not restored: ${after}`, hints };
    } else {
      finding = { status: 'violated', code: pol.code, message: `${ctx.subject}: ${pol.rule}, but ${after}`, hints };
    }
    out.findings.push(finding);
  }
  for (const [at, g] of undecided) {
    const w = at >= 0 ? ctx.exec.insns[at] : undefined;
    out.findings.push({
      status: 'unknown',
      code: g.calleeSaved ? 'verify-callee-saved' : pol.code,
      message: `${ctx.subject}: cannot show that ${g.names.join(', ')} ${g.names.length > 1 ? 'are' : 'is'} preserved${w ? ` after ${quote(ctx, w)}` : ''}: ${g.why}`,
      hints: [pol.rule],
    });
  }
  out.details.push(changed.length ? `registers changed: ${changed.join(', ')} (allowed: ${pol.rule})` : 'registers: none changed');
}

function flagWriter(ctx: CheckContext, bit: number): DecodedInsn | undefined {
  const iced = Object.entries(FLAG_BITS).find(([, b]) => b === bit)?.[0] as keyof typeof RflagsBits | undefined;
  const mask = iced ? (RflagsBits[iced] as number | undefined) : undefined;
  return [...ctx.exec.insns].reverse().find((i) => (mask !== undefined && (i.flagsModified & mask) !== 0) || /^popf/.test(i.mnemonic));
}

function checkFlags(ctx: CheckContext, out: CheckOutcome): void {
  const st = ctx.exec.state;
  const strict = promisesValues(ctx);
  const flagsEntry = (bit: number) => slice(st.entryFlags(), bit, 1);
  for (const name of ['DF', 'IF', 'TF', 'AC']) {
    const bit = FLAG_BITS[name]!;
    const final = st.flagBit(bit);
    const cmp = compare(final, flagsEntry(bit), ctx.exec.conditions);
    if (cmp.kind === 'proved') continue;
    // DF is clear at every call boundary (SysV §3.2.1; Linux relies on it): setting it breaks the caller.
    // The system flags (IF, TF, AC) are an opaque op's business; a value contract promises no such change.
    const setsDf = name === 'DF' && final.k === 'const' && final.v === 1n;
    if (!strict && !setsDf) {
      out.details.push(`${name}: changed (${formatVal(final)}); allowed for an op with no value contract`);
      continue;
    }
    const w = flagWriter(ctx, bit);
    const message =
      name === 'DF'
        ? `${ctx.subject}: the direction flag must be clear again at the end (it is clear at every call boundary), but ${w ? `after ${quote(ctx, w)} ` : ''}DF is ${formatVal(final)}`
        : `${ctx.subject}: ${name} ends as ${formatVal(final)}${w ? ` after ${quote(ctx, w)}` : ''}, but ${describePromise(ctx)} promises no change to the system flags`;
    out.findings.push({ status: cmp.kind === 'refuted' ? 'violated' : 'unknown', code: 'verify-flags', message, hints: name === 'DF' ? ['end with `cld`, or save and restore the flags (`pushf` … `popf`)'] : ['declare the op `opaque` if changing it is the point'] });
  }
  const status = STATUS_FLAGS.filter((f) => compare(st.flagBit(FLAG_BITS[f]!), flagsEntry(FLAG_BITS[f]!)).kind !== 'proved');
  if (status.length) out.details.push(`status flags ${status.join(' ')} changed: allowed (they are not preserved across calls in ${ctx.arch.convention.name}, and Linux's PVOP asm declares "cc")`);
}

function checkEffects(ctx: CheckContext, out: CheckOutcome): void {
  const st = ctx.exec.state;
  const strict = promisesValues(ctx);
  const effects = [...st.memoryWrites.map((e) => ({ ...e, memory: true })), ...st.effects.map((e) => ({ ...e, memory: false }))].sort((a, b) => a.insn - b.insn);
  if (!effects.length) return;
  if (!strict) {
    out.details.push(`side effects (allowed for an op with no value contract): ${effects.map((e) => e.what).join('; ')}`);
    return;
  }
  for (const e of effects) {
    const isCall = ctx.exec.calls.some((c) => c.insn.index === e.insn);
    out.findings.push({
      status: isCall ? 'unknown' : 'violated',
      code: isCall ? 'verify-call' : e.memory ? 'verify-memory' : 'verify-side-effect',
      message: `${ctx.subject}: ${e.what}, but ${describePromise(ctx)} promises no effect beyond its registers`,
      hints: isCall ? ['what a called function does is not modelled'] : ['declare the op `opaque` if the side effect is the point'],
    });
  }
}

function describePromise(ctx: CheckContext): string {
  const c = ctx.op?.contracts.filter((x) => x.kind !== 'opaque').map((x) => (x.kind === 'identity' ? `identity(arg${x.arg})` : x.kind === 'const' ? `const ${x.value}` : x.kind === 'writes' ? `writes(${x.registers.join(', ')})` : x.kind));
  return `op ${ctx.op?.name ?? '?'} (${c?.join(', ') ?? ''})`;
}
