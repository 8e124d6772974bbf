// `ret` and `argN` in operands → the architecture's registers, at the width of the op's signature.
import type { AsmSyntax } from '../asm/types.js';
import { subRegister } from './abi.js';
import type { ArchInfo } from './arch.js';
import type { OpDef, Width } from './ruleset.js';

export type AbiResolution =
  | { kind: 'unchanged' }
  /** One source instruction may become several (a 64-bit move on i386 is two moves) or none. */
  | { kind: 'rewritten'; instructions: string[]; note: string }
  | { kind: 'error'; message: string; hints: string[] };

const ABI_NAME = /(?<![\w.$@])%?(ret|arg\d+)\b/g;

/** A register or a register pair (low, high) that holds a value of the given width. */
type Location = { kind: 'reg'; reg: string } | { kind: 'pair'; low: string; high: string };

function bitsOf(w: Width, arch: ArchInfo): 8 | 16 | 32 | 64 {
  if (w === 'word' || w === 'void') return arch.wordBits;
  return w;
}

function locate(name: string, op: OpDef | undefined, arch: ArchInfo): Location | { error: string; hints: string[] } {
  const conv = arch.convention;
  const isRet = name === 'ret';
  const idx = isRet ? -1 : Number(name.slice(3));
  let w: Width = 'word';
  if (op) {
    if (isRet) {
      if (op.returns === 'void') return { error: `'ret' used, but op '${op.name}' returns nothing`, hints: [`declare a return type: op ${op.name}(...) -> u64`] };
      w = op.returns;
    } else {
      const p = op.params[idx];
      if (!p) return { error: `'${name}' used, but op '${op.name}' has ${op.params.length} parameter(s)`, hints: [] };
      w = p.width;
    }
  }
  const bits = bitsOf(w, arch);
  if (bits > arch.wordBits) {
    const pair = isRet ? conv.wideRet : conv.wideArgs?.[idx];
    if (!pair) return { error: `a ${bits}-bit '${name}' is not passed in registers under ${conv.name}`, hints: [`(${conv.source})`] };
    return { kind: 'pair', low: pair[0], high: pair[1] };
  }
  const full = isRet ? conv.ret : conv.args[idx];
  if (!full) return { error: `'${name}' is not passed in a register under ${conv.name} (it has ${conv.args.length} argument registers)`, hints: [`(${conv.source})`] };
  const reg = subRegister(full, bits);
  if (!reg) return { error: `${full} has no ${bits}-bit part`, hints: [] };
  return { kind: 'reg', reg };
}

/** Splits `mnemonic operands` without touching a label or prefixes' meaning. */
function splitMnemonic(text: string): { mnemonic: string; operands: string } {
  const m = /^(\S+)\s*(.*)$/s.exec(text.trim());
  return m ? { mnemonic: m[1]!, operands: m[2]! } : { mnemonic: text, operands: '' };
}

function splitOperands(ops: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of ops) {
    if (ch === '(' || ch === '[') depth++;
    if (ch === ')' || ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

export function resolveAbiNames(text: string, op: OpDef | undefined, arch: ArchInfo, syntax: AsmSyntax): AbiResolution {
  const { mnemonic, operands } = splitMnemonic(text);
  if (mnemonic.endsWith(':') || !ABI_NAME.test(operands)) return { kind: 'unchanged' };
  ABI_NAME.lastIndex = 0;
  const reg = (r: string): string => (syntax === 'att' ? `%${r}` : r);
  const locs = new Map<string, Location>();
  for (const m of operands.matchAll(ABI_NAME)) {
    const l = locate(m[1]!, op, arch);
    if ('error' in l) return { kind: 'error', message: l.error, hints: l.hints };
    locs.set(m[1]!, l);
  }
  const anyPair = [...locs.values()].some((l) => l.kind === 'pair');
  const notes = [...locs.entries()].map(([n, l]) => `${n} = ${l.kind === 'reg' ? l.reg : `${l.high}:${l.low}`}`).join(', ');

  if (anyPair) {
    // A value in a register pair can only be moved as two halves; anything else would need real codegen.
    const parts = splitOperands(operands).map((o) => locs.get(o.replace(/^%/, '')));
    if (!/^mov[lq]?$/.test(mnemonic) || parts.length !== 2 || parts.some((p) => p?.kind !== 'pair')) {
      return {
        kind: 'error',
        message: `on ${arch.name} a ${2 * arch.wordBits}-bit value lives in a register pair (${notes}); only \`mov\` between two such values is supported`,
        hints: ['write the halves explicitly, e.g. `mov eax, ...` and `mov edx, ...`'],
      };
    }
    const [a, b] = parts as [Extract<Location, { kind: 'pair' }>, Extract<Location, { kind: 'pair' }>];
    const movs = [
      [a.low, b.low],
      [a.high, b.high],
    ]
      .filter(([x, y]) => x !== y)
      .map(([x, y]) => `mov ${reg(x!)}, ${reg(y!)}`);
    return { kind: 'rewritten', instructions: movs, note: notes };
  }

  const rewritten = `${mnemonic} ${operands.replace(ABI_NAME, (_, n: string) => reg((locs.get(n) as { reg: string }).reg))}`;
  // `mov X, X` at the full register width does nothing and is dropped; at 32 bits on x86_64 it would
  // zero the upper half, so it stays.
  const ops = splitOperands(operands).map((o) => o.replace(/^%/, ''));
  if (/^mov[lq]?$/.test(mnemonic) && ops.length === 2) {
    const [x, y] = ops.map((o) => (locs.get(o) as { reg: string } | undefined)?.reg ?? o);
    if (x === y && subRegister(x!, arch.wordBits) === x) return { kind: 'rewritten', instructions: [], note: `${notes}: a move of a register to itself is dropped` };
  }
  return { kind: 'rewritten', instructions: [rewritten], note: notes };
}

/** Where an ABI name (`arg0`, `ret`) lives for an op on an architecture: `rdi`, `edx:eax`, or why nowhere. */
export function abiLocation(name: string, op: OpDef | undefined, arch: ArchInfo): { register: string } | { error: string } {
  const l = locate(name, op, arch);
  if ('error' in l) return { error: l.error };
  return { register: l.kind === 'reg' ? l.reg : `${l.high}:${l.low}` };
}
