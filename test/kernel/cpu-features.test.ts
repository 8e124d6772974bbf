// Reading CPU feature bits from the files a kernel engineer has: /proc/cpuinfo, name lists, hex words, raw dumps.
// Real data: test/fixtures/cpu/cpuinfo-amd-epyc-host-6.18.txt is `cat /proc/cpuinfo` of the development machine
// (an AMD EPYC guest running Linux 6.18); <kernel>-<cpu>.* are what Debian's kernels printed and held under QEMU
// (test/fixtures/cpu/README.md; test/kernel-boot/cpu-features.test.ts makes them afresh).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  cpuFeatureTable, detectCpuFeatureFormat, featureState, parseCpuFeatures, setBits, withAssumed,
  type CpuFeatureFormat, type CpuFeatureParse, type CpuFeatureSet,
} from '../../src/kernel/index.js';
import { compareWithCpuinfo } from './cpuFeatureAgreement.js';

const t61 = cpuFeatureTable('6.1');
const t612 = cpuFeatureTable('linux-6.12');
const hostCpuinfo = readFileSync(new URL('../fixtures/cpu/cpuinfo-amd-epyc-host-6.18.txt', import.meta.url), 'latin1');
const bit = (t: typeof t61, macro: string): number => t.macro(macro)!.bit;

function ok(r: CpuFeatureParse): CpuFeatureSet {
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(r.set).toBeDefined();
  return r.set!;
}

function errors(r: CpuFeatureParse): string[] {
  expect(r.set).toBeUndefined();
  return r.diagnostics.filter((d) => d.severity === 'error').map((d) => (d.span ? `${d.span.start.line}:${d.span.start.col} ` : d.at ? `@${d.at.offset} ` : '') + d.code);
}

const hexWords = (w: Uint32Array): string => [...w].map((x) => `0x${x.toString(16).padStart(8, '0')}`).join(' ');

