// Instances of every Code: random attempts from candidate.ts, kept when iced's decoder reads them back as
// that Code (so the decoder, not the builder, is the authority on what the bytes are), then a few chosen
// per Code that differ as much as possible (register / memory form, extended registers, addressing).

import { Code, Decoder, DecoderOptions } from './iced.js';
import { buildCandidate, type Bitness, type Features } from './candidate.js';
import type { CodeInfo } from './codeInfo.js';
import { Rng } from './rng.js';

export interface Instance {
  code: number;
  bytes: Uint8Array;
  features: Features;
}

export interface InstanceOptions {
  seed: number;
  /** Instances kept per Code and bitness. */
  perCode: number;
  /** Random attempts per Code and bitness before giving up on more variety. */
  attempts: number;
}

const featureKey = (f: Features): string => `${f.form}|${f.ext ? 'x' : ''}|${f.addr}|${f.extra}|${f.evex}`;

/** How many of the dimensions that matter for encoding choices differ. */
function distance(a: Features, b: Features): number {
  return (a.form !== b.form ? 4 : 0) + (a.ext !== b.ext ? 3 : 0) + (a.addr !== b.addr ? 1 : 0) + (a.extra !== b.extra ? 1 : 0) + (a.evex !== b.evex ? 1 : 0);
}

const codeByName = Code as unknown as Record<string, number>;

/**
 * The length of the instruction if `bytes` start with `info`'s Code, else 0. iced reads `9B DD /7` as
 * WAIT then FNSTSW, which is what FSTSW is: for the wait forms the second instruction is checked.
 */
function decodesAs(bytes: Uint8Array, bits: Bitness, info: CodeInfo): number {
  const options = DecoderOptions.None | info.decoderOption | (bits === 64 && info.amdOnly64 ? DecoderOptions.AMD : 0);
  const d = new Decoder(bits, bytes, options);
  try {
    const want = info.fwait ? codeByName[`Fn${info.name.slice(1)}`] : info.code;
    let skipped = 0;
    if (info.fwait) {
      const w = d.decode();
      const ok = w.code === Code.Wait;
      w.free();
      if (!ok) return 0;
      skipped = 1;
    }
    const insn = d.decode();
    try {
      return insn.code === want ? skipped + insn.length : 0;
    } finally {
      insn.free();
    }
  } finally {
    d.free();
  }
}

/**
 * Greedy: the first found without extra prefixes (the plain spelling, whose suffix variants matter most),
 * then always the one farthest from all chosen so far. Deterministic.
 */
function diverse(found: Instance[], n: number): Instance[] {
  const chosen: Instance[] = [];
  const rest = [...found];
  const plain = rest.findIndex((c) => c.features.extra === '' && c.features.evex === '');
  if (plain > 0) rest.unshift(...rest.splice(plain, 1));
  while (chosen.length < n && rest.length > 0) {
    let best = 0;
    let bestScore = -1;
    rest.forEach((c, i) => {
      const score = chosen.length === 0 ? 0 : Math.min(...chosen.map((x) => distance(x.features, c.features)));
      if (score > bestScore) {
        best = i;
        bestScore = score;
      }
    });
    chosen.push(...rest.splice(best, 1));
  }
  return chosen;
}

export function instancesFor(info: CodeInfo, bits: Bitness, opts: InstanceOptions): Instance[] {
  if (!info.modes[bits]) return [];
  const rng = new Rng(opts.seed ^ Math.imul(info.code + 1, 0x9e3779b1) ^ bits);
  const byKey = new Map<string, Instance>();
  for (let i = 0; i < opts.attempts; i++) {
    const form = i % 2 === 0 ? 'reg' : 'mem';
    const ext = bits === 64 && i % 4 >= 2;
    const c = buildCandidate(rng, info, bits, form, ext);
    const bytes = Uint8Array.from(c.bytes);
    const len = decodesAs(bytes, bits, info);
    if (len === 0) continue;
    const key = featureKey(c.features);
    if (!byKey.has(key)) byKey.set(key, { code: info.code, bytes: bytes.slice(0, len), features: c.features });
  }
  return diverse([...byKey.values()], opts.perCode);
}
