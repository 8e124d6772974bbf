// Sanity of the "truth" (the kernel text as booted under QEMU). Run with:
//   npx vitest run --config test/kernel-boot/vitest.config.ts
// Needs ../shared (the kernel) and qemu-system-x86_64 + gdb (scripts/kernel/apt-packages.txt), unless a
// dump for this vmlinuz is already cached; skips with the reason in the suite name otherwise.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  kernelBootSkipReason, getBootedText, getKernelImage, bootedBytesAt, kernelFiles, diffAgainstElf,
  type BootedText, type KernelImage,
} from './truth.js';
import {
  sectionByName, elfBytesAt, sym, patchRanges, patchCauseMap, parseParaSites, parseSlots,
} from '../../scripts/kernel/kernel-image.js';

const skipReason = kernelBootSkipReason();
if (skipReason) console.warn(`kernel-boot tests skipped: ${skipReason}`);

describe.skipIf(skipReason !== undefined)(
  `booted kernel text${skipReason ? ` — SKIPPED: ${skipReason}` : ''}`,
  () => {
    let booted: BootedText;
    let image: KernelImage;

    beforeAll(async () => {
      [booted, image] = await Promise.all([getBootedText(), getKernelImage()]);
      console.log(
        `booted text: ${booted.cached ? 'cached' : 'fresh'} dump in ${booted.dir}; ` +
          `boot to panic ${booted.meta.seconds.bootToPanic} s, dump ${booted.meta.seconds.dump} s`,
      );
    }, 600_000);

    it('stopped at the hardware breakpoint on panic, for the VFS no-root-fs panic', () => {
      expect(booted.meta.ok).toBe(true);
      expect(BigInt(booted.meta.panic.stoppedAt)).toBe(sym(image.map, 'panic'));
      expect(booted.meta.panic.format).toContain('Unable to mount root fs');
      const serial = readFileSync(join(booted.dir, 'serial.log'), 'latin1');
      expect(serial).toContain('Kernel panic - not syncing: VFS: Unable to mount root fs');
      expect(serial).toContain('Booting paravirtualized kernel on bare hardware');
    });

    it('dumped exactly _text.._etext and _sinittext.._einittext at their link addresses (nokaslr)', () => {
      expect(booted.textStart).toBe(sym(image.map, '_text'));
      expect(booted.bytes.length).toBe(Number(sym(image.map, '_etext') - sym(image.map, '_text')));
      expect(booted.initTextStart).toBe(sym(image.map, '_sinittext'));
      expect(booted.initBytes.length).toBe(Number(sym(image.map, '_einittext') - sym(image.map, '_sinittext')));
      const text = sectionByName(image.sections, '.text');
      expect(text.addr).toBe(booted.textStart);
      expect(text.size).toBe(booted.bytes.length);
    });

    it('the site table and pv_ops in guest memory equal the ELF (no relocation, no runtime pv_ops change)', () => {
      const para = sectionByName(image.sections, '.parainstructions');
      expect(Buffer.compare(Buffer.from(image.elf.subarray(para.offset, para.offset + para.size)),
        Buffer.from(booted.parainstructions))).toBe(0);
      const pvOps = elfBytesAt(image.elf, image.sections, sym(image.map, 'pv_ops'), booted.pvOps.length);
      expect(Buffer.compare(Buffer.from(pvOps), Buffer.from(booted.pvOps))).toBe(0);
    });

    it('a function with no patch site in it is byte-identical to the ELF (sample: sort_r)', () => {
      // lib/sort.c: no paravirt ops, no alternatives; only its ftrace call and returns may be patched
      const { map, elf, sections } = image;
      const start = sym(map, 'sort_r');
      const next = map.sorted.find((s) => s.addr > start)!.addr;
      const len = Number(next - start);
      expect(len).toBeGreaterThan(200);
      const { map: causes } = patchCauseMap(patchRanges(elf, sections, map), start, len);
      const orig = elfBytesAt(elf, sections, start, len);
      const now = bootedBytesAt(booted, start, len);
      let same = 0;
      let patchedBytes = 0;
      for (let i = 0; i < len; i++) {
        if (causes[i] !== 0) { patchedBytes++; continue; }
        expect(now[i], `sort_r+0x${i.toString(16)}`).toBe(orig[i]);
        same++;
      }
      expect(same).toBeGreaterThan(len * 0.8);
      expect(patchedBytes).toBeLessThan(len * 0.2);
    });

    it('every byte that differs from the ELF lies in a known boot-time patch site', () => {
      for (const { size, differ, unexplained } of diffAgainstElf(image, booted)) {
        expect(unexplained).toEqual([]);
        expect(differ).toBeLessThan(size * 0.1); // ~3% in practice
        expect(differ).toBeGreaterThan(0);
      }
    });

    it('every paravirt site was patched: no site still holds its indirect call through pv_ops', () => {
      const sites = parseParaSites(booted.parainstructions);
      const slots = parseSlots(readFileSync(kernelFiles().slots, 'utf8'));
      expect(sites.length).toBe(3679);
      for (const s of sites) {
        expect(slots.some((x) => x.index === s.type), `site type ${s.type}`).toBe(true);
        const now = bootedBytesAt(booted, s.instr, s.len);
        const orig = elfBytesAt(image.elf, image.sections, s.instr, s.len);
        expect(orig[0] === 0xff && orig[1] === 0x15, `ELF site 0x${s.instr.toString(16)}`).toBe(true);
        expect(Buffer.compare(Buffer.from(now), Buffer.from(orig)), `site 0x${s.instr.toString(16)}`).not.toBe(0);
      }
    });
  },
);
