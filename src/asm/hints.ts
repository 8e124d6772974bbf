// Hints for diagnostics: the forms an instruction has, and known mnemonics close to an unknown one.
import { knownMnemonics, type CodeInfo } from './codeIndex.js';
import { CodeExt } from './iced.js';

export function formOf(ci: CodeInfo): string {
  const oi = CodeExt.opCode(ci.code);
  try {
    return oi.instructionString;
  } finally {
    oi.free();
  }
}

/** Up to three known mnemonics within edit distance 2 (only computed for an unknown name). */
export function nearestMnemonics(name: string): string[] {
  const scored: [number, string][] = [];
  for (const known of knownMnemonics()) {
    if (known === '' || Math.abs(known.length - name.length) > 2) continue;
    const d = editDistance(name, known);
    if (d <= 2) scored.push([d, known]);
  }
  // Closest first; among equals, the one sharing the longest prefix (typos rarely hit the first letters).
  const common = (x: string): number => {
    let i = 0;
    while (i < x.length && x[i] === name[i]) i++;
    return i;
  };
  return scored.sort((a, b) => a[0] - b[0] || common(b[1]) - common(a[1]) || a[1].localeCompare(b[1])).slice(0, 3).map((x) => x[1]);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = cur;
  }
  return prev[b.length]!;
}
