// The booted kernels' own word on their CPU features, read by patchc two ways: /proc/cpuinfo as each kernel printed
// it under QEMU, and boot_cpu_data.x86_capability as gdb dumped it at the kernel's panic (raw bytes and gdb's
// x/24wx text). scripts/kernel/dump-cpu-features.sh makes the dumps (a few seconds per boot; cached by the
// vmlinuz's sha256 and the script's own contents; test/fixtures/cpu/ holds a copy for the default suite). Run with:
//   npx vitest run --config test/kernel-boot/vitest.config.ts test/kernel-boot/cpu-features.test.ts
// Needs ../shared and qemu-system-x86_64/-i386, gdb, gcc, xz; skips with the reason otherwise.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cpuFeatureTable, parseCpuFeatures, setBits, type CpuFeatureSet } from '../../src/kernel/index.js';
import { compareWithCpuinfo } from '../kernel/cpuFeatureAgreement.js';
import { REPO_DIR } from './truth.js';

const SCRIPT = join(REPO_DIR, 'scripts/kernel/dump-cpu-features.sh');
const INIT = join(REPO_DIR, 'scripts/kernel/cpuinfo-init.c');
const SHARED = join(REPO_DIR, '../shared/linux');

const BOOTS = [
  { kernel: '6.1.0-56-cloud-amd64', table: 'linux-6.1', cpu: 'qemu64', qemu: 'qemu-system-x86_64' },
  { kernel: '6.1.0-56-cloud-amd64', table: 'linux-6.1', cpu: 'max', qemu: 'qemu-system-x86_64' },
  { kernel: '6.12.117+deb12-cloud-amd64', table: 'linux-6.12', cpu: 'qemu64', qemu: 'qemu-system-x86_64' },
  { kernel: '6.12.117+deb12-cloud-amd64', table: 'linux-6.12', cpu: 'max', qemu: 'qemu-system-x86_64' },
  { kernel: '6.1.0-57-686', table: 'linux-6.1', cpu: 'qemu32', qemu: 'qemu-system-i386' },
];

const onPath = (tool: string): boolean => (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, tool)));

function skipReason(kernel: string, qemu: string): string | undefined {
  const dir = join(SHARED, kernel);
  if (!existsSync(dir) || !readdirSync(dir).some((f) => f.startsWith('vmlinuz-'))) return `no kernel in ${dir}`;
  const missing = [qemu, 'gdb', 'gcc', 'xz', 'timeout'].filter((t) => !onPath(t));
  return missing.length ? `missing tools: ${missing.join(', ')}` : undefined;
}

const sha = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** The dump for one kernel and CPU model: cached, or made now. */
async function dump(kernel: string, cpu: string): Promise<string> {
  const dataDir = join(SHARED, kernel);
  const vmlinuz = join(dataDir, readdirSync(dataDir).find((f) => f.startsWith('vmlinuz-'))!);
  const key = sha(sha(readFileSync(vmlinuz)) + sha(readFileSync(SCRIPT)) + sha(readFileSync(INIT))).slice(0, 16);
  const out = join(process.env.PATCHC_KERNEL_BOOT_CACHE ?? join(tmpdir(), 'patchc-kernel-boot'), `cpu-features-${key}`, `${kernel}-${cpu}`);
  const meta = join(out, 'meta.json');
  if (!existsSync(meta) || JSON.parse(readFileSync(meta, 'utf8')).ok !== true) {
    await promisify(execFile)('bash', [SCRIPT, '--data-dir', dataDir, '--cpu', cpu, '--out', out], { timeout: 400_000 });
  }
  return out;
}

function read(dir: string, file: string, table: string): CpuFeatureSet {
  const r = parseCpuFeatures(file, readFileSync(join(dir, file)), cpuFeatureTable(table));
  expect(r.diagnostics).toEqual([]);
  return r.set!;
}

describe.each(BOOTS.map((b) => ({ ...b, skip: skipReason(b.kernel, b.qemu) })))('$kernel on -cpu $cpu', ({ kernel, table, cpu, skip }) => {
  it.skipIf(skip !== undefined)(`cpuinfo and the dumped capability words agree on every bit cpuinfo shows${skip ? ` — SKIPPED: ${skip}` : ''}`, async () => {
    const dir = await dump(kernel, cpu);
    const t = cpuFeatureTable(table);
    const cpuinfo = read(dir, 'cpuinfo.txt', table);
    const raw = read(dir, 'caps.bin', table);
    const gdbText = read(dir, 'caps.txt', table);
    const gdbPrint = read(dir, 'caps.print.txt', table);
    expect([cpuinfo.format, raw.format, gdbText.format, gdbPrint.format]).toEqual(['cpuinfo', 'binary', 'words', 'words']);
    expect([...gdbText.words]).toEqual([...raw.words]);
    expect([...gdbPrint.words]).toEqual([...raw.words]);
    const a = compareWithCpuinfo(cpuinfo, raw);
    expect(a.disagree).toEqual([]);
    expect(a.shown).toBe([...t.cpuinfoNames('flag')].length + [...t.cpuinfoNames('bug')].length);
    // What cpuinfo cannot tell and the kernel set: the part a rule set must supply for format (a).
    expect(a.hiddenSet).toContain('X86_FEATURE_ALWAYS');
    console.log(`${kernel} -cpu ${cpu}: ${setBits(raw.words).length} bits set, ${a.shown} shown bits agree; set but hidden from cpuinfo: ${a.hiddenSet.join(' ')}`);
  }, 420_000);
});
