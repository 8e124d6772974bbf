/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate, if it is close enough to be a plausible typo. */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  let bestPrefix = -1;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const lc = c.toLowerCase();
    const d = editDistance(w, lc);
    // On a tie, the candidate that starts like the word is the likelier typo (x86 → x86_64, not i386).
    let prefix = 0;
    while (prefix < w.length && prefix < lc.length && w[prefix] === lc[prefix]) prefix++;
    if (d < bestD || (d === bestD && prefix > bestPrefix)) {
      bestD = d;
      best = c;
      bestPrefix = prefix;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export function didYouMean(word: string, candidates: Iterable<string>): string[] {
  const n = nearest(word, candidates);
  return n ? [`did you mean '${n}'?`] : [];
}

/** Up to `max` candidates close enough to be plausible typos, closest first (ties: longer common prefix). */
export function nearestSeveral(word: string, candidates: Iterable<string>, max = 3): string[] {
  const w = word.toLowerCase();
  const limit = Math.max(2, Math.floor(word.length / 3));
  const prefix = (lc: string): number => {
    let p = 0;
    while (p < w.length && p < lc.length && w[p] === lc[p]) p++;
    return p;
  };
  const scored: { c: string; d: number; p: number }[] = [];
  for (const c of new Set(candidates)) {
    const lc = c.toLowerCase();
    if (Math.abs(lc.length - w.length) > limit) continue;
    const d = editDistance(w, lc);
    if (d <= limit) scored.push({ c, d, p: prefix(lc) });
  }
  return scored.sort((a, b) => a.d - b.d || b.p - a.p || a.c.localeCompare(b.c)).slice(0, max).map((s) => s.c);
}
