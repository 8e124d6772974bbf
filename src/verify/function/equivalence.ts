// Is an inline replacement the function it replaces, as far as the caller can see? Both run on the same
// symbolic entry state (the function as the site's call starts it: return address pushed); every pair of
// paths (the replacement's, the function's) is compared, under both paths' conditions, on what the caller
// observes after the call: the return register(s), every register the site keeps, the stack pointer, the
// live flags, and the memory and system writes. Equal normal forms (after what the paths' conditions pin)
// prove a value equal; concrete entry values that tell them apart are the counterexample; anything else
// is not decided, with what stopped it.
import type { Relocation } from '../../asm/types.js';
import type { ArchInfo } from '../../model/arch.js';
import type { Width } from '../../model/ruleset.js';
import { compare, pathInput, type Witness } from '../compare.js';
import { hex } from '../format.js';
import { locateValue, locationRegisters, describeLocation, finalValue } from '../locations.js';
import { decodeReplacement, type DecodedInsn } from '../symbolic/decode.js';
import type { ExecResult } from '../symbolic/execute.js';
import { flagName } from '../symbolic/flags.js';
import { executePaths } from '../symbolic/paths.js';
import { FLAG_BITS, GPR64, STATUS_FLAGS, type MachineState } from '../symbolic/state.js';
import type { Val } from '../symbolic/values.js';
import { decodeFunction, DEFAULT_LIMITS, type CodeSource, type FunctionLimits } from './decodeFunction.js';
import { TermTooLarge } from '../symbolic/values.js';

/** RFLAGS bits a caller can rely on after a call: the system bits POPF can change (status flags are clobbered by every call). */
export const LIVE_FLAG_BITS = [8, 9, 10, 12, 13, 14, 18, 21];
const LIVE_FLAG_NAMES: Record<number, string> = { 12: 'IOPL0', 13: 'IOPL1', 14: 'NT', 21: 'ID' };

/** Instructions on one path of a function, at most (loops end the path as not decided). */
const MAX_STEPS = 256;

export interface PairInput {
  arch: ArchInfo;
  op: { name: string; returns?: Width; calleeSave: boolean };
  replacement: { bytes: Uint8Array; relocations?: readonly Relocation[] };
  fn: { address: bigint; name: string };
  code: CodeSource;
  /** The registers the site's clobber mask lets the call change (full names); undefined: the convention decides. */
  clobbers?: readonly string[];
  limits?: FunctionLimits;
}

export interface Counterexample {
  /** Entry values (registers as `rdi₀`), hex. */
  inputs: { name: string; value: string }[];
  replacement: string;
  function: string;
}

export type PairVerdict = { function: string; compared: string[]; followed: string[] } & (
  | { verdict: 'equivalent' }
  | { verdict: 'differs'; what: string; counterexample: Counterexample }
  | { verdict: 'not-decided'; why: string }
);

interface Observable {
  name: string;
  get(st: MachineState): Val;
}

export function provePair(input: PairInput): PairVerdict {
  try {
    return provePairUnguarded(input);
  } catch (e) {
    if (!(e instanceof TermTooLarge)) throw e;
    // A long function whose values share subterms: stop, and say so, rather than exhaust memory.
    return { function: input.fn.name, compared: [], followed: [], verdict: 'not-decided', why: `${e.message}: the function is too large for the engine to decide` };
  }
}

