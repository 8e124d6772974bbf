// Small statistics for the benchmark tables.

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** x / native, e.g. 5.2 for "5.2 times the native cost". */
export const ratio = (x: number, native: number): number => x / native;

/**
 * The share of the paravirt overhead that patching removes: (indirect - patched) / (indirect - native).
 * 1 = as fast as native, 0 = no better than the indirect calls; NaN when there is no overhead to remove.
 */
export function overheadRemoved(native: number, indirect: number, patched: number): number {
  const overhead = indirect - native;
  return overhead > 0 ? (indirect - patched) / overhead : NaN;
}
