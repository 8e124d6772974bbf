// The "truth": the kernel text as the Debian 6.1 kernel patched itself at boot, observed under QEMU.
//
//   const reason = kernelBootSkipReason();           // string when it cannot be had here, else undefined
//   const booted = await getBootedText();            // boots once (~5-15 s) or reuses the cached dump
//   await getBootedText({ cpu: 'max' })              // the same on another QEMU CPU model (default qemu64)
//   booted.capsAtAlternatives                        // boot_cpu_data.x86_capability as apply_alternatives() saw it
//   booted.textStart, booted.bytes                   // _text .. _etext as booted
//   bootedBytesAt(booted, addr, len)                 // works for .text and .init.text addresses
//   const { elf, sections, map } = await getKernelImage();   // the ELF vmlinux inside the bzImage, System.map
//
// The dump is made by scripts/kernel/dump-booted-text.sh and cached in
// $PATCHC_KERNEL_BOOT_CACHE (default <os tmpdir>/patchc-kernel-boot)/<sha256 of vmlinuz>-<dumpVariant(cpu)>/.
// Set PATCHC_KERNEL_BOOT_REFRESH=1 to force a new boot, PATCHC_KERNEL_DATA_DIR to use other kernel data.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  extractVmlinux, parseSections, parseSystemMap, readSystemMapText, sym,
  type Section, type SystemMap,
} from '../../scripts/kernel/kernel-image.js';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_DIR = resolve(here, '../..');
export const DUMP_SCRIPT = join(REPO_DIR, 'scripts/kernel/dump-booted-text.sh');
/** Part of the cache key: change the version when the dump script's guest setup or outputs change. */
export const dumpVariant = (cpu: string): string => `v2-tcg-${cpu}-smp2`;
export const DEFAULT_CPU = 'qemu64';
const BOOT_TIMEOUT_S = 300;

export function kernelDataDir(): string {
  return resolve(process.env.PATCHC_KERNEL_DATA_DIR ?? join(REPO_DIR, '../shared/linux/6.1.0-56-cloud-amd64'));
}

function findIn(dir: string, prefix: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const f = readdirSync(dir).find((x) => x.startsWith(prefix));
  return f ? join(dir, f) : undefined;
}

export function kernelFiles(): { dataDir: string; vmlinuz: string; systemMap: string; slots: string } {
  const dataDir = kernelDataDir();
  const vmlinuz = findIn(dataDir, 'vmlinuz-');
  const systemMap = findIn(dataDir, 'System.map-');
  if (!vmlinuz || !systemMap) throw new Error(`no vmlinuz-* / System.map-* in ${dataDir}`);
  return { dataDir, vmlinuz, systemMap, slots: join(dataDir, 'pv_ops-slots.tsv') };
}

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, tool)));
}

let vmlinuzShaMemo: string | undefined;
function vmlinuzSha256(): string {
  vmlinuzShaMemo ??= createHash('sha256').update(readFileSync(kernelFiles().vmlinuz)).digest('hex');
  return vmlinuzShaMemo;
}

export function cacheDir(cpu = DEFAULT_CPU): string {
  const root = process.env.PATCHC_KERNEL_BOOT_CACHE ?? join(tmpdir(), 'patchc-kernel-boot');
  return join(root, `${vmlinuzSha256()}-${dumpVariant(cpu)}`);
}

/** Why the booted kernel text cannot be had on this machine, or undefined when it can. */
export function kernelBootSkipReason(cpu = DEFAULT_CPU): string | undefined {
  const dataDir = kernelDataDir();
  if (!existsSync(dataDir)) return `kernel data not found: ${dataDir} (../shared is not beside the checkout)`;
  try {
    kernelFiles();
  } catch (e) {
    return (e as Error).message;
  }
  if (process.env.PATCHC_KERNEL_BOOT_REFRESH !== '1' && validCachedDump(cacheDir(cpu))) return undefined;
  const missing = ['qemu-system-x86_64', 'gdb', 'xz', 'timeout', 'sha256sum'].filter((t) => !onPath(t));
  if (missing.length) return `missing tools: ${missing.join(', ')} (apt-get install $(grep -v '^#' scripts/kernel/apt-packages.txt))`;
  return undefined;
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

function runDumpScript(outDir: string, cpu: string): Promise<void> {
  const { vmlinuz, systemMap, dataDir } = kernelFiles();
  return new Promise((resolvePromise, reject) => {
    execFile(
      'bash',
      [DUMP_SCRIPT, '--data-dir', dataDir, '--vmlinuz', vmlinuz, '--system-map', systemMap, '--out', outDir,
        '--timeout', String(BOOT_TIMEOUT_S), '--cpu', cpu],
      { timeout: (BOOT_TIMEOUT_S + 120) * 1000, killSignal: 'SIGTERM', maxBuffer: 16 * 1024 * 1024 },
      (err, _stdout, stderr) => {
        if (err) reject(new Error(`dump-booted-text.sh failed (${err.message.split('\n')[0]}):\n${stderr}`));
        else resolvePromise();
      },
    );
  });
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

const bootedMemo = new Map<string, Promise<BootedText>>();

/**
 * The booted kernel text: reuses the dump cached for this vmlinuz (sha256) when it is complete, otherwise
 * boots the kernel under QEMU (scripts/kernel/dump-booted-text.sh) into a temporary directory and moves it
 * into the cache atomically (so concurrent callers never see half a dump).
 */
export function getBootedText(opts: { refresh?: boolean; cpu?: string } = {}): Promise<BootedText> {
  const cpu = opts.cpu ?? DEFAULT_CPU;
  const memo = bootedMemo.get(cpu);
  if (!opts.refresh && memo) return memo;
  const booting = (async () => {
    const dir = cacheDir(cpu);
    const refresh = opts.refresh || process.env.PATCHC_KERNEL_BOOT_REFRESH === '1';
    if (!refresh && validCachedDump(dir)) return loadDump(dir, true);
    mkdirSync(dirname(dir), { recursive: true });
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    try {
      await runDumpScript(tmp, cpu);
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
  bootedMemo.set(cpu, booting);
  booting.catch(() => bootedMemo.delete(cpu));
  return booting;
}

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

let imageMemo: Promise<KernelImage> | undefined;

/** The ELF inside the bzImage (extracted in-process, ~1 s) and the System.map. */
export function getKernelImage(): Promise<KernelImage> {
  imageMemo ??= (async () => {
    const { vmlinuz, systemMap } = kernelFiles();
    const elf = extractVmlinux(new Uint8Array(readFileSync(vmlinuz)));
    const map = parseSystemMap(readSystemMapText(systemMap));
    return { elf, sections: parseSections(elf), map, textStart: sym(map, '_text'), textEnd: sym(map, '_etext') };
  })();
  return imageMemo;
}
