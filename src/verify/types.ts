// The verifier's results: plain, serializable data (no bigint, no Map) so the CLI can print them and the
// lead can store them in a compiled table.
import type { ArchInfo } from '../model/arch.js';
import type { OpDef } from '../model/ruleset.js';
import type { ExecResult } from './symbolic/execute.js';

/**
 * - proved: every contract of the op, and the convention's register/stack/flag rules, hold for all inputs —
 *   shown by executing every instruction symbolically (basis 'execution'), or because the replacement is a
 *   direct call to the op's own current function, which is what the unpatched site did (basis 'call-to-target');
 * - opaque: nothing checkable was promised (an `opaque` op, or a target/missing/default rule whose op is only
 *   known when applied); the register, stack and flag rules were checked and hold;
 * - not-verified: something could not be decided (an instruction without modelled semantics, a branch,
 *   a call) — no claim either way;
 * - violated: a definite counterexample.
 */
export type Verdict = 'proved' | 'opaque' | 'not-verified' | 'violated';

export interface OpVerdict {
  /** The op's name, or the selector (`target _paravirt_nop`, `default`, `missing`). */
  op: string;
  arch: string;
  /** `selector -> instructions`, as the table has it. */
  rule: string;
  verdict: Verdict;
  details: string[];
  basis?: 'execution' | 'call-to-target';
  /** file:line:col of the rule. */
  at?: string;
}

export interface Finding {
  /** violated: a definite counterexample; unknown: could not be decided (reported as a warning). */
  status: 'violated' | 'unknown';
  code: string;
  message: string;
  hints: string[];
  /** A hint proposes this instruction with its two operands the other way round (a fix can be made of it). */
  swapOperands?: { mnemonic: string };
}

export interface CheckContext {
  exec: ExecResult;
  /** Undefined for target/missing/default rules. */
  op?: OpDef;
  arch: ArchInfo;
  /** How to quote instructions back to the user: the rule file's syntax. */
  syntax: 'att' | 'intel';
  /** `ident64 on x86_64`. */
  subject: string;
}

export interface CheckOutcome {
  findings: Finding[];
  details: string[];
}
