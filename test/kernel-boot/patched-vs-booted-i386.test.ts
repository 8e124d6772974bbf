// The truth test for i386: patchc applied to Debian's 6.1 686 vmlinuz with rules/linux/linux-6.1-i386.rules must
// leave every .parainstructions site exactly as the kernel left it when it booted under `qemu-system-i386
// -cpu qemu32` (guest memory dumped at `panic`). One boot (~10 s under TCG, at most 300 s), cached by vmlinuz sha256.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyTable, type ApplyRun } from '../../src/apply/apply.js';
import { replacementKind, type ReplacementKind } from '../../src/apply/report.js';
import { loadKernelOrElf, loadSymbols } from '../../src/binary/index.js';
import { loadRuleSet } from '../../src/model/load.js';
import { compileTables } from '../../src/table/compile.js';
import { toHex } from '../../src/table/hex.js';
import {
  elfBytesAt, elfPointerSize, parseParaSites, patchRanges, sectionByName, sym, type PatchCause,
} from '../../scripts/kernel/kernel-image.js';
import { bootedBytesAt, DEBIAN_6_1_I386, diffAgainstElf, KernelBoot, REPO_DIR, type BootedText, type KernelImage } from './truth.js';

const boot = new KernelBoot(DEBIAN_6_1_I386);
const skip = boot.skipReason();
if (skip) console.warn(`i386 kernel-boot tests skipped: ${skip}`);

describe.skipIf(skip !== undefined)(`patchc vs the booted i386 kernel${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let booted: BootedText;
  let image: KernelImage;
  let run: ApplyRun;

  beforeAll(async () => {
    [booted, image] = await Promise.all([boot.bootedText(), boot.image()]);
    console.log(
      `i386 booted text: ${booted.cached ? 'cached' : 'fresh'} dump in ${booted.dir}; ` +
        `boot to panic ${booted.meta.seconds.bootToPanic} s, dump ${booted.meta.seconds.dump} s`,
    );
    const loaded = loadRuleSet(`${REPO_DIR}/rules/linux/linux-6.1-i386.rules`);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const compiled = compileTables(loaded.ruleset, ['i386'], loaded.sources);
    expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const files = boot.files();
    const bin = await loadKernelOrElf(files.vmlinuz);
    // Symbols from the image alone, as `patchc apply` without --symbols: kallsyms (text only in this build)
    // plus __ksymtab for pv_ops.
    const symbols = await loadSymbols(bin.elf);
    expect(symbols?.source).toBe('kallsyms+ksymtab');
    run = applyTable(bin.elf, compiled.tables[0]!, symbols);
  }, 600_000);

  it('booted as a 32-bit kernel on bare hardware and stopped at panic for the VFS no-root-fs panic', () => {
    expect(booted.meta.ok).toBe(true);
    expect(booted.meta.arch).toBe('i386');
    expect(booted.meta.qemu.cpu).toBe('qemu32');
    expect(elfPointerSize(image.elf)).toBe(4);
    expect(BigInt(booted.meta.panic.stoppedAt)).toBe(sym(image.map, 'panic'));
    expect(booted.meta.panic.format).toContain('Unable to mount root fs');
    const serial = readFileSync(join(booted.dir, 'serial.log'), 'latin1');
    expect(serial).toContain('Booting paravirtualized kernel on bare hardware');
    expect(serial).toContain('Kernel panic - not syncing: VFS: Unable to mount root fs');
  });

  it('the site table and pv_ops in guest memory equal the ELF (no relocation, no runtime pv_ops change)', () => {
    const para = sectionByName(image.sections, '.parainstructions');
    expect(toHex(booted.parainstructions)).toBe(toHex(image.elf.subarray(para.offset, para.offset + para.size)));
    expect(booted.pvOps.length).toBe(13 * 4);
    expect(toHex(booted.pvOps)).toBe(toHex(elfBytesAt(image.elf, image.sections, sym(image.map, 'pv_ops'), 52)));
  });

  it('every byte that differs from the ELF lies in a known boot-time patch site (the dump is the patched text)', () => {
    for (const { size, differ, unexplained } of diffAgainstElf(image, booted)) {
      expect(unexplained).toEqual([]);
      expect(differ).toBeGreaterThan(0);
      expect(differ).toBeLessThan(size * 0.1); // 1.9% of .text, 3.0% of .init.text in this build
    }
  });

  it('every .parainstructions site equals the booted kernel, byte for byte', () => {
    expect(run.results.length).toBe(264);
    const mismatches: string[] = [];
    for (const r of run.results) {
      const truth = bootedBytesAt(booted, r.site.address, r.site.len);
      if (toHex(truth) !== toHex(r.patched)) {
        mismatches.push(`0x${r.site.address.toString(16)} ${r.site.op}: patchc ${toHex(r.patched)} (${r.outcome}${r.reason ? `: ${r.reason}` : ''}), kernel ${toHex(truth)}`);
      }
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(run.stats.byOutcome.refused).toBe(0);
    const kinds: Record<ReplacementKind, number> = { inline: 0, call: 0, nops: 0, unchanged: 0 };
    for (let i = 0; i < run.sites.count; i++) kinds[replacementKind(run, i)]++;
    console.log(`i386: ${run.results.length} sites: ${kinds.inline} inline, ${kinds.call} direct call, ${kinds.nops} NOPs, ${kinds.unchanged} unchanged; all equal to the booted kernel`);
    expect(kinds).toEqual({ inline: 53, call: 207, nops: 4, unchanged: 0 });
  });

  it('no other boot-time patch table writes over a paravirt site except the lock ops\' ALTERNATIVEs', () => {
    // The rules model the ALTERNATIVE pass; any other table over a site (ftrace, jump labels, static calls,
    // retpolines, returns) would be bytes the comparison above could not attribute to paravirt patching.
    const ranges = patchRanges(image.elf, image.sections, image.map).filter((r) => r.cause !== 'paravirt');
    const para = sectionByName(image.sections, '.parainstructions');
    const sites = parseParaSites(image.elf.subarray(para.offset, para.offset + para.size), 4);
    const over = new Map<string, number>();
    for (const s of sites) {
      const causes = new Set<PatchCause>();
      for (const r of ranges) if (r.addr < s.instr + BigInt(s.len) && s.instr < r.addr + BigInt(r.len)) causes.add(r.cause);
      for (const c of causes) { const k = `${c} over slot ${s.type}`; over.set(k, (over.get(k) ?? 0) + 1); }
    }
    // slot 9 = lock.queued_spin_unlock (44 sites), 12 = lock.vcpu_is_preempted (9 sites)
    expect(Object.fromEntries(over)).toEqual({ 'alternative over slot 9': 44, 'alternative over slot 12': 9 });
  });
});
