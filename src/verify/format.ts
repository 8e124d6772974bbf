// Symbolic values and numbers as a reader of the rule file would write them.
import { subRegister } from '../model/abi.js';
import { GPR64 } from './symbolic/state.js';
import type { Val } from './symbolic/values.js';

export function hex(v: bigint): string {
  return v < 10n ? v.toString() : `0x${v.toString(16)}`;
}

/** `rdi₀`, `edi₀ zero-extended`, `rsp₀ - 8`, `0`. */
export function formatVal(v: Val): string {
  switch (v.k) {
    case 'const':
      return hex(v.v);
    case 'sym':
      return v.label;
    case 'slice': {
      const reg = entryRegister(v.of);
      if (reg && (v.lo === 0 || (v.lo === 8 && v.w === 8))) {
        const name = v.lo === 8 ? `${reg[1]}h` : subRegister(reg, v.w as 8 | 16 | 32 | 64);
        if (name) return `${name}₀`;
      }
      return `${formatVal(v.of)}[${v.lo + v.w - 1}:${v.lo}]`;
    }
    case 'concat': {
      const top = v.parts[v.parts.length - 1]!;
      if (top.k === 'const' && top.v === 0n && v.parts.length === 2) return `${formatVal(v.parts[0]!)} zero-extended to ${v.w} bits`;
      return `{${[...v.parts].reverse().map(formatVal).join(' : ')}}`;
    }
    case 'sext':
      return v.of.w === 1 ? `${v.w} copies of ${formatVal(v.of)}` : `${formatVal(v.of)} sign-extended to ${v.w} bits`;
    case 'lin': {
      let s = '';
      for (const t of v.terms) {
        const negative = t.coef >> BigInt(v.w - 1) === 1n;
        const mag = negative ? (1n << BigInt(v.w)) - t.coef : t.coef;
        const term = `${mag === 1n ? '' : `${hex(mag)}·`}${formatVal(t.t)}`;
        s += s ? (negative ? ` - ${term}` : ` + ${term}`) : negative ? `-${term}` : term;
      }
      if (v.c !== 0n) {
        const negative = v.c >> BigInt(v.w - 1) === 1n;
        s += negative ? ` - ${hex((1n << BigInt(v.w)) - v.c)}` : ` + ${hex(v.c)}`;
      }
      return s;
    }
    case 'xor':
    case 'and':
    case 'or': {
      const sym = v.k === 'xor' ? ' ^ ' : v.k === 'and' ? ' & ' : ' | ';
      const allOnes = (1n << BigInt(v.w)) - 1n;
      if (v.k === 'xor' && v.c === allOnes && v.terms.length === 1) return `~${formatVal(v.terms[0]!)}`;
      const parts = v.terms.map(formatVal);
      if (!(v.k === 'and' ? v.c === allOnes : v.c === 0n)) parts.push(hex(v.c));
      return `(${parts.join(sym)})`;
    }
    case 'app': {
      if (v.f.startsWith('load')) return `the memory at [${v.args.map(formatVal).join(', ')}]`;
      const sys = /^sys:(\w+)\[/.exec(v.f);
      if (sys) return sys[1]!;
      const insn = /^insn:(\w+)@\w*?\d+:(\w+)$/.exec(v.f);
      if (insn) return `the ${insn[2]} result of \`${insn[1]}\``;
      return `${v.f}(${v.args.map(formatVal).join(', ')})`;
    }
  }
}

/** The full register whose entry value `v` is, if it is one. */
export function entryRegister(v: Val): string | undefined {
  if (v.k !== 'sym' || v.origin !== 'entry') return undefined;
  const m = /^(\w+)0$/.exec(v.name);
  return m && (GPR64 as readonly string[]).includes(m[1]!) ? m[1] : undefined;
}
