// The "truth": the kernel text as a Debian 6.1 kernel (x86_64 by default, or i386) patched itself at boot,
// observed under QEMU.
//
//   const reason = kernelBootSkipReason();           // string when it cannot be had here, else undefined
//   const booted = await getBootedText();            // boots once (~5-15 s) or reuses the cached dump
//   await getBootedText({ cpu: 'max' })              // the same on another QEMU CPU model (default qemu64)
//   booted.capsAtAlternatives                        // boot_cpu_data.x86_capability as apply_alternatives() saw it
//   booted.textStart, booted.bytes                   // _text .. _etext as booted
//   bootedBytesAt(booted, addr, len)                 // works for .text and .init.text addresses
//   const { elf, sections, map } = await getKernelImage();   // the ELF vmlinux inside the bzImage, System.map
//
//   const i386 = new KernelBoot(DEBIAN_6_1_I386);     // the same for another kernel: i386.skipReason(),
//                                                    // i386.bootedText({ cpu }), i386.image(), i386.files()
//
// The dump is made by scripts/kernel/dump-booted-text.sh and cached in
// $PATCHC_KERNEL_BOOT_CACHE (default <os tmpdir>/patchc-kernel-boot)/<sha256 of vmlinuz>-<dumpVariant(cpu)>/.
// Set PATCHC_KERNEL_BOOT_REFRESH=1 to force a new boot, PATCHC_KERNEL_DATA_DIR (x86_64) or
// PATCHC_KERNEL_DATA_DIR_I386 to use other kernel data.
import { createHash } from 'node:crypto';
import { loadKernelOrElf } from '../../src/binary/index.js';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  elfBytesAt, extractVmlinux, parseSections, parseSystemMap, patchCauseMap, patchRanges, readSystemMapText, sym,
  type Section, type SystemMap,
} from '../../scripts/kernel/kernel-image.js';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_DIR = resolve(here, '../..');
export const DUMP_SCRIPT = join(REPO_DIR, 'scripts/kernel/dump-booted-text.sh');
const BOOT_TIMEOUT_S = 300;
/** Part of the cache key: change the version when the dump script's guest setup or outputs change. */
// v3: caps-alternatives.bin taken at the apply_alternatives() call for __alt_instructions, not the first call.
export const dumpVariant = (cpu: string): string => `v3-tcg-${cpu}-smp2`;

/** One kernel booted for the truth: where its data is, how it is booted (the dump script's --arch, --cpu). */
export interface BootTarget {
  /** default data dir, relative to the repository */
  dataDir: string;
  /** environment variable that overrides the data dir */
  dataDirEnv: string;
  arch: 'x86_64' | 'i386';
  /** qemu binary the dump script runs for this arch (its default) */
  qemu: string;
  /** QEMU CPU model when none is asked for (the dump script's default for this arch) */
  defaultCpu: string;
  /** x86_capability's offset in struct cpuinfo_x86 when not the dump script's default (6.1's 40 / 36) */
  capsOffset?: number;
}

export const DEBIAN_6_1_X86_64: BootTarget = {
  dataDir: '../shared/linux/6.1.0-56-cloud-amd64', dataDirEnv: 'PATCHC_KERNEL_DATA_DIR',
  arch: 'x86_64', qemu: 'qemu-system-x86_64', defaultCpu: 'qemu64',
};
export const DEBIAN_6_1_I386: BootTarget = {
  dataDir: '../shared/linux/6.1.0-57-686', dataDirEnv: 'PATCHC_KERNEL_DATA_DIR_I386',
  arch: 'i386', qemu: 'qemu-system-i386', defaultCpu: 'qemu32',
};
/** 6.12: x86_capability at 48 in struct cpuinfo_x86 (DWARF); no .parainstructions (its dump is empty). */
export const DEBIAN_6_12_X86_64: BootTarget = {
  dataDir: '../shared/linux/6.12.117+deb12-cloud-amd64', dataDirEnv: 'PATCHC_KERNEL_DATA_DIR_6_12',
  arch: 'x86_64', qemu: 'qemu-system-x86_64', defaultCpu: 'qemu64', capsOffset: 48,
};
export const DEFAULT_CPU = DEBIAN_6_1_X86_64.defaultCpu;
/** The x86_64 target's cache key part on its default CPU (kept under its old name). */
export const DUMP_VARIANT = dumpVariant(DEFAULT_CPU);

