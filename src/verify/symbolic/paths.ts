// Every path through a replacement: jumps forward to a label are followed, conditional jumps fork.
import type { DecodedInsn } from './decode.js';
import { MAX_PATHS, returnAddress, runPath, type ExecOptions, type ExecResult } from './execute.js';
import { MachineState } from './state.js';
import { lin } from './values.js';

/**
 * Every path through the replacement. Conditional jumps fork (each side keeps the condition that selects
 * it), jumps forward to a label inside the block are followed, a jump to the end of the block ends the path
 * normally, and a backward jump (a loop) is not followed.
 */
export function executePaths(insns: DecodedInsn[], opts: ExecOptions, end: number, start = 0): ExecResult[] {
  const done: ExecResult[] = [];
  const work: { from: number; res: ExecResult }[] = [{ from: start, res: fresh(insns, opts) }];
  while (work.length) {
    const w = work.pop()!;
    done.push(runPath(insns, opts, end, w.from, w.res, (from, res) => {
      if (done.length + work.length + 1 >= MAX_PATHS) return false;
      work.push({ from, res });
      return true;
    }));
  }
  return done.sort((a, b) => a.path.length - b.path.length);
}

/** The only path of a straight-line replacement (the first one otherwise). */
export function execute(insns: DecodedInsn[], opts: ExecOptions): ExecResult {
  const end = insns.length ? insns[insns.length - 1]!.offset + insns[insns.length - 1]!.length : 0;
  return executePaths(insns, opts, end)[0]!;
}

function fresh(insns: DecodedInsn[], opts: ExecOptions): ExecResult {
  const state = new MachineState(opts.wordBits);
  if (opts.fn) {
    // As the site's call left it: the return address pushed.
    const bytes = opts.wordBits / 8;
    state.write(opts.wordBits === 64 ? 'rsp' : 'esp', lin(opts.wordBits, [{ coef: 1n, t: state.rsp }], BigInt(-bytes)), -1);
    state.storeStack(-bytes, returnAddress(opts.wordBits));
  }
  return { state, insns, unmodelled: [], calls: [], ending: { kind: 'falls-through' }, stackLog: [], writers: new Map(), path: [], conditions: [] };
}