function provePairUnguarded(input: PairInput): PairVerdict {
  const { arch, op, fn } = input;
  const W = arch.wordBits;
  const callClobbers = arch.convention.callerSaved;
  const { observables, compared } = observablesFor(input);
  const fc = decodeFunction(input.code, fn.address, input.limits ?? DEFAULT_LIMITS);
  const base = { function: fn.name, compared, followed: fc.followed };
  const undecided = (why: string): PairVerdict => ({ ...base, verdict: 'not-decided', why });

  const decoded = decodeReplacement(input.replacement.bytes, W, input.replacement.relocations ?? []);
  if (!decoded.ok) return undecided(`the replacement: ${decoded.problem}`);
  const start = fc.insns.findIndex((i) => BigInt(i.offset) === fn.address - fc.base);
  if (start < 0) return undecided(fc.gaps[0] ?? `no code at ${fn.name}`);
  let mine: ExecResult[];
  let theirs: ExecResult[];
  try {
    mine = executePaths(decoded.insns, { wordBits: W, callClobbers, tag: 'r' }, input.replacement.bytes.length);
    theirs = executePaths(fc.insns, { wordBits: W, callClobbers, tag: 'f', fn: { base: fc.base, steps: MAX_STEPS } }, -1, start);
  } catch (e) {
    return undecided(`internal error in the executor: ${(e as Error).message}`);
  }
  for (const [side, paths] of [['the replacement', mine], [fn.name, theirs]] as const) {
    for (const p of paths) {
      const stop = stopped(p);
      if (stop) return undecided(`${side}: ${stop}`);
    }
  }
  let firstUnknown: string | undefined;
  for (const r of mine) {
    for (const f of theirs) {
      const conditions = [...r.conditions, ...f.conditions];
      const where = pathNote(r, f, fn.name);
      for (const o of observables) {
        const cmp = compare(o.get(r.state), o.get(f.state), conditions);
        if (cmp.kind === 'proved') continue;
        if (cmp.kind === 'refuted' && cmp.witness) return { ...base, verdict: 'differs', what: `${o.name}${where}`, counterexample: counterexample(cmp.witness) };
        firstUnknown ??= `${o.name}${where}: ${cmp.kind === 'unknown' ? cmp.why : 'differs for some input, but no concrete one was found'}`;
      }
      const writes = compareWrites(r, f, conditions);
      if (writes?.kind === 'differs') return { ...base, verdict: 'differs', what: `${writes.what}${where}`, counterexample: writes.counterexample };
      if (writes) firstUnknown ??= `${writes.why}${where}`;
    }
  }
  if (firstUnknown) return undecided(firstUnknown);
  return { ...base, verdict: 'equivalent' };
}

function observablesFor(input: PairInput): { observables: Observable[]; compared: string[] } {
  const { arch, op } = input;
  const W = arch.wordBits;
  const conv = arch.convention;
  const display = (full: string): string => (W === 64 ? full : `e${full.slice(1)}`);
  const observables: Observable[] = [];
  const compared: string[] = [];
  let retRegs: string[] = [];
  if (op.returns !== 'void') {
    const loc = op.returns === undefined ? undefined : locateValue('ret', { name: op.name, params: [], returns: op.returns, contracts: [], calleeSave: op.calleeSave, span: undefined as never }, arch);
    if (loc && !('error' in loc)) {
      observables.push({ name: `the result in ${describeLocation(loc)}`, get: (st) => finalValue(st, loc) });
      compared.push(`result ${describeLocation(loc)} (${loc.bits} bits)`);
      retRegs = locationRegisters(loc).map((r) => toFull(r));
    } else {
      // The op's width is not in the table: the whole return register, which is stricter.
      observables.push({ name: `the return register ${conv.ret}`, get: (st) => st.full(toFull(conv.ret)) });
      compared.push(`result ${conv.ret} (whole register: the op's width is unknown)`);
      retRegs = [toFull(conv.ret)];
    }
  }
  const calleeSaved = new Set(conv.calleeSaved.map(toFull));
  const allowed = new Set(input.clobbers ? input.clobbers.map(toFull) : op.calleeSave ? retRegs : conv.callerSaved.map(toFull));
  for (const r of retRegs) allowed.add(r);
  const kept = (W === 64 ? GPR64 : GPR64.slice(0, 8)).filter((r) => r !== 'rsp' && (calleeSaved.has(r) || !allowed.has(r)));
  const keptNames = kept.filter((r) => !retRegs.includes(r)).map(display);
  for (const r of kept) if (!retRegs.includes(r)) observables.push({ name: `${display(r)} (the site keeps it)`, get: (st) => st.full(r) });
  compared.push(`kept: ${keptNames.join(' ') || 'none'} (${input.clobbers ? `the site's clobber mask allows ${input.clobbers.join(' ') || 'none'}` : op.calleeSave ? 'callee_save: all but the result' : `${conv.name}: callee-saved`})`);
  const sp = W === 64 ? 'rsp' : 'esp';
  observables.push({ name: sp, get: (st) => st.rsp });
  compared.push(sp);
  for (const b of LIVE_FLAG_BITS.filter((b) => b < W)) observables.push({ name: `flag ${flagNameOf(b)}`, get: (st) => st.flagBit(b) });
  compared.push(`live flags ${LIVE_FLAG_BITS.map(flagNameOf).join(' ')} (not ${STATUS_FLAGS.join(' ')}: every call clobbers them)`);
  compared.push('memory and system writes');
  return { observables, compared };
}

function flagNameOf(b: number): string {
  return LIVE_FLAG_NAMES[b] ?? flagName(b);
}

/** `eax` → `rax`: the executor's full names are the 64-bit ones on both architectures. */
function toFull(r: string): string {
  return /^e[a-z]{2}$/.test(r) ? `r${r.slice(1)}` : r;
}

/** Why a path cannot be compared: it does not come back to the site, or went through something not modelled. */
function stopped(p: ExecResult): string | undefined {
  if (p.ending.kind !== 'falls-through') return p.ending.why;
  if (p.unmodelled.length) return `no modelled semantics for ${p.unmodelled.map((u) => `\`${u.insn.att}\` (${u.why})`).join(', ')}`;
  if (p.stackLost) return `\`${p.stackLost.att}\` moves the stack pointer in a way that is not modelled`;
  // A call not followed (beyond the depth, through a pointer) is an effect without a key.
  const effect = [...p.state.effects, ...p.state.memoryWrites].find((e) => e.key === undefined);
  if (effect) return `${effect.what}, which is not modelled`;
  return undefined;
}