function findIn(dir: string, prefix: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const f = readdirSync(dir).find((x) => x.startsWith(prefix));
  return f ? join(dir, f) : undefined;
}

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, tool)));
}

export interface BootedTextMeta {
  ok: boolean;
  failures: string;
  vmlinuzSha256: string;
  symbols: Record<string, string>;
  dumps: Record<string, { file: string; start: string; size: number; sha256: string }>;
  panic: { stoppedAt: string; format: string; serialLine: string };
  qemu: { version: string; args: string; cpu: string; smp: number; mem: string };
  seconds: { bootToPanic: number; dump: number; total: number };
  [k: string]: unknown;
}

export interface BootedText {
  /** _text */
  textStart: bigint;
  /** guest memory _text .. _etext at the `panic` breakpoint */
  bytes: Uint8Array;
  /** _sinittext */
  initTextStart: bigint;
  /** guest memory _sinittext .. _einittext (.init.text is not freed yet when the VFS panic happens) */
  initBytes: Uint8Array;
  /** guest memory __parainstructions .. __parainstructions_end */
  parainstructions: Uint8Array;
  /** guest memory pv_ops (84 pointers) */
  pvOps: Uint8Array;
  /** boot_cpu_data.x86_capability (24 words, raw) on entry to apply_alternatives(), and at panic */
  capsAtAlternatives: Uint8Array;
  capsAtPanic: Uint8Array;
  /** booted-text.json written by the dump script */
  meta: BootedTextMeta;
  /** directory holding the dump (text.bin, serial.log, ...) */
  dir: string;
  /** true when this call reused an existing dump */
  cached: boolean;
}

function validCachedDump(dir: string): boolean {
  try {
    const meta = JSON.parse(readFileSync(join(dir, 'booted-text.json'), 'utf8')) as BootedTextMeta;
    if (!meta.ok) return false;
    for (const d of Object.values(meta.dumps)) {
      if (statSync(join(dir, d.file)).size !== d.size) return false;
    }
    return true;
  } catch {
    return false;
  }
}

function loadDump(dir: string, cached: boolean): BootedText {
  const meta = JSON.parse(readFileSync(join(dir, 'booted-text.json'), 'utf8')) as BootedTextMeta;
  const file = (k: string) => new Uint8Array(readFileSync(join(dir, meta.dumps[k]!.file)));
  return {
    textStart: BigInt(meta.dumps.text!.start),
    bytes: file('text'),
    initTextStart: BigInt(meta.dumps.initText!.start),
    initBytes: file('initText'),
    parainstructions: file('parainstructions'),
    pvOps: file('pvOps'),
    capsAtAlternatives: file('capsAtAlternatives'),
    capsAtPanic: file('capsAtPanic'),
    meta,
    dir,
    cached,
  };
}

/** One target's data, its boots (one per CPU model, cached on disk by vmlinuz sha256 + variant) and its image. */
export class KernelBoot {
  private shaMemo: string | undefined;
  private readonly bootedMemo = new Map<string, Promise<BootedText>>();
  private imageMemo: Promise<KernelImage> | undefined;

  constructor(readonly target: BootTarget) {}

  dataDir(): string {
    return resolve(process.env[this.target.dataDirEnv] ?? join(REPO_DIR, this.target.dataDir));
  }

  files(): { dataDir: string; vmlinuz: string; systemMap: string; slots: string } {
    const dataDir = this.dataDir();
    const vmlinuz = findIn(dataDir, 'vmlinuz-');
    const systemMap = findIn(dataDir, 'System.map-');
    if (!vmlinuz || !systemMap) throw new Error(`no vmlinuz-* / System.map-* in ${dataDir}`);
    return { dataDir, vmlinuz, systemMap, slots: join(dataDir, 'pv_ops-slots.tsv') };
  }

