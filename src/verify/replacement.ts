// One replacement against one op (or against the convention alone, when the op is only known at apply time).
import type { Relocation } from '../asm/types.js';
import type { ArchInfo } from '../model/arch.js';
import type { OpDef } from '../model/ruleset.js';
import { checkConvention, promisesValues } from './clobbers.js';
import { feasible } from './compare.js';
import { checkContracts } from './contracts.js';
import { quote } from './explain.js';
import { decodeReplacement, type DecodedInsn } from './symbolic/decode.js';
import { executePaths } from './symbolic/paths.js';
import type { CheckContext, Finding, OpVerdict, Verdict } from './types.js';
import { TermTooLarge } from './symbolic/values.js';

export interface ReplacementInput {
  bytes: Uint8Array;
  relocations?: readonly Relocation[];
  arch: ArchInfo;
  /** The op the replacement stands for; undefined when it is not known (target/missing/default rules). */
  op?: OpDef;
  /** How the rule names what it applies to, for messages when there is no op: `target _paravirt_nop`. */
  selector?: string;
  syntax?: 'att' | 'intel';
}

export interface ReplacementResult {
  verdict: Verdict;
  basis?: OpVerdict['basis'];
  details: string[];
  findings: Finding[];
  /** The decoded instructions, in the rule's syntax. */
  text: string[];
}

const NOP_MNEMONICS = new Set(['nop', 'endbr64', 'endbr32']);

