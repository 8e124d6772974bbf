// A function of the binary as the executor's instruction list: decoded from its address by following
// control flow (both sides of a jcc, jump targets, direct calls and tail calls up to a depth), so that a
// callee-save thunk (push; call the C function; pop; ret) comes with the function it calls.
import { decodeReplacement, type DecodedInsn, type Operand } from '../symbolic/decode.js';

/** Where a function's bytes and names come from (a binary: see binaryCode.ts). */
export interface CodeSource {
  bitness: 32 | 64;
  /** Up to `n` bytes of executable code at `address` (fewer at the end of a section); undefined: not code. */
  codeAt(address: bigint, n: number): Uint8Array | undefined;
  /** `name` or `name+0x12`, for messages. */
  describe(address: bigint): string;
  /** A jump here is a return (Linux's `jmp __x86_return_thunk`, patched to `ret` at boot). */
  isReturnThunk(address: bigint): boolean;
}

export interface FunctionLimits {
  /** Instructions decoded at most, over the function and everything it reaches. */
  maxInsns: number;
  /** Direct calls and tail calls followed into at most this deep. */
  maxDepth: number;
}

export const DEFAULT_LIMITS: FunctionLimits = { maxInsns: 512, maxDepth: 3 };

export interface FunctionCode {
  /** In address order; `offset` is the address minus `base`, branch targets likewise. */
  insns: DecodedInsn[];
  base: bigint;
  /** Functions entered besides the first (calls and tail calls followed), by name. */
  followed: string[];
  /** Why some code was not decoded (a limit, bytes that are not code, an invalid instruction). */
  gaps: string[];
}

interface Raw {
  address: bigint;
  insn: DecodedInsn;
  depth: number;
}

export function decodeFunction(src: CodeSource, entry: bigint, limits: FunctionLimits = DEFAULT_LIMITS): FunctionCode {
  const raw = new Map<bigint, Raw>();
  const gaps: string[] = [];
  const followed: string[] = [];
  const work: { at: bigint; depth: number }[] = [{ at: entry, depth: 0 }];
  const entered = new Set<bigint>([entry]);
  while (work.length) {
    const { at, depth } = work.pop()!;
    if (raw.has(at)) continue;
    if (raw.size >= limits.maxInsns) {
      gaps.push(`more than ${limits.maxInsns} instructions: ${src.describe(at)} and beyond were not decoded`);
      break;
    }
    const bytes = src.codeAt(at, 15);
    if (!bytes) {
      gaps.push(`${src.describe(at)} is not code in the binary`);
      continue;
    }
    const d = decodeReplacement(bytes, src.bitness, [], at, 1);
    const insn = d.insns[0];
    if (!insn) {
      gaps.push(`no valid instruction at ${src.describe(at)}`);
      continue;
    }
    raw.set(at, { address: at, insn, depth });
    const next = at + BigInt(insn.length);
    const branch = insn.operands.find((o): o is Extract<Operand, { kind: 'branch' }> => o.kind === 'branch');
    const enter = (target: bigint): boolean => {
      if (depth >= limits.maxDepth) return false;
      if (!entered.has(target)) {
        entered.add(target);
        followed.push(src.describe(target));
      }
      work.push({ at: target, depth: depth + 1 });
      return true;
    };
    if (insn.flow === 'next') work.push({ at: next, depth });
    else if (insn.flow === 'call') {
      if (branch && insn.mnemonic === 'call' && !enter(branch.target)) branch.symbol = src.describe(branch.target);
      work.push({ at: next, depth });
    } else if (insn.flow === 'branch' && branch) {
      if (src.isReturnThunk(branch.target)) {
        insn.flow = 'return';
        insn.att = `${insn.att} <${src.describe(branch.target)}>`;
        insn.intel = `${insn.intel} <${src.describe(branch.target)}>`;
      } else if (insn.mnemonic === 'jmp') {
        // A jump inside the function, or a tail call: either way the code continues there.
        if (!entered.has(branch.target) && !near(branch.target, entry)) {
          if (!enter(branch.target)) branch.symbol = src.describe(branch.target);
        } else work.push({ at: branch.target, depth });
      } else {
        work.push({ at: branch.target, depth }, { at: next, depth });
      }
    }
  }
  const sorted = [...raw.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const base = sorted[0]?.address ?? entry;
  const insns = sorted.map((r, index) => {
    const insn = r.insn;
    for (const o of insn.operands) if (o.kind === 'branch' && !o.symbol) o.target -= base;
    return { ...insn, index, offset: Number(r.address - base) };
  });
  return { insns, base, followed, gaps };
}

/** A jump target close to the entry (within 4 KiB after it) is taken to be the same function's code. */
function near(target: bigint, entry: bigint): boolean {
  return target >= entry && target - entry < 4096n;
}