  cacheDir(cpu = this.target.defaultCpu): string {
    this.shaMemo ??= createHash('sha256').update(readFileSync(this.files().vmlinuz)).digest('hex');
    const root = process.env.PATCHC_KERNEL_BOOT_CACHE ?? join(tmpdir(), 'patchc-kernel-boot');
    return join(root, `${this.shaMemo}-${dumpVariant(cpu)}`);
  }

  /** Why the booted kernel text cannot be had on this machine, or undefined when it can. */
  skipReason(cpu = this.target.defaultCpu): string | undefined {
    const dataDir = this.dataDir();
    if (!existsSync(dataDir)) return `kernel data not found: ${dataDir} (../shared is not beside the checkout)`;
    try {
      this.files();
    } catch (e) {
      return (e as Error).message;
    }
    if (process.env.PATCHC_KERNEL_BOOT_REFRESH !== '1' && validCachedDump(this.cacheDir(cpu))) return undefined;
    const missing = [this.target.qemu, 'gdb', 'xz', 'timeout', 'sha256sum'].filter((t) => !onPath(t));
    if (missing.length) return `missing tools: ${missing.join(', ')} (apt-get install $(grep -v '^#' scripts/kernel/apt-packages.txt))`;
    return undefined;
  }

  private runDumpScript(outDir: string, cpu: string): Promise<void> {
    const { vmlinuz, systemMap, dataDir } = this.files();
    return new Promise((resolvePromise, reject) => {
      execFile(
        'bash',
        [DUMP_SCRIPT, '--data-dir', dataDir, '--vmlinuz', vmlinuz, '--system-map', systemMap, '--out', outDir,
          '--arch', this.target.arch, '--cpu', cpu, '--timeout', String(BOOT_TIMEOUT_S),
          ...(this.target.capsOffset !== undefined ? ['--caps-offset', String(this.target.capsOffset)] : [])],
        { timeout: (BOOT_TIMEOUT_S + 120) * 1000, killSignal: 'SIGTERM', maxBuffer: 16 * 1024 * 1024 },
        (err, _stdout, stderr) => {
          if (err) reject(new Error(`dump-booted-text.sh failed (${err.message.split('\n')[0]}):\n${stderr}`));
          else resolvePromise();
        },
      );
    });
  }

