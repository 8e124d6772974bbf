// Runs one path of a replacement over symbolic values. Instructions with modelled semantics update the
// state exactly; any other instruction gets iced's summary of what it writes, as unknown values, and is
// listed so that no proof is claimed through it.
import type { DecodedInsn, Operand } from './decode.js';
import { executeBitInsn } from './bitInsns.js';
import { flagName, ICED_FLAGS, jccCondition, parity, POPF_BITS } from './flags.js';
import { FLAG_BITS, STATUS_FLAGS, type MachineState } from './state.js';
import { add, app, bitwise, concat, constant, eqz, lin, ltu, neg, not, sar, sext, shl, shr, slice, sub, symbol, zext, type Val } from './values.js';

export type Ending =
  | { kind: 'falls-through' }
  /** Control leaves the site for good: a return, a jump out, a trap. */
  | { kind: 'leaves'; insn: DecodedInsn; why: string }
  /** A branch the executor does not follow. */
  | { kind: 'unfollowed'; insn: DecodedInsn; why: string };

export interface StackEvent {
  insn: number;
  op: 'push' | 'pop' | 'adjust';
  bytes: number;
}

export interface ExecOptions {
  wordBits: 32 | 64;
  /** Registers a called function may change (the convention's caller-saved set), full names. */
  callClobbers: readonly string[];
  /** Prefix of every unknown this execution makes up (unmodelled results, havoc): see runPath. */
  tag?: string;
  /**
   * Executing a function the site calls rather than inline code: it starts as the call left it (return
   * address pushed at rsp₀ - word), returns count (`ret`, or a jump the decoder marked as a return), direct
   * calls into decoded code are followed (return address pushed), jumps may go backwards (at most `steps`
   * instructions per path), and an instruction offset is `base` + offset.
   */
  fn?: { base: bigint; steps: number };
}

export interface ExecResult {
  state: MachineState;
  insns: DecodedInsn[];
  /** Instructions executed only through iced's summary of their effects. */
  unmodelled: { insn: DecodedInsn; why: string }[];
  calls: { insn: DecodedInsn; symbol?: string }[];
  ending: Ending;
  stackLog: StackEvent[];
  /** Every instruction that wrote each full register, in order. */
  writers: Map<string, number[]>;
  /** Set when rsp stopped being rsp₀ + a constant: the stack checks cannot be decided past this. */
  stackLost?: DecodedInsn;
  /** The branch decisions that lead down this path, in order; empty for straight-line code. */
  path: string[];
  /** 1-bit values that are 1 exactly for the inputs that take this path. */
  conditions: Val[];
  /** A function's path: the return that took it back to the site. */
  returned?: DecodedInsn;
}

/** What a call pushes at rsp₀ - word before the function runs (ExecOptions.fn). */
export function returnAddress(wordBits: 32 | 64): Val {
  return symbol(wordBits, 'retaddr0', 'entry', 'the return address');
}

const NOPS = new Set(['nop', 'endbr64', 'endbr32', 'pause']);
const BINARY = new Set(['add', 'sub', 'and', 'or', 'xor', 'cmp', 'test']);
const UNARY = new Set(['neg', 'not', 'inc', 'dec']);
/** Instructions whose only effect is on the machine outside the registers (caches, TLB, ordering). */
const SYSTEM = new Set(['wbinvd', 'invlpg', 'mfence', 'lfence', 'sfence', 'clflush']);
/** Control and debug registers: reads depend on every system write before them (memKey). */
const SYSTEM_REGISTER = /^(cr|dr)\d+$/;

class Unsupported extends Error {}

function unsupported(why: string): never {
  throw new Unsupported(why);
}

/** Most paths explored before giving up: each conditional branch doubles them. */
export const MAX_PATHS = 64;

/** A copy of a path's state for the other side of a conditional jump. */
export function fork(r: ExecResult): ExecResult {
  return {
    ...r,
    state: r.state.clone(),
    unmodelled: [...r.unmodelled],
    calls: [...r.calls],
    stackLog: [...r.stackLog],
    writers: new Map([...r.writers].map(([k, v]) => [k, [...v]])),
    path: [...r.path],
    conditions: [...r.conditions],
  };
}