describe('/proc/cpuinfo', () => {
  it("this machine's cpuinfo (Linux 6.18): its newer bug name is refused by 6.1 and 6.12, on each processor's line", () => {
    for (const t of [t61, t612]) {
      const r = parseCpuFeatures('cpuinfo', hostCpuinfo, t);
      expect(errors(r)).toEqual(['21:79 cpu-unknown-feature', '49:79 cpu-unknown-feature']);
      expect(r.diagnostics[0]!.message).toContain("'spectre_v2_user' is not a bug name");
      expect(r.diagnostics[0]!.hints).toEqual(['nearest: spectre_v2']);
    }
  });

  it("this machine's cpuinfo without that name: every flag it shows is set, hidden bits unknown", () => {
    const text = hostCpuinfo.replace(/ spectre_v2_user/g, '');
    const flagsLine = /^flags\t\t: (.*)$/m.exec(text)![1]!.split(' ');
    const bugsLine = /^bugs\t\t: (.*)$/m.exec(text)![1]!.split(' ');
    for (const t of [t61, t612]) {
      const s = ok(parseCpuFeatures('cpuinfo', text, t));
      expect(s.format).toBe('cpuinfo');
      const want = [...flagsLine.map((n) => t.cpuinfoBit(n, 'flag')), ...bugsLine.map((n) => t.cpuinfoBit(n, 'bug'))];
      expect(setBits(s.words)).toEqual(want.sort((x, y) => x! - y!));
      expect(want).toHaveLength(flagsLine.length + bugsLine.length);
      expect(featureState(s, bit(t, 'X86_FEATURE_XMM4_2'))).toBe('set');
      expect(featureState(s, bit(t, 'X86_FEATURE_HYPERVISOR'))).toBe('set');
      expect(featureState(s, bit(t, 'X86_BUG_SRSO'))).toBe('set');
      expect(featureState(s, bit(t, 'X86_FEATURE_LA57'))).toBe('clear');
      expect(featureState(s, bit(t, 'X86_BUG_RETBLEED'))).toBe('clear');
      // cpuinfo cannot say: hidden by mkcapflags (ALWAYS, XENPV) or no name at all (a CPUID bit with no macro).
      expect(featureState(s, bit(t, 'X86_FEATURE_ALWAYS'))).toBe('unknown');
      expect(featureState(s, bit(t, 'X86_FEATURE_XENPV'))).toBe('unknown');
      expect(featureState(s, 0 * 32 + 10)).toBe('unknown');
    }
  });

  it('what cpuinfo cannot say differs by version: IBPB_EXIT_TO_USER has no quoted name, 6.1 shows it, 6.12 not', () => {
    const text = 'flags\t\t: fpu\nbugs\t\t:\n';
    expect(featureState(ok(parseCpuFeatures('c', text, t61)), 21 * 32 + 14)).toBe('clear');
    expect(featureState(ok(parseCpuFeatures('c', text, t612)), 21 * 32 + 14)).toBe('unknown');
  });

  it('every cpuinfo name of the table, on the flags and bugs lines, gives exactly the named bits', () => {
    for (const t of [t61, t612]) {
      const text = `processor\t: 0\nflags\t\t: ${[...t.cpuinfoNames('flag')].join(' ')}\nvmx flags\t: vnmi preemption_timer\nbugs\t\t: ${[...t.cpuinfoNames('bug')].join(' ')}\n`;
      const s = ok(parseCpuFeatures('all', text, t));
      for (let b = 0; b < t.bits; b++) expect(featureState(s, b)).toBe(t.cpuinfoName(b) === undefined ? 'unknown' : 'set');
    }
  });

  it('what cpuinfo cannot say can be supplied afterwards (withAssumed), the input set itself unchanged', () => {
    const s = ok(parseCpuFeatures('c', 'flags\t\t: fpu\nbugs\t\t:\n', t61));
    const always = bit(t61, 'X86_FEATURE_ALWAYS');
    const xenpv = bit(t61, 'X86_FEATURE_XENPV');
    const s2 = withAssumed(s, [[always, true], [xenpv, false]]);
    expect([featureState(s2, always), featureState(s2, xenpv), featureState(s2, 0)]).toEqual(['set', 'clear', 'set']);
    expect([featureState(s, always), featureState(s, xenpv)]).toEqual(['unknown', 'unknown']);
  });

  it('several processors: the first is used, one that differs is a warning naming the difference', () => {
    const text = 'processor\t: 0\nflags\t\t: fpu sse\nbugs\t\t: f00f\n\nprocessor\t: 1\nflags\t\t: fpu sse2\nbugs\t\t: f00f\n';
    const r = parseCpuFeatures('two', text, t61);
    const s = ok(r);
    expect(setBits(s.words)).toEqual([0, 25, 22 * 32]);
    expect(r.diagnostics).toMatchObject([{ severity: 'warning', code: 'cpu-cpuinfo-processors-differ', message: expect.stringContaining('(-sse +sse2)'), span: { start: { line: 5, col: 1 } } }]);
  });

  it('no bugs line: a warning, and every bug bit unknown; no flags line: an error', () => {
    const r = parseCpuFeatures('nobugs', 'processor\t: 0\nflags\t\t: fpu\n', t61);
    const s = ok(r);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['cpu-cpuinfo-no-bugs']);
    expect(featureState(s, bit(t61, 'X86_BUG_F00F'))).toBe('unknown');
    expect(errors(parseCpuFeatures('noflags', 'processor\t: 0\nbugs\t\t: f00f\n', t61))).toEqual(['1:1 cpu-cpuinfo-no-flags']);
    expect(errors(parseCpuFeatures('twice', 'flags\t\t: fpu\nflags\t\t: fpu\nbugs\t\t:\n', t61))).toEqual(['2:1 cpu-cpuinfo-repeated']);
  });

  it('a flag on the bugs line is unknown there (cpuinfo names are per line)', () => {
    const r = parseCpuFeatures('c', 'flags\t\t: fpu f00f\nbugs\t\t: fpu\n', t61);
    expect(errors(r)).toEqual(['1:14 cpu-unknown-feature', '2:9 cpu-unknown-feature']);
  });
});

