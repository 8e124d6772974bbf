// Minimum agreement (identical + correctly refused, over compared items) per corpus group and for the
// real-code sample. Raise these as the assembler improves; the tests fail if agreement drops below them.
// Wrong bytes fail the tests regardless of these numbers.

export const CORPUS_MIN_AGREEMENT: Record<string, number> = {
  mov: 0,
  alu: 0,
  shift: 0,
  unary: 0,
  bitops: 0,
  stack: 0,
  indirect: 0,
  branch: 0,
  system: 0,
  string: 0,
  misc: 0,
  addressing: 0,
  pseudoprefix: 0,
  x87: 0,
  sse: 0,
  avx: 0,
  reloc: 0,
  spelling: 0,
  invalid: 0,
};

/** Keyed by sample name (see realcode.ts). */
export const REALCODE_MIN_AGREEMENT: Record<string, number> = {};

/** For random.test.ts with its default seed and count. */
export const RANDOM_MIN_AGREEMENT = 0;
