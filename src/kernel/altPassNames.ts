// The alternatives passes patchc reproduces, by the name an alttable's `pass` line gives (alternatives.ts maps
// each to its code). A module of its own so that checking a rule set's names needs none of the binary readers
// (the browser playground checks rule sets too).
export const ALT_PASS_NAMES = ['linux-6.1', 'linux-6.12'] as const;
export type AltPassName = (typeof ALT_PASS_NAMES)[number];
