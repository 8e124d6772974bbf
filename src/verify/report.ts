// The verdicts as `patchc check` prints them: one line per rule, reasons under the ones that need reading.
import type { OpVerdict, Verdict } from './types.js';

const LABEL: Record<Verdict, string> = { proved: 'proved', opaque: 'opaque', 'not-verified': 'not verified', violated: 'VIOLATED' };

export function verdictLabel(v: OpVerdict): string {
  return v.verdict === 'proved' && v.basis === 'call-to-target' ? 'proved (call to target)' : LABEL[v.verdict];
}

export function formatVerdicts(verdicts: readonly OpVerdict[]): string {
  const lines: string[] = [];
  const labelWidth = Math.max(0, ...verdicts.map((v) => verdictLabel(v).length));
  const opWidth = Math.min(56, Math.max(0, ...verdicts.map((v) => v.op.length)));
  const arches = [...new Set(verdicts.map((v) => v.arch))];
  for (const arch of arches) {
    const mine = verdicts.filter((v) => v.arch === arch);
    lines.push(`${arch}:`);
    for (const v of mine) {
      const code = v.rule.slice(v.rule.indexOf(' -> ') + 4);
      lines.push(`  ${verdictLabel(v).padEnd(labelWidth)}  ${v.op.padEnd(opWidth)}  ${code}`);
      if (v.verdict === 'violated' || v.verdict === 'not-verified') {
        for (const d of v.details.filter((d) => d.startsWith('violated: ') || d.startsWith('undecided: '))) lines.push(`      ${d}`);
      }
    }
    const count = (k: Verdict): number => mine.filter((v) => v.verdict === k).length;
    lines.push(`  ${count('proved')} proved, ${count('opaque')} opaque, ${count('not-verified')} not verified, ${count('violated')} violated`);
  }
  return lines.join('\n');
}
