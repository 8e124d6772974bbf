// The shipped feature name tables (src/kernel/cpufeatures/linux-*.ts) against their sources: when a Linux source
// of the cited version is on this machine (see scripts/kernel/gen-cpufeatures.ts for where it is looked for), the
// file must be exactly what the generator writes from it, and its cpuinfo names exactly what the kernel's own
// mkcapflags.sh writes into capflags.c. Without the source those two skip; the spot checks below (facts read
// in each version's cpufeatures.h) always run.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CPUFEATURE_SOURCES, findSource, HEADER_PATH, makefileVersion, MKCAPFLAGS_PATH, renderTable, sourceDirs, tableFromSource, VMXFEATURES_PATH,
  type SourceFiles,
} from '../../scripts/kernel/cpufeatures-derive.js';
import { cpuFeatureTable } from '../../src/kernel/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function sourceFor(series: string, version: string): SourceFiles | string {
  const dirs = sourceDirs([]);
  const files = findSource(series, dirs);
  if (!files) return `no linux-source-${series} in ${dirs.join(', ')}`;
  const v = makefileVersion(files.makefile);
  return v === version ? files : `${files.from} is Linux ${v}, the table cites ${version}`;
}

/** name by macro, as the kernel's mkcapflags.sh writes x86_cap_flags[] and x86_bug_flags[]. */
function kernelCapflags(files: SourceFiles): Map<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'patchc-mkcapflags-'));
  try {
    for (const [p, text] of [[HEADER_PATH, files.header], [MKCAPFLAGS_PATH, files.script], [VMXFEATURES_PATH, files.vmx]] as const) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
    execFileSync('sh', [MKCAPFLAGS_PATH, 'capflags.c', HEADER_PATH, VMXFEATURES_PATH], { cwd: dir });
    const c = readFileSync(join(dir, 'capflags.c'), 'utf8');
    const arrays = [...c.matchAll(/const char \* const x86_(?:cap|bug)_flags\[[^\]]*\] = \{([^}]*)\}/g)].map((m) => m[1]!);
    expect(arrays).toHaveLength(2);
    const names = new Map<string, string>();
    for (const m of arrays.join('\n').matchAll(/\[(X86_\w+)[^\]]*\]\s*= "([^"]*)"/g)) names.set(m[1]!, m[2]!);
    return names;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.each(CPUFEATURE_SOURCES.map((s) => ({ ...s, source: sourceFor(s.series, s.linuxVersion) })))('linux-$series table', (src) => {
  const skip = typeof src.source === 'string' ? src.source : undefined;
  it.skipIf(skip !== undefined)(`equals what gen-cpufeatures.ts writes from the source${skip ? ` — SKIPPED: ${skip}` : ''}`, () => {
    const files = src.source as SourceFiles;
    const t = tableFromSource(src, [files.from])!;
    const shipped = readFileSync(join(root, 'src/kernel/cpufeatures', `linux-${src.series}.ts`), 'utf8');
    expect(shipped).toBe(renderTable(src, t.table));
  });

  it.skipIf(skip !== undefined)(`has the names the kernel's own mkcapflags.sh gives${skip ? ` — SKIPPED: ${skip}` : ''}`, () => {
    const kernel = kernelCapflags(src.source as SourceFiles);
    const ours = new Map(cpuFeatureTable(src.series).data.entries.filter((e) => e.cpuinfo !== undefined).map((e) => [e.macro, e.cpuinfo!]));
    expect(ours).toEqual(kernel);
    expect(kernel.size).toBeGreaterThan(300);
  });
});

