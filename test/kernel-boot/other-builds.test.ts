// The shipped rule sets on other Debian builds of the same versions (another point release, another flavour:
// scripts/kernel/other-builds.txt), unchanged and from each image alone (symbols from its kallsyms, no System.map):
// each kernel booted under QEMU, patchc given the capability words it tested, and every .parainstructions site
// and every .altinstructions site must equal the booted text, and so must the whole predicted .text/.init.text
// (rules/linux/kernel-*.rules) except runtime-dependent sites, which must hold one of their legal forms. The kernels come from Debian's archive
// (scripts/kernel/fetch-other-builds.sh, run by .ci/run); without them the suite skips and says so.
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyTable } from '../../src/apply/apply.js';
import { loadKernelOrElf, loadSymbols } from '../../src/binary/index.js';
import { buildTables } from '../../src/pipeline/build.js';
import { toHex } from '../../src/table/hex.js';
import { compareAlternatives, type AltKernel } from './altCompare.js';
import { predictVsBooted } from './predictCompare.js';
import { bootedBytesAt, KernelBoot, REPO_DIR } from './truth.js';

const DEST = process.env.PATCHC_OTHER_KERNELS ?? join(process.env.TMPDIR ?? tmpdir(), 'patchc-other-kernels');
const LIST = join(REPO_DIR, 'scripts/kernel/other-builds.txt');

const BUILDS = readFileSync(LIST, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => {
  const [, aptArch, release, rules, caps] = l.trim().split(/\s+/);
  const arch = aptArch === 'i386' ? 'i386' : 'x86_64';
  const kernel: AltKernel & { cpu: string; dir: string } = {
    name: release!,
    dir: join(DEST, release!),
    boot: new KernelBoot({
      dataDir: relative(REPO_DIR, join(DEST, release!)), dataDirEnv: 'PATCHC_OTHER_BUILD_DATA_DIR_UNUSED',
      arch, qemu: arch === 'i386' ? 'qemu-system-i386' : 'qemu-system-x86_64', defaultCpu: arch === 'i386' ? 'qemu32' : 'qemu64', capsOffset: Number(caps),
    }),
    rules: rules!,
    arch,
    altStride: rules!.startsWith('linux-6.12') ? 14 : 12,
    cpu: arch === 'i386' ? 'qemu32' : 'qemu64',
  };
  return kernel;
});

describe.each(BUILDS.map((k) => ({ k, name: k.name, skip: existsSync(k.dir) ? k.boot.skipReason(k.cpu) : `not fetched: run scripts/kernel/fetch-other-builds.sh (${k.dir})` })))(
  'the shipped rules unchanged on Debian $name',
  ({ k, skip }) => {
    it.skipIf(skip !== undefined)(`its booted capability words are plausible (the dump's x86_capability offset fits this build)${skip ? ` (skipped: ${skip})` : ''}`, async () => {
      const booted = await k.boot.bootedText({ cpu: k.cpu });
      const words = new Uint32Array(booted.capsAtAlternatives.buffer.slice(booted.capsAtAlternatives.byteOffset, booted.capsAtAlternatives.byteOffset + 96));
      // X86_FEATURE_FPU (0*32+0) and X86_FEATURE_ALWAYS (3*32+21) are set on every CPU these kernels boot on.
      expect(words[0]! & 1).toBe(1);
      expect((words[3]! >>> 21) & 1).toBe(1);
    }, 600_000);

    it.skipIf(skip !== undefined || k.rules.startsWith('linux-6.12'))(`every .parainstructions site equals the booted kernel${skip ? ` (skipped: ${skip})` : ''}`, async () => {
      const booted = await k.boot.bootedText({ cpu: k.cpu });
      const built = buildTables(`${REPO_DIR}/rules/linux/${k.rules}`, () => [k.arch]);
      expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const bin = await loadKernelOrElf(k.boot.files().vmlinuz);
      const symbols = await loadSymbols(bin.elf, {});
      expect(symbols?.source).toMatch(/^kallsyms/);
      const run = applyTable(bin.elf, built.tables[0]!, symbols);
      expect(run.results.length).toBeGreaterThan(200);
      expect(run.stats.byOutcome.refused).toBe(0);
      const mismatches: string[] = [];
      for (const r of run.results) {
        const truth = bootedBytesAt(booted, r.site.address, r.site.len);
        if (toHex(truth) !== toHex(r.patched)) mismatches.push(`0x${r.site.address.toString(16)} ${r.site.op}: patchc ${toHex(r.patched)}, kernel ${toHex(truth)}`);
      }
      console.log(`${k.name}: ${run.results.length - mismatches.length} / ${run.results.length} paravirt sites equal to the booted kernel`);
      expect(mismatches.slice(0, 20)).toEqual([]);
    }, 600_000);

    it.skipIf(skip !== undefined)(`every .altinstructions site equals the booted kernel${skip ? ` (skipped: ${skip})` : ''}`, async () => {
      const r = await compareAlternatives(k, k.cpu);
      expect(r.mismatches).toEqual([]);
      expect(r.equal).toBe(r.total);
    }, 600_000);

    it.skipIf(skip !== undefined)(`the whole .text/.init.text: every byte predicted or a legal form${skip ? ` (skipped: ${skip})` : ''}`, async () => {
      const r = await predictVsBooted({ ...k, rules: k.rules.replace(/^linux-/, 'kernel-'), systemMap: false }, k.cpu);
      expect(r.wrong).toEqual({});
    }, 600_000);
  },
);
