// The pair verdicts as people and tools read them: one line per pair, counts per op, plain JSON.
import type { PairVerdict } from './equivalence.js';
import type { RunProofs } from './runProofs.js';

export function verdictLine(p: PairVerdict): string {
  switch (p.verdict) {
    case 'equivalent':
      return `equivalent to ${p.function}`;
    case 'differs': {
      const c = p.counterexample;
      const inputs = c.inputs.length ? `with ${c.inputs.map((i) => `${i.name} = ${i.value}`).join(', ')}` : 'for every input';
      return `differs from ${p.function}: ${p.what}: ${inputs}, the replacement gives ${c.replacement}, ${p.function} gives ${c.function}`;
    }
    case 'not-decided':
      return `not decided against ${p.function}: ${p.why}`;
  }
}

type Counts = { equivalent: number; differs: number; 'not-decided': number };

export function proofCounts(r: RunProofs): { pairs: Counts; byOp: Map<string, Counts> } {
  const zero = (): Counts => ({ equivalent: 0, differs: 0, 'not-decided': 0 });
  const pairs = zero();
  const byOp = new Map<string, Counts>();
  for (const p of r.pairs) {
    pairs[p.proof.verdict]++;
    for (const op of p.ops) {
      const c = byOp.get(op) ?? zero();
      c[p.proof.verdict]++;
      byOp.set(op, c);
    }
  }
  return { pairs, byOp };
}

export function proofsSummaryText(r: RunProofs): string {
  const { pairs } = proofCounts(r);
  const lines = [`proofs (each inline replacement against the function in its slot): ${r.pairs.length} pairs: ${pairs.equivalent} equivalent, ${pairs.differs} differ, ${pairs['not-decided']} not decided (${r.ms.toFixed(0)} ms)`];
  for (const p of r.pairs) lines.push(`  ${p.ops.join(', ')} (${p.sites} site${p.sites === 1 ? '' : 's'}): \`${p.replacement}\` ${verdictLine(p.proof)}`);
  return `${lines.join('\n')}\n`;
}

export function proofsJson(r: RunProofs): Record<string, unknown> {
  const { pairs } = proofCounts(r);
  return {
    pairs: r.pairs.length,
    ...pairs,
    ms: Math.round(r.ms * 10) / 10,
    list: r.pairs.map((p) => ({
      ops: p.ops,
      sites: p.sites,
      rule: p.rule,
      replacement: p.replacement,
      function: p.proof.function,
      function_address: `0x${p.functionAddress.toString(16)}`,
      verdict: p.proof.verdict,
      text: verdictLine(p.proof),
      ...(p.proof.verdict === 'differs' ? { what: p.proof.what, counterexample: p.proof.counterexample } : {}),
      ...(p.proof.verdict === 'not-decided' ? { why: p.proof.why } : {}),
      compared: p.proof.compared,
      followed: p.proof.followed,
    })),
  };
}