// Facts read in arch/x86/include/asm/cpufeatures.h of 6.1.192 and 6.12.117 (Debian linux-source packages).
describe('spot checks against the headers', () => {
  const t61 = cpuFeatureTable('linux-6.1');
  const t612 = cpuFeatureTable('linux-6.12');
  const entry = (t: typeof t61, m: string) => t.macro(m)!;

  it('sizes: NCAPINTS 22 + NBUGINTS 2 in both', () => {
    for (const t of [t61, t612]) expect([t.data.ncapints, t.data.nbugints, t.words]).toEqual([22, 2, 24]);
    expect(t61.data.entries).toHaveLength(406);
    expect(t612.data.entries).toHaveLength(439);
  });

  it('word*32+bit and X86_BUG(n) = NCAPINTS*32+n', () => {
    expect(entry(t61, 'X86_FEATURE_FPU').bit).toBe(0);
    expect(entry(t61, 'X86_FEATURE_XMM4_2').bit).toBe(4 * 32 + 20);
    expect(entry(t61, 'X86_FEATURE_XENPV').bit).toBe(8 * 32 + 16);
    expect(entry(t61, 'X86_BUG_F00F').bit).toBe(22 * 32);
    expect(entry(t612, 'X86_BUG_SRSO').bit).toBe(22 * 32 + 32); // X86_BUG(1*32 + 0)
    expect(entry(t612, 'X86_BUG_VMSCAPE').bit).toBe(23 * 32 + 10); // X86_BUG( 1*32+10)
    // The same macro on another bit: ( 21*32 + 5) in 6.1, (21*32 + 6) in 6.12.
    expect(entry(t61, 'X86_FEATURE_INDIRECT_THUNK_ITS').bit).toBe(21 * 32 + 5);
    expect(entry(t612, 'X86_FEATURE_INDIRECT_THUNK_ITS').bit).toBe(21 * 32 + 6);
  });

  it('cpuinfo names: quoted names, 6.1 defaults to the lower-cased suffix, 6.12 hides unquoted ones', () => {
    expect(entry(t61, 'X86_FEATURE_XMM').cpuinfo).toBe('sse'); // /* "sse" */
    expect(entry(t61, 'X86_FEATURE_MWAIT').cpuinfo).toBe('monitor');
    expect(entry(t61, 'X86_FEATURE_CONSTANT_TSC').cpuinfo).toBe('constant_tsc'); // no quote: default
    expect(entry(t61, 'X86_FEATURE_AMD_LBR_PMC_FREEZE').cpuinfo).toBe('amd_lbr_pmc_freeze');
    expect(entry(t61, 'X86_BUG_F00F').cpuinfo).toBe('f00f');
    expect(entry(t61, 'X86_FEATURE_ALWAYS').cpuinfo).toBeUndefined(); // /* "" Always-present feature */
    expect(entry(t61, 'X86_FEATURE_RETPOLINE').cpuinfo).toBeUndefined();
    expect(entry(t612, 'X86_FEATURE_CONSTANT_TSC').cpuinfo).toBe('constant_tsc'); // /* "constant_tsc" ... */
    expect(entry(t612, 'X86_FEATURE_ALWAYS').cpuinfo).toBeUndefined(); // /* Always-present feature */
    expect(entry(t612, 'X86_FEATURE_CLEAR_BHB_LOOP').cpuinfo).toBeUndefined();
    // 20*32+31's comment opens on the #define line and closes three lines later: no name on that line.
    expect(entry(t612, 'X86_FEATURE_SRSO_BP_SPEC_REDUCE')).toMatchObject({ bit: 20 * 32 + 31 });
    expect(entry(t612, 'X86_FEATURE_SRSO_BP_SPEC_REDUCE').cpuinfo).toBeUndefined();
    expect(t61.macro('X86_FEATURE_SRSO_BP_SPEC_REDUCE')).toBeUndefined();
  });

  it('"monitor" is a flag and a bug; ESPFIX exists only in 32-bit builds', () => {
    for (const t of [t61, t612]) {
      expect(t.cpuinfoBit('monitor', 'flag')).toBe(4 * 32 + 3);
      expect(t.cpuinfoBit('monitor', 'bug')).toBe(22 * 32 + 12);
      expect(t.macro('x86_bug_espfix')).toEqual({ macro: 'X86_BUG_ESPFIX', bit: 22 * 32 + 9, onlyIf: 'CONFIG_X86_32' });
    }
  });
});