describe('names and word*32+bit numbers', () => {
  it('cpuinfo names, macros in any case, numbers, comments, newlines', () => {
    const text = '# the features that matter\nFPU sse  x86_feature_always\t3*32+20 # nopl\nX86_BUG_SPECTRE_V2\n23*32+0\n';
    for (const t of [t61, t612]) {
      const s = ok(parseCpuFeatures('list', text, t));
      expect(s.format).toBe('names');
      expect(setBits(s.words)).toEqual([0, 25, 3 * 32 + 20, 3 * 32 + 21, 22 * 32 + 16, 23 * 32]);
      expect([...s.unknown].every((w) => w === 0)).toBe(true);
    }
  });

  it('an unknown name: its line:col, the nearest names, and the macro when the suffix was meant', () => {
    const r = parseCpuFeatures('list', 'fpu\n  avx512fx xmm\nX86_FEATURE_XMM4_3 9*32+32 24*32+0\nmonitor\n', t61);
    expect(errors(r)).toEqual(['2:3 cpu-unknown-feature', '2:12 cpu-unknown-feature', '3:1 cpu-unknown-feature', '3:20 cpu-bad-bit', '3:28 cpu-bad-bit', '4:1 cpu-ambiguous-feature']);
    const [avx, xmm, xmm43] = r.diagnostics;
    expect(avx!.hints).toEqual(['nearest: avx512f, avx512bw, avx512cd']);
    expect(xmm!.hints![0]).toBe("X86_FEATURE_XMM is 'sse' in cpuinfo; write that");
    expect(xmm43!.hints).toEqual(['nearest: X86_FEATURE_XMM4_1, X86_FEATURE_XMM4_2, X86_FEATURE_XMM3']);
    expect(r.diagnostics[5]!.hints).toEqual(['write X86_FEATURE_MWAIT or X86_BUG_MONITOR']);
  });

  it('a name only one version knows', () => {
    expect(ok(parseCpuFeatures('l', 'X86_FEATURE_SRSO_BP_SPEC_REDUCE', t612)).words[20]).toBe(0x80000000);
    expect(errors(parseCpuFeatures('l', 'X86_FEATURE_SRSO_BP_SPEC_REDUCE', t61))).toEqual(['1:1 cpu-unknown-feature']);
    // 6.1 shows ibpb_exit_to_user by the suffix default; 6.12's comment has no quoted name.
    expect(setBits(ok(parseCpuFeatures('l', 'ibpb_exit_to_user', t61)).words)).toEqual([21 * 32 + 14]);
    expect(errors(parseCpuFeatures('l', 'ibpb_exit_to_user', t612))).toEqual(['1:1 cpu-unknown-feature']);
    expect(setBits(ok(parseCpuFeatures('l', 'X86_FEATURE_IBPB_EXIT_TO_USER', t612)).words)).toEqual([21 * 32 + 14]);
  });

  it('an empty list is an error, not "no features"', () => {
    expect(errors(parseCpuFeatures('l', '# nothing\n\n', t61))).toEqual(['1:1 cpu-features-empty']);
  });
});

describe('capability words', () => {
  const words = new Uint32Array(24).map((_, i) => (0x9e3779b9 * (i + 1)) >>> 0);

  it('24 hex words, with or without 0x, any line breaks', () => {
    const s = ok(parseCpuFeatures('w', `${hexWords(words.slice(0, 10))}\n${[...words.slice(10)].map((x) => x.toString(16).toUpperCase()).join('\n')}\n`, t61));
    expect(s.format).toBe('words');
    expect([...s.words]).toEqual([...words]);
    expect([...s.unknown].every((w) => w === 0)).toBe(true);
  });

  it("gdb's x/24wx output as printed", () => {
    const lines: string[] = [];
    for (let i = 0; i < 24; i += 4) {
      const addr = 0xffffffff82a0c0e8n + BigInt(i * 4);
      lines.push(`0x${addr.toString(16)} <boot_cpu_data+${40 + i * 4}>:\t${[...words.slice(i, i + 4)].map((x) => `0x${x.toString(16).padStart(8, '0')}`).join('\t')}`);
    }
    const s = ok(parseCpuFeatures('gdb', lines.join('\n') + '\n', t612));
    expect([...s.words]).toEqual([...words]);
  });

  it("gdb's print of the array, runs compressed as <repeats N times>", () => {
    const w = new Uint32Array(24);
    w[0] = 0x178bfbfd;
    w[22] = 0x1ad40;
    const text = '$1 = {0x178bfbfd, 0x0 <repeats 21 times>, 0x1ad40, 0x0}\n';
    expect(detectCpuFeatureFormat(new TextEncoder().encode(text), t61)).toBe('words');
    expect([...ok(parseCpuFeatures('p', text, t61)).words]).toEqual([...w]);
    expect(errors(parseCpuFeatures('p', '$1 = {0x1, 0x0 <repeats 23 times>, 0x2}', t61))).toEqual(['1:36 cpu-word-count']);
    expect(errors(parseCpuFeatures('p', '$1 = {0x1, 0x0 <repeats 22 times>}', t61))).toEqual(['1:35 cpu-word-count']);
    expect(errors(parseCpuFeatures('p', '$1 = {0x1, zz, 0x0 <repeats 22 times>', t61))).toEqual(['1:6 cpu-bad-word']);
  });

  it('wrong count, a non-hex word, a word over 32 bits: errors with line:col', () => {
    const w23 = hexWords(words.slice(0, 23));
    expect(errors(parseCpuFeatures('w', `${w23}\n`, t61))).toEqual([`1:${w23.length + 1} cpu-word-count`]);
    expect(errors(parseCpuFeatures('w', `${hexWords(words)} 0x1\n`, t61))).toEqual([`1:${hexWords(words).length + 2} cpu-word-count`]);
    const bad = hexWords(words).split(' ');
    bad[3] = '0x12g4';
    bad[5] = '0x123456789';
    expect(errors(parseCpuFeatures('w', bad.join(' '), t61, { format: 'words' }))).toEqual(['1:34 cpu-bad-word', '1:52 cpu-bad-word']);
    const r = parseCpuFeatures('w', w23, t61);
    expect(r.diagnostics[0]!.hints![0]).toContain('NCAPINTS 22 + NBUGINTS 2 = 24 words');
  });

  it('raw 96-byte dump (little-endian), and the byte offset when the size is wrong', () => {
    const bytes = new Uint8Array(words.buffer.slice(0));
    const s = ok(parseCpuFeatures('dump.bin', bytes, t61));
    expect(s.format).toBe('binary');
    expect([...s.words]).toEqual([...words]);
    expect(errors(parseCpuFeatures('dump.bin', bytes.slice(0, 95), t61))).toEqual(['@95 cpu-word-count']);
    const long = new Uint8Array(100);
    long.set(bytes);
    expect(errors(parseCpuFeatures('dump.bin', long, t61))).toEqual(['@96 cpu-word-count']);
  });

  it('words and names agree: the set bits of random words, written as names, read back the same', () => {
    for (const t of [t61, t612]) {
      const named = setBits(words).filter((b) => t.data.entries.some((e) => e.bit === b));
      const list = named.map((b) => (b % 3 === 0 ? t.label(b).toLowerCase() : `${b >> 5}*32+${b & 31}`)).join('\n');
      const s = ok(parseCpuFeatures('l', list, t));
      expect(setBits(s.words)).toEqual(named);
    }
  });
});

