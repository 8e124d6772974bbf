import type { Bits, Item } from '../model.js';

export interface LineGroup {
  name: string;
  format: 'lines';
  /** 'refuse': patchc must refuse every line (whatever GNU does with it). */
  expect: 'match' | 'refuse';
  items(bits: Bits): Item[];
}

export interface BlockGroup {
  name: string;
  format: 'blocks';
  expect: 'match';
  /** Each block is a list of lines assembled together (labels are raw items such as `.L3:`). */
  blocks(bits: Bits): Item[][];
}

export type Group = LineGroup | BlockGroup;

/** Every k-th element starting at `phase`: a deterministic thinning of long cross products. */
export function every<T>(list: readonly T[], k: number, phase = 0): T[] {
  return list.filter((_, i) => (i + phase) % k === 0);
}