function pathNote(r: ExecResult, f: ExecResult, name: string): string {
  const parts = [...(r.path.length ? [`the replacement's path where ${r.path.join(', then ')}`] : []), ...(f.path.length ? [`${name}'s path where ${f.path.join(', then ')}`] : [])];
  return parts.length ? ` (on ${parts.join(' and ')})` : '';
}

function counterexample(w: Witness): Counterexample {
  return { inputs: w.inputs.map((i) => ({ name: i.label, value: hex(i.value) })), replacement: hex(w.left), function: hex(w.right) };
}

type WriteComparison = { kind: 'differs'; what: string; counterexample: Counterexample } | { kind: 'unknown'; why: string } | undefined;

/** Memory and system writes, in order, by their keys (what, where, which value). */
function compareWrites(r: ExecResult, f: ExecResult, conditions: Val[]): WriteComparison {
  const list = (p: ExecResult) => [...p.state.memoryWrites, ...p.state.effects].sort((a, b) => a.insn - b.insn);
  const a = list(r);
  const b = list(f);
  const keys = (l: typeof a) => l.map((e) => e.key!).join('\n');
  if (keys(a) === keys(b)) return undefined;
  const insnText = (p: ExecResult, i: number): string => `\`${(p.insns[i] as DecodedInsn | undefined)?.att ?? '?'}\``;
  const describe = (p: ExecResult, l: typeof a): string => (l.length ? l.map((e) => insnText(p, e.insn)).join('; ') : 'nothing');
  const what = `memory and system writes: the replacement does ${describe(r, a)}, the function ${describe(f, b)}`;
  const unknown: WriteComparison = { kind: 'unknown', why: `${what}, in forms not shown equal` };
  if (a.length === b.length) {
    // Write by write: a store at another address, or of another value, leaves memory different (pick the
    // old contents at either address unlike the value stored). Anything else is only "not shown equal".
    for (let k = 0; k < a.length; k++) {
      const x = a[k]!;
      const y = b[k]!;
      if (x.key === y.key) continue;
      if (!x.store || !y.store || x.store.value.w !== y.store.value.w) return unknown;
      for (const [part, p, q] of [['address', x.store.address, y.store.address], ['value', x.store.value, y.store.value]] as const) {
        const cmp = compare(p, q, conditions);
        if (cmp.kind === 'refuted' && cmp.witness) return { kind: 'differs', what: `${what}: the store's ${part} differs`, counterexample: counterexample(cmp.witness) };
        if (cmp.kind !== 'proved') return unknown;
      }
    }
    // Every write equal, some only under the paths' conditions.
    return undefined;
  }
  const inputs = pathInput(conditions);
  if (!inputs) return unknown;
  return {
    kind: 'differs',
    what,
    counterexample: { inputs: inputs.map((i) => ({ name: i.label, value: hex(i.value) })), replacement: `${a.length} write(s)`, function: `${b.length} write(s)` },
  };
}