describe('format detection', () => {
  const cases: [string, string | Uint8Array, CpuFeatureFormat][] = [
    ['cpuinfo', hostCpuinfo, 'cpuinfo'],
    ['a flags line alone', 'flags : fpu\n', 'cpuinfo'],
    ['names', 'fpu sse2\n', 'names'],
    ['names that are hex', 'ace fma abm\n', 'names'],
    ['numbers', '0*32+1', 'names'],
    ['hex words', '0x1 0x2', 'words'],
    ['bare hex words', 'deadbeef 0', 'words'],
    ['binary', new Uint8Array(96), 'binary'],
  ];
  it.each(cases)('%s', (_, data, want) => {
    expect(detectCpuFeatureFormat(typeof data === 'string' ? new TextEncoder().encode(data) : data, t61)).toBe(want);
  });

  it('the caller can say the format: hex-looking names read as names', () => {
    expect(setBits(ok(parseCpuFeatures('l', 'ace', t61, { format: 'names' })).words)).toEqual([bit(t61, 'X86_FEATURE_XCRYPT')]);
    expect(errors(parseCpuFeatures('l', 'ace', t61, { format: 'words' }))).toEqual(['1:4 cpu-word-count']);
  });
});

describe('what the booted Debian kernels said (fixtures from scripts/kernel/dump-cpu-features.sh)', () => {
  const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/cpu/${name}`, import.meta.url));
  it.each([
    ['6.1.0-56-cloud-amd64-qemu64', t61, 69],
    ['6.1.0-56-cloud-amd64-max', t61, 117],
    ['6.12.117+deb12-cloud-amd64-qemu64', t612, 70],
    ['6.12.117+deb12-cloud-amd64-max', t612, 118],
    ['6.1.0-57-686-qemu32', t61, 43],
  ] as const)('%s: cpuinfo, raw dump, gdb x/24wx and p/x agree on every bit cpuinfo shows', (name, t, setCount) => {
    const cpuinfo = ok(parseCpuFeatures(`${name}.cpuinfo.txt`, fixture(`${name}.cpuinfo.txt`), t));
    const raw = ok(parseCpuFeatures(`${name}.caps.bin`, fixture(`${name}.caps.bin`), t));
    const gdb = ok(parseCpuFeatures(`${name}.caps.txt`, fixture(`${name}.caps.txt`), t));
    const print = ok(parseCpuFeatures(`${name}.caps.print.txt`, fixture(`${name}.caps.print.txt`), t));
    expect([cpuinfo.format, raw.format, gdb.format, print.format]).toEqual(['cpuinfo', 'binary', 'words', 'words']);
    expect([...gdb.words]).toEqual([...raw.words]);
    expect([...print.words]).toEqual([...raw.words]);
    expect(setBits(raw.words)).toHaveLength(setCount);
    const a = compareWithCpuinfo(cpuinfo, raw);
    expect(a.disagree).toEqual([]);
    expect(a.shown).toBe([...t.cpuinfoNames('flag')].length + [...t.cpuinfoNames('bug')].length);
    // Synthetic bits the kernel set that cpuinfo hides: the alternatives pass needs them from a rule set.
    expect(a.hiddenSet).toEqual(expect.arrayContaining(['X86_FEATURE_ALWAYS', 'X86_FEATURE_RETPOLINE', 'X86_FEATURE_LFENCE_RDTSC']));
  });
});