  /**
   * The booted kernel text: reuses the dump cached for this vmlinuz (sha256) when it is complete, otherwise
   * boots the kernel under QEMU (scripts/kernel/dump-booted-text.sh) into a temporary directory and moves it
   * into the cache atomically (so concurrent callers never see half a dump).
   */
  bootedText(opts: { refresh?: boolean; cpu?: string } = {}): Promise<BootedText> {
    const cpu = opts.cpu ?? this.target.defaultCpu;
    const known = this.bootedMemo.get(cpu);
    if (!opts.refresh && known) return known;
    const memo = (async () => {
      const dir = this.cacheDir(cpu);
      const refresh = opts.refresh || process.env.PATCHC_KERNEL_BOOT_REFRESH === '1';
      if (!refresh && validCachedDump(dir)) return loadDump(dir, true);
      mkdirSync(dirname(dir), { recursive: true });
      const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
      try {
        await this.runDumpScript(tmp, cpu);
        if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
        try {
          renameSync(tmp, dir);
        } catch (e) {
          if (!validCachedDump(dir)) throw e; // someone else won the race with a good dump: use theirs
        }
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
      return loadDump(dir, false);
    })();
    this.bootedMemo.set(cpu, memo);
    memo.catch(() => { if (this.bootedMemo.get(cpu) === memo) this.bootedMemo.delete(cpu); });
    return memo;
  }

  /** The ELF inside the bzImage (extracted in-process or by `xz`, ~1 s; zstd through patchc's loader) and the System.map. */
  image(): Promise<KernelImage> {
    this.imageMemo ??= (async () => {
      const { vmlinuz, systemMap } = this.files();
      const raw = new Uint8Array(readFileSync(vmlinuz));
      // The script's reader knows LZ4 legacy and xz (6.1); 6.12's zstd payload goes through src/binary.
      const zstd = raw.length > 0x250 && raw[0x202] === 0x48 && !hasLz4OrXzPayload(raw);
      const elf = zstd ? (await loadKernelOrElf(vmlinuz)).elf.data : extractVmlinux(raw);
      const map = parseSystemMap(readSystemMapText(systemMap));
      return { elf, sections: parseSections(elf), map, textStart: sym(map, '_text'), textEnd: sym(map, '_etext') };
    })();
    return this.imageMemo;
  }
}

const defaultBoot = new KernelBoot(DEBIAN_6_1_X86_64);
export const kernelDataDir = (): string => defaultBoot.dataDir();
export const kernelFiles = (): ReturnType<KernelBoot['files']> => defaultBoot.files();
export const cacheDir = (cpu?: string): string => defaultBoot.cacheDir(cpu);
export const kernelBootSkipReason = (cpu?: string): string | undefined => defaultBoot.skipReason(cpu);
export const getBootedText = (opts: { refresh?: boolean; cpu?: string } = {}): Promise<BootedText> => defaultBoot.bootedText(opts);
export const getKernelImage = (): Promise<KernelImage> => defaultBoot.image();

/** Booted bytes at [addr, addr+len) in .text or .init.text. */
export function bootedBytesAt(b: BootedText, addr: bigint, len: number): Uint8Array {
  for (const [start, bytes] of [[b.textStart, b.bytes], [b.initTextStart, b.initBytes]] as const) {
    if (addr >= start && addr + BigInt(len) <= start + BigInt(bytes.length)) {
      const o = Number(addr - start);
      return bytes.subarray(o, o + len);
    }
  }
  throw new Error(`0x${addr.toString(16)} (+${len}) is not in the booted .text or .init.text`);
}

export interface KernelImage {
  /** the ELF vmlinux extracted from the bzImage */
  elf: Uint8Array;
  sections: Section[];
  map: SystemMap;
  textStart: bigint;
  textEnd: bigint;
}

/**
 * Per dumped range (.text, .init.text): how many bytes differ from the ELF, and the first addresses (up to 10)
 * of those no boot-time patch table of the ELF covers (scripts/kernel/kernel-image.ts, patchRanges).
 */
export function diffAgainstElf(image: KernelImage, booted: BootedText): { start: bigint; size: number; differ: number; unexplained: string[] }[] {
  const ranges = patchRanges(image.elf, image.sections, image.map);
  return ([[booted.textStart, booted.bytes], [booted.initTextStart, booted.initBytes]] as const).map(([start, bytes]) => {
    const orig = elfBytesAt(image.elf, image.sections, start, bytes.length);
    const { map: causes } = patchCauseMap(ranges, start, bytes.length);
    let differ = 0;
    const unexplained: string[] = [];
    for (let i = 0; i < bytes.length; i++) {
      if (orig[i] === bytes[i]) continue;
      differ++;
      if (causes[i] === 0 && unexplained.length < 10) unexplained.push(`0x${(start + BigInt(i)).toString(16)}`);
    }
    return { start, size: bytes.length, differ, unexplained };
  });
}

/** Whether the bzImage's payload starts with the LZ4 legacy or xz magic (what extractVmlinux reads). */
function hasLz4OrXzPayload(bz: Uint8Array): boolean {
  const dv = new DataView(bz.buffer, bz.byteOffset, bz.byteLength);
  const setupSects = bz[0x1f1] || 4;
  const at = (setupSects + 1) * 512 + dv.getUint32(0x248, true);
  const m = bz.subarray(at, at + 6);
  return (m[0] === 0x02 && m[1] === 0x21 && m[2] === 0x4c && m[3] === 0x18) || (m[0] === 0xfd && m[1] === 0x37 && m[2] === 0x7a && m[3] === 0x58 && m[4] === 0x5a && m[5] === 0x00);
}
