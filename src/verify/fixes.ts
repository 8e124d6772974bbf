// Turning a proposed operand swap into an edit of the instruction as the author wrote it: their spelling of
// each operand (ABI names, `%`-less registers) is kept, only the order changes.
import type { Fix } from '../diag/diagnostic.js';
import type { RuleDef } from '../model/ruleset.js';

/** `mov a, b` → `mov b, a` at the one instruction of the rule with that mnemonic and two operands. */
export function swapFix(rule: RuleDef | undefined, mnemonic: string): Fix[] {
  if (rule?.replacement.kind !== 'asm') return [];
  const found = rule.replacement.instructions.flatMap((insn) => {
    const m = /^(\S+)\s+(.*)$/.exec(insn.text.trim());
    if (!m || m[1]!.toLowerCase() !== mnemonic.toLowerCase()) return [];
    const ops = topLevelOperands(m[2]!);
    return ops.length === 2 ? [{ span: insn.span, text: `${m[1]} ${ops[1]}, ${ops[0]}` }] : [];
  });
  // Two candidates: which one the verifier meant is not known here, so no edit is offered.
  return found.length === 1 ? found : [];
}

/** Operands split at the commas outside parentheses and brackets. */
function topLevelOperands(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  out.push(text.slice(from).trim());
  return out;
}