export function verifyReplacement(input: ReplacementInput): ReplacementResult {
  const { arch, op } = input;
  const syntax = input.syntax ?? 'att';
  const subject = `${op ? op.name : (input.selector ?? 'replacement')} on ${arch.name}`;
  const decoded = decodeReplacement(input.bytes, arch.wordBits, input.relocations ?? []);
  const text = decoded.insns.map((i) => (syntax === 'intel' ? i.intel : i.att));
  if (!decoded.ok) {
    return { verdict: 'not-verified', details: [decoded.problem], findings: [{ status: 'unknown', code: 'verify-decode', message: `${subject}: ${decoded.problem}`, hints: [] }], text };
  }
  const promises = !!op && op.contracts.some((c) => c.kind !== 'opaque');
  const scope = op ? [] : [`applies to whichever op ${input.selector ? `'${input.selector}' selects` : 'it is used for'}: the op is only known when applied, so only the convention's register, stack and flag rules are checked here`];

  const real = decoded.insns.filter((i) => !NOP_MNEMONICS.has(i.mnemonic));
  const only = real[0];
  if (real.length === 1 && only && isCallToTarget(only)) {
    const details = [
      `by construction: \`${syntax === 'intel' ? only.intel : only.att}\` calls the op's current function — the function the unpatched site reached through the ops table, with the same arguments, stack and return — so every contract holds exactly as far as that function keeps it; nothing was executed symbolically`,
    ];
    return { verdict: promises ? 'proved' : 'opaque', basis: 'call-to-target', details, findings: [], text };
  }

  const details: string[] = [`replacement: ${text.length ? text.map((t) => `\`${t}\``).join('; ') : '{} (empty)'}`, ...scope];
  const findings: Finding[] = [];
  let paths: ReturnType<typeof executePaths>;
  let checked: ReturnType<typeof checkPath>[];
  try {
    paths = executePaths(decoded.insns, { wordBits: arch.wordBits, callClobbers: arch.convention.callerSaved }, input.bytes.length);
    checked = paths.map((exec) => checkPath({ exec, ...(op ? { op } : {}), arch, syntax, subject }, promises));
  } catch (e) {
    // A verifier bug must not take `patchc check` down, nor pass for a verdict.
    const message = e instanceof TermTooLarge ? `${subject}: not verified: ${e.message} (values that share subterms, repeated)` : `${subject}: not verified: internal error in the verifier: ${(e as Error).message}`;
    return { verdict: 'not-verified', details: [...details, message], findings: [{ status: 'unknown', code: 'verify-internal', message, hints: [] }], text };
  }
  for (const [n, exec] of paths.entries()) {
    const one = checked[n]!;
    if (paths.length === 1) {
      details.push(...one.details);
      findings.push(...one.findings);
      continue;
    }
    // A proof must hold on every path. A failure counts only on a path some input is known to take: value
    // checks found their counterexample among the inputs that take it (compare.ts); the rest (stack, memory)
    // fail for every input on the path, so one input that takes it is enough.
    const where = exec.path.length ? `on the path where ${exec.path.join(', then ')}` : 'on the straight path';
    const reachable = feasible(exec.conditions);
    details.push(...one.details.map((d) => `${where}: ${d}`));
    findings.push(
      ...one.findings.map((f) => {
        const doubtful = f.status === 'violated' && !reachable;
        return {
          ...f,
          status: doubtful ? ('unknown' as const) : f.status,
          message: f.message.replace(`${subject}: `, `${subject}: ${where}: `),
          hints: doubtful ? [...f.hints, 'no input was found that takes this path; it may never be taken'] : f.hints,
        };
      }),
    );
  }
  return finish(findings, details, promises, text);
}

function checkPath(ctx: CheckContext, promises: boolean): { findings: Finding[]; details: string[] } {
  const { exec, subject } = ctx;
  const details: string[] = [];
  const findings: Finding[] = [];
  if (exec.ending.kind !== 'falls-through') {
    details.push(exec.ending.why);
    if (exec.ending.kind === 'unfollowed') findings.push({ status: 'unknown', code: 'verify-control-flow', message: `${subject}: not verified: ${exec.ending.why}`, hints: [] });
    else if (promises) findings.push({ status: 'unknown', code: 'verify-no-return', message: `${subject}: not verified: ${exec.ending.why}, so what the op promises about its result is never reached`, hints: [] });
    details.push(...unmodelledDetails(ctx));
    return { findings, details };
  }
  const contracts = checkContracts(ctx);
  const convention = checkConvention(ctx);
  findings.push(...contracts.findings, ...convention.findings);
  details.push(...contracts.details, ...convention.details);
  if (exec.unmodelled.length) {
    if (promisesValues(ctx))
      findings.push({
        status: 'unknown',
        code: 'verify-unmodelled',
        message: `${subject}: not verified: no modelled semantics for ${exec.unmodelled.map((u) => quote(ctx, u.insn)).join(', ')}`,
        hints: ['only what iced reports these instructions write was used; a proof needs every instruction modelled', ...exec.unmodelled.map((u) => `${quote(ctx, u.insn)}: ${u.why}`)],
      });
    details.push(...unmodelledDetails(ctx));
  }
  return { findings, details };
}

function finish(findings: Finding[], details: string[], promises: boolean, text: string[]): ReplacementResult {
  const verdict: Verdict = findings.some((f) => f.status === 'violated') ? 'violated' : findings.length ? 'not-verified' : promises ? 'proved' : 'opaque';
  return { verdict, ...(verdict === 'proved' ? { basis: 'execution' as const } : {}), details: [...details, ...findings.map((f) => `${f.status === 'violated' ? 'violated' : 'undecided'}: ${f.message}`)], findings, text };
}

function unmodelledDetails(ctx: CheckContext): string[] {
  return ctx.exec.unmodelled.map((u) => {
    const writes = u.insn.written.filter((w) => w.reg !== 'rip' && w.reg !== 'eip').map((w) => w.reg);
    return `not modelled: ${quote(ctx, u.insn)} — iced: writes ${writes.length ? writes.join(', ') : 'no register'}${u.insn.memoryWrite ? ' and memory' : ''}`;
  });
}

function isCallToTarget(i: DecodedInsn): boolean {
  return i.flow === 'call' && i.operands.some((o) => o.kind === 'branch' && o.symbol === 'target');
}