/** One path from instruction `from`; `spawn` queues the other side of a conditional jump (false: too many paths). */
export function runPath(insns: DecodedInsn[], opts: ExecOptions, end: number, from: number, res: ExecResult, spawn: (from: number, res: ExecResult) => boolean): ExecResult {
  const st = res.state;
  const W = opts.wordBits;
  // Names of values made up along the way carry the execution's tag: a replacement's instruction 2 and
  // a function's instruction 2 must not produce the same unknown.
  const tag = opts.tag ?? '';
  const noteWrite = (full: string, i: number): void => {
    const l = res.writers.get(full) ?? [];
    if (l[l.length - 1] !== i) l.push(i);
    res.writers.set(full, l);
  };
  const writeReg = (reg: string, v: Val, i: number): void => {
    st.write(reg, v, i);
    noteWrite(st.fullNameOf(reg), i);
  };

  const effectiveAddress = (m: Extract<Operand, { kind: 'mem' }>): Val => {
    // A function is decoded at its address: its RIP-relative operands are addresses. A replacement's are
    // offsets from a site not known yet: an unknown of them, never equal to an address.
    if (m.ripRelative) return opts.fn ? constant(W, m.disp) : app(W, 'rip-relative', [constant(W, m.disp)]);
    // The address size is the width of its registers (a 67 prefix makes them 32-bit on x86_64, 16-bit on
    // i386); the address is computed at that width and then zero-extended.
    const reg = m.base ?? m.index;
    const aw = reg ? st.bitsOf(reg) : W;
    const terms: { coef: bigint; t: Val }[] = [];
    if (m.base) terms.push({ coef: 1n, t: st.read(m.base) });
    if (m.index) terms.push({ coef: BigInt(m.scale), t: st.read(m.index) });
    const ea = lin(aw, terms, m.disp);
    return zext(ea, W);
  };
  /** rsp₀-relative offset of an address, when it is one. */
  const stackOffset = (m: Extract<Operand, { kind: 'mem' }>, ea: Val): number | undefined => {
    if (m.segment === 'fs' || m.segment === 'gs') return undefined;
    const d = sub(ea, st.entry('rsp'));
    if (d.k !== 'const') return undefined;
    return Number(d.v >= 1n << BigInt(W - 1) ? d.v - (1n << BigInt(W)) : d.v);
  };
  const load = (m: Extract<Operand, { kind: 'mem' }>, bits: number): Val => {
    const ea = effectiveAddress(m);
    const off = stackOffset(m, ea);
    if (off !== undefined) return st.loadStack(off, bits);
    return app(bits, `load[${st.memKey}]${m.segment ? `:${m.segment}` : ''}`, [ea]);
  };
  const store = (m: Extract<Operand, { kind: 'mem' }>, v: Val, i: number, insn: DecodedInsn): void => {
    const ea = effectiveAddress(m);
    const off = stackOffset(m, ea);
    if (off !== undefined) {
      st.storeStack(off, v);
      if (off + v.w / 8 > 0) st.memoryWrites.push({ insn: i, what: `\`${insn.att}\` writes the caller's stack at rsp₀+${off}` });
      return;
    }
    const key = `store${v.w}${m.segment ? `:${m.segment}` : ''}[${ea.key}]=${v.key}`;
    st.memGen++;
    st.memKey += `;${key}`;
    st.memoryWrites.push({ insn: i, what: `\`${insn.att}\` writes memory`, key, ...(m.segment ? {} : { store: { address: ea, value: v } }) });
  };
  const read = (o: Operand | undefined, bits: number): Val => {
    if (!o) throw new Unsupported('missing operand');
    switch (o.kind) {
      case 'reg':
        if (!o.gpr) throw new Unsupported(`register ${o.reg}`);
        return st.read(o.reg);
      case 'imm':
        return constant(bits, o.value);
      case 'mem':
        return load(o, bits);
      default:
        throw new Unsupported('operand kind');
    }
  };
  const write = (o: Operand | undefined, v: Val, i: number, insn: DecodedInsn): void => {
    if (!o) throw new Unsupported('missing operand');
    if (o.kind === 'reg') {
      if (!o.gpr) throw new Unsupported(`register ${o.reg}`);
      writeReg(o.reg, v, i);
    } else if (o.kind === 'mem') store(o, v, i, insn);
    else throw new Unsupported('destination kind');
  };
  const width = (o: Operand | undefined): number => {
    if (o?.kind === 'reg' || o?.kind === 'mem') return o.bits;
    throw new Unsupported('operand width');
  };
  const havocFlags = (insn: DecodedInsn): void => {
    const bits = ICED_FLAGS.filter(([b]) => (insn.flagsModified & b) !== 0).map(([, n]) => FLAG_BITS[n]!);
    // 'maybe': a flag we do not compute is some function of the operands, never a free input.
    if (bits.length) st.setFlagBits(bits, (b) => symbol(1, `flag${b}@${tag}${insn.index}`, 'maybe', `${flagName(b)} after \`${insn.att}\``));
  };
  /** ZF, SF and PF from the result, CF and OF as given (undefined: unchanged); AF when given (else unknown). */
  const setStatus = (r: Val, cf: Val | undefined, of: Val, af?: Val): void => {
    const bits: [number, Val][] = [
      [FLAG_BITS.ZF!, eqz(r)],
      [FLAG_BITS.SF!, slice(r, r.w - 1, 1)],
      [FLAG_BITS.PF!, parity(r)],
      [FLAG_BITS.OF!, of],
    ];
    if (cf) bits.push([FLAG_BITS.CF!, cf]);
    if (af) bits.push([FLAG_BITS.AF!, af]);
    const byBit = new Map(bits);
    st.setFlagBits([...byBit.keys()], (b) => byBit.get(b)!);
  };
  const moveRsp = (by: number, i: number, op: StackEvent['op']): void => {
    writeReg(W === 64 ? 'rsp' : 'esp', lin(W, [{ coef: 1n, t: st.rsp }], BigInt(by)), i);
    res.stackLog.push({ insn: i, op, bytes: -by });
  };
  /** rsp₀-relative stack pointer for a call or return the executor performs; undefined (path ended) when lost. */
  const stackAt = (insn: DecodedInsn): number | undefined => {
    const d = st.stackDelta();
    if (d === undefined) {
      res.stackLost ??= insn;
      res.ending = { kind: 'unfollowed', insn, why: `\`${insn.att}\`: the stack pointer is no longer rsp₀ + a constant` };
    }
    return d;
  };
  const trackedOffset = (insn: DecodedInsn): number => {
    const d = st.stackDelta();
    if (d === undefined) {
      res.stackLost ??= insn;
      throw new Unsupported('the stack pointer is no longer rsp₀ + a constant');
    }
    return d;
  };

  const indexAt = (offset: bigint): number | undefined => (Number(offset) === end ? insns.length : insns.find((x) => BigInt(x.offset) === offset)?.index);
  const fn = opts.fn;
  let steps = 0;
  let expected: number | undefined;
  for (let k = from; k < insns.length; k++) {
    const insn = insns[k]!;
    const i = insn.index;
    const [o0, o1] = insn.operands;
    const m = insn.mnemonic;
    if (fn && ++steps > fn.steps) {
      res.ending = { kind: 'unfollowed', insn, why: `more than ${fn.steps} instructions on one path (a loop?) at \`${insn.att}\`` };
      break;
    }
    // A function's list has holes (code never decoded): the next entry is not always the next instruction.
    if (fn && expected !== undefined && insn.offset !== expected) {
      res.ending = { kind: 'unfollowed', insn: insns[k - 1]!, why: `the code after \`${insns[k - 1]!.att}\` was not decoded` };
      break;
    }
    expected = insn.offset + insn.length;

    if (insn.flow !== 'next') {
      const branch = insn.operands.find((o): o is Extract<Operand, { kind: 'branch' }> => o.kind === 'branch');
      if (fn && insn.flow === 'call' && branch && !branch.symbol && insn.mnemonic === 'call') {
        const callee = indexAt(branch.target);
        if (callee !== undefined) {
          // Followed: the return address is the real one, so code that reads it sees what the CPU would.
          const bytes = W / 8;
          const at = stackAt(insn);
          if (at === undefined) break;
          moveRsp(-bytes, i, 'push');
          st.storeStack(at - bytes, constant(W, fn.base + BigInt(insn.offset + insn.length)));
          res.calls.push({ insn });
          k = callee - 1;
          expected = undefined;
          continue;
        }
      }
      if (fn && insn.flow === 'return' && (m === 'ret' || m === 'jmp')) {
        if (insn.operands.some((o) => o.kind === 'imm')) {
          res.ending = { kind: 'unfollowed', insn, why: `\`${insn.att}\` also pops its arguments, which is not modelled` };
          break;
        }
        const at = stackAt(insn);
        if (at === undefined) break;
        const to = st.loadStack(at, W);
        moveRsp(W / 8, i, 'pop');
        if (to.key === returnAddress(W).key) {
          res.ending = { kind: 'falls-through' };
          res.returned = insn;
          break;
        }
        const back = to.k === 'const' ? indexAt(to.v - fn.base) : undefined;
        if (back === undefined) {
          res.ending = { kind: 'unfollowed', insn, why: `\`${insn.att}\` returns to ${to.k === 'const' ? `0x${to.v.toString(16)}, outside the decoded code` : 'an address the code computed'}` };
          break;
        }
        k = back - 1;
        expected = undefined;
        continue;
      }
      if (insn.flow === 'call') {
        callEffects(insn, branch?.symbol);
        continue;
      }
      if (insn.flow === 'exception') {
        res.ending = { kind: 'leaves', insn, why: `\`${insn.att}\` traps: nothing after it runs and the site never completes` };
        break;
      }
      if (insn.flow === 'return') {
        res.ending = { kind: 'leaves', insn, why: `\`${insn.att}\` leaves the site and does not come back` };
        break;
      }
      if (insn.flow === 'branch' && insn.mnemonic === 'jmp' && branch?.symbol) {
        res.ending = { kind: 'leaves', insn, why: `\`${insn.att}\` jumps to ${branch.symbol} and does not come back to the site` };
        break;
      }
      const to = branch && !branch.symbol && !insn.relocation ? indexAt(branch.target) : undefined;
      // Only jmp and jcc: `loop` and friends also change rcx.
      if (insn.flow === 'branch' && (insn.mnemonic === 'jmp' || jccCondition(insn.mnemonic, st)) && to !== undefined && (to > k || fn)) {
        const conditional = insn.mnemonic !== 'jmp';
        if (conditional) {
          const taken = fork(res);
          taken.path.push(`\`${insn.att}\` taken`);
          const cond = jccCondition(insn.mnemonic, st)!;
          taken.conditions.push(cond);
          res.conditions.push(not(cond));
          if (!spawn(to, taken)) {
            res.ending = { kind: 'unfollowed', insn, why: `\`${insn.att}\`: more than ${MAX_PATHS} paths through the replacement` };
            break;
          }
          res.path.push(`\`${insn.att}\` not taken`);
          continue;
        }
        k = to - 1;
        expected = undefined;
        continue;
      }
      res.ending =
        insn.flow === 'interrupt'
          ? { kind: 'unfollowed', insn, why: `\`${insn.att}\` enters an interrupt handler, whose effects are not modelled` }
          : { kind: 'unfollowed', insn, why: `\`${insn.att}\`: ${to !== undefined ? 'a backward jump (a loop) is not followed' : 'a jump that is neither to a label in the block nor to a symbol is not followed'}` };
      break;
    }

    try {
      if (insn.relocation) throw new Unsupported(`a relocation (${insn.relocation.symbol}) whose value is only known when applied`);
      if (NOPS.has(m)) continue;
      switch (m) {
        case 'mov': {
          if (o1?.kind === 'reg' && SYSTEM_REGISTER.test(o1.reg)) {
            write(o0, app(width(o0), `sys:${o1.reg}[${st.memKey}]`, []), i, insn);
            break;
          }
          if (o0?.kind === 'reg' && SYSTEM_REGISTER.test(o0.reg)) {
            const v = read(o1, W);
            const key = `${o0.reg}=${v.key}`;
            st.effects.push({ insn: i, what: `\`${insn.att}\` writes ${o0.reg}`, key });
            st.memKey += `;${key}`;
            havocFlags(insn);
            break;
          }
          const w = width(o0);
          write(o0, read(o1, w), i, insn);
          break;
        }
        case 'movzx':
          write(o0, zext(read(o1, width(o1)), width(o0)), i, insn);
          break;
        case 'movsx':
        case 'movsxd':
          write(o0, sext(read(o1, width(o1)), width(o0)), i, insn);
          break;
        case 'xchg': {
          const w = width(o0);
          const a = read(o0, w);
          const b = read(o1, w);
          write(o0, b, i, insn);
          write(o1, a, i, insn);
          break;
        }
        case 'lea': {
          if (o1?.kind !== 'mem') throw new Unsupported('lea without a memory operand');
          const w = width(o0);
          const ea = effectiveAddress(o1);
          write(o0, w <= ea.w ? slice(ea, 0, w) : zext(ea, w), i, insn);
          break;
        }
        case 'cli':
        case 'sti':
        case 'cld':
        case 'std':
        case 'clc':
        case 'stc': {
          const flag = m.endsWith('i') ? 'IF' : m.endsWith('d') ? 'DF' : 'CF';
          st.setFlagBits([FLAG_BITS[flag]!], () => constant(1, m.startsWith('st') ? 1n : 0n));
          break;
        }
        case 'cmc':
          st.setFlagBits([FLAG_BITS.CF!], () => not(st.flag('CF')));
          break;
        case 'push': {
          const bytes = -insn.stackIncrement;
          const v = read(o0, bytes * 8);
          const at = trackedOffset(insn) - bytes;
          moveRsp(-bytes, i, 'push');
          st.storeStack(at, v);
          break;
        }
        case 'pop': {
          const bytes = insn.stackIncrement;
          const at = trackedOffset(insn);
          const v = st.loadStack(at, bytes * 8);
          moveRsp(bytes, i, 'pop');
          write(o0, v, i, insn);
          break;
        }
        case 'pushf':
        case 'pushfd':
        case 'pushfq': {
          const bytes = -insn.stackIncrement;
          // The pushed image has RF and VM clear (Intel SDM Vol. 2, PUSHF).
          const parts: Val[] = [];
          for (let b = 0; b < bytes * 8; b++) parts.push(b === 16 || b === 17 || b >= W ? constant(1, 0n) : st.flagBit(b));
          const at = trackedOffset(insn) - bytes;
          moveRsp(-bytes, i, 'push');
          st.storeStack(at, concat(parts));
          break;
        }
        case 'popf':
        case 'popfd':
        case 'popfq': {
          const bytes = insn.stackIncrement;
          const at = trackedOffset(insn);
          const v = st.loadStack(at, bytes * 8);
          moveRsp(bytes, i, 'pop');
          st.setFlagBits(
            POPF_BITS.filter((b) => b < v.w),
            (b) => slice(v, b, 1),
          );
          break;
        }
        default:
          if (BINARY.has(m)) {
            const w = width(o0);
            const a = read(o0, w);
            const b = read(o1, w);
            const r = m === 'add' ? add(a, b) : m === 'sub' || m === 'cmp' ? sub(a, b) : bitwise(m === 'test' ? 'and' : (m as 'and' | 'or' | 'xor'), w, [a, b]);
            if (m !== 'cmp' && m !== 'test') write(o0, r, i, insn);
            havocFlags(insn);
            const msb = (v: Val): Val => slice(v, w - 1, 1);
            // AF: the carry into bit 4 is bit 4 of a ^ b ^ r.
            const af = slice(bitwise('xor', w, [a, b, r]), 4, 1);
            if (m === 'add') setStatus(r, ltu(r, a), msb(bitwise('and', w, [bitwise('xor', w, [a, r]), bitwise('xor', w, [b, r])])), af);
            else if (m === 'sub' || m === 'cmp') setStatus(r, ltu(a, b), msb(bitwise('and', w, [bitwise('xor', w, [a, b]), bitwise('xor', w, [a, r])])), af);
            else setStatus(r, constant(1, 0n), constant(1, 0n));
            break;
          }
          if (UNARY.has(m)) {
            const w = width(o0);
            const a = read(o0, w);
            const r = m === 'neg' ? neg(a) : m === 'not' ? not(a) : lin(w, [{ coef: 1n, t: a }], m === 'inc' ? 1n : -1n);
            write(o0, r, i, insn);
            havocFlags(insn);
            const msb = (v: Val): Val => slice(v, w - 1, 1);
            const one = constant(w, 1n);
            // inc and dec leave CF alone; not leaves every flag alone.
            const af = slice(bitwise('xor', w, [a, r, m === 'neg' ? constant(w, 0n) : one]), 4, 1);
            if (m === 'neg') setStatus(r, not(eqz(a)), msb(bitwise('and', w, [a, r])), af);
            else if (m === 'inc') setStatus(r, undefined, msb(bitwise('and', w, [bitwise('xor', w, [a, r]), bitwise('xor', w, [one, r])])), af);
            else if (m === 'dec') setStatus(r, undefined, msb(bitwise('and', w, [bitwise('xor', w, [a, one]), bitwise('xor', w, [a, r])])), af);
            break;
          }
          if (executeBitInsn({ st, insn, wordBits: W, tag, read, write: (o, v) => write(o, v, i, insn), width, havocFlags: () => havocFlags(insn), unsupported })) break;
          if (SYSTEM.has(m)) {
            // No register result; the effect is the instruction itself (and what it may do to memory).
            const ea = o0?.kind === 'mem' ? effectiveAddress(o0) : undefined;
            const key = `${m}${ea ? `[${ea.key}]` : ''}`;
            st.effects.push({ insn: i, what: `\`${insn.att}\``, key });
            st.memKey += `;${key}`;
            break;
          }
          throw new Unsupported('no semantics for this instruction');
      }
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
      res.unmodelled.push({ insn, why: e.message });
      unmodelledEffects(insn);
    }
  }
  const last = insns[insns.length - 1];
  if (fn && !res.returned && res.ending.kind === 'falls-through' && last) res.ending = { kind: 'unfollowed', insn: last, why: 'the path runs past the decoded code without returning' };
  return res;

  function unmodelledEffects(insn: DecodedInsn): void {
    const inputs = insn.read.filter((r) => r.gpr).map((r) => st.read(r.reg));
    if (insn.memoryRead) inputs.push(app(32, `memory[${st.memKey}]`, []));
    for (const w of insn.written) {
      if (w.reg === 'rip' || w.reg === 'eip') continue;
      if (!w.gpr) {
        st.effects.push({ insn: insn.index, what: `\`${insn.att}\` writes ${w.reg}` });
        st.memKey += `;?${tag}${insn.index}`;
        continue;
      }
      const full = st.fullNameOf(w.reg);
      if (w.how === 'cond' || full === 'rsp') {
        // It may keep its value (a conditional write, a stack pointer an unmodelled instruction may restore).
        writeReg(w.reg, symbol(w.bits, `${w.reg}@${tag}${insn.index}`, 'maybe', `${w.reg} as \`${insn.att}\` left it`), insn.index);
        if (full === 'rsp') res.stackLost ??= insn;
        continue;
      }
      // Some function of what the instruction reads: `bswap; bswap` may restore a register, and a proof
      // never goes through this; but a result that does not depend on a register's entry value is
      // certainly not that entry value for every input (compare.ts).
      writeReg(w.reg, app(w.bits, `insn:${insn.mnemonic}@${tag}${insn.index}:${w.reg}`, inputs), insn.index);
    }
    if (insn.memoryWrite) {
      st.memGen++;
      st.memKey += `;?${tag}${insn.index}`;
      st.memoryWrites.push({ insn: insn.index, what: `\`${insn.att}\` writes memory` });
      const mem = insn.operands.find((o): o is Extract<Operand, { kind: 'mem' }> => o.kind === 'mem');
      const off = mem ? stackOffset(mem, effectiveAddress(mem)) : undefined;
      if (mem && off !== undefined) for (let b = 0; b < mem.bits / 8; b++) st.stack.set(off + b, symbol(8, `stack${off + b}@${tag}${insn.index}`, 'maybe'));
    }
    havocFlags(insn);
  }

  function callEffects(insn: DecodedInsn, target: string | undefined): void {
    res.calls.push({ insn, ...(target ? { symbol: target } : {}) });
    // What the callee does is not known; assume only what the convention promises.
    for (const r of opts.callClobbers) {
      const full = st.fullNameOf(r);
      writeReg(st.display(full), symbol(W, `${full}@call${tag}${insn.index}`, 'maybe', `${st.display(full)} after \`${insn.att}\``), insn.index);
    }
    st.memGen++;
    st.memKey += `;call${tag}${insn.index}`;
    st.effects.push({ insn: insn.index, what: `\`${insn.att}\` calls ${target ?? 'an unknown function'}` });
    havocFlags(insn);
    const status = STATUS_FLAGS.map((f) => FLAG_BITS[f]!);
    st.setFlagBits(status, (b) => symbol(1, `flag${b}@${tag}${insn.index}`, 'maybe'));
  }
}
