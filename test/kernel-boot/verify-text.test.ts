// `patchc verify-text` on the booted kernels' dumps (test/kernel-boot/truth.ts): each clean dump — raw with
// --base, and the same memory as an ELF core whose PT_LOAD headers carry the virtual addresses (/proc/kcore's
// form) — is clean; a dump with an injected hook (a 5-byte jmp over a function's first bytes), one with a
// single wrong byte inside a patched alternative, and one with a jump-label site jumping to the wrong target
// are each reported at the right address and symbol, from a saved allow-list (no CPU file then).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { DEBIAN_6_1_I386, DEBIAN_6_1_X86_64, DEBIAN_6_12_X86_64, KernelBoot, REPO_DIR, type BootedText } from './truth.js';

const KERNELS = [
  { name: '6.1.0-56-cloud-amd64', boot: new KernelBoot(DEBIAN_6_1_X86_64), rules: 'kernel-6.1-x86_64.rules', cpus: ['qemu64', 'max'], map: false },
  { name: '6.12.117+deb12-cloud-amd64', boot: new KernelBoot(DEBIAN_6_12_X86_64), rules: 'kernel-6.12-x86_64.rules', cpus: ['qemu64', 'max'], map: false },
  { name: '6.1.0-57-686', boot: new KernelBoot(DEBIAN_6_1_I386), rules: 'kernel-6.1-i386.rules', cpus: ['qemu32', 'max'], map: true },
] as const;

/** An ELF64 core file (ET_CORE) with one PT_LOAD per piece, at its virtual address. */
function elfCore(pieces: { start: bigint; bytes: Uint8Array }[]): Uint8Array {
  const phoff = 64;
  let off = phoff + 56 * pieces.length;
  const size = pieces.reduce((n, p) => n + p.bytes.length, off);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  dv.setUint16(16, 4, true); // ET_CORE
  dv.setUint16(18, 62, true); // EM_X86_64
  dv.setUint32(20, 1, true);
  dv.setBigUint64(32, BigInt(phoff), true);
  dv.setUint16(52, 64, true);
  dv.setUint16(54, 56, true);
  dv.setUint16(56, pieces.length, true);
  pieces.forEach((p, i) => {
    const h = phoff + 56 * i;
    dv.setUint32(h, 1, true); // PT_LOAD
    dv.setUint32(h + 4, 5, true);
    dv.setBigUint64(h + 8, BigInt(off), true);
    dv.setBigUint64(h + 16, p.start, true);
    dv.setBigUint64(h + 32, BigInt(p.bytes.length), true);
    dv.setBigUint64(h + 40, BigInt(p.bytes.length), true);
    out.set(p.bytes, off);
    off += p.bytes.length;
  });
  return out;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'patchc-verify-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(KERNELS.flatMap((k) => k.cpus.map((cpu) => ({ k, name: k.name, cpu, skip: k.boot.skipReason(cpu) }))))('verify-text: the clean dump of $name on -cpu $cpu', ({ k, cpu, skip }) => {
  it.skipIf(skip !== undefined)('is clean, raw with --base and as an ELF core', async () => {
    const booted = await k.boot.bootedText({ cpu });
    const f = k.boot.files();
    const common = ['--rules', join(REPO_DIR, 'rules/linux', k.rules), '--cpu', join(booted.dir, 'caps-alternatives.bin'), ...(k.map ? ['--symbols', f.systemMap] : [])];
    const raw = await cli('verify-text', ...common, f.vmlinuz, join(booted.dir, 'text.bin'), '--base', `0x${booted.textStart.toString(16)}`);
    expect(raw.err).toBe('');
    expect(raw.out).toMatch(/^\d+ bytes compared; 0 finding\(s\)/);
    expect(raw.code).toBe(0);
    if (k.boot.target.arch !== 'x86_64') return;
    const core = join(dir, `${k.name}-${cpu}.core`);
    writeFileSync(core, elfCore([{ start: booted.textStart, bytes: booted.bytes }, { start: booted.initTextStart, bytes: booted.initBytes }]));
    const r = await cli('verify-text', ...common, f.vmlinuz, core, '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.compared).toBe(booted.bytes.length + booted.initBytes.length);
    expect(doc.findings).toEqual([]);
  }, 600_000);
});

const k61 = KERNELS[0];
const skip61 = k61.boot.skipReason('qemu64');
describe.skipIf(skip61 !== undefined)('verify-text: injected changes in the 6.1 x86_64 dump (-cpu qemu64), from a saved allow-list', () => {
  let booted: BootedText;
  let allow: string;
  let sites: { address: string; table: string; length: number; predicted: string; legal: { bytes?: string }[] }[];
  let symbolOf: (name: string) => bigint;
  beforeAll(async () => {
    booted = await k61.boot.bootedText({ cpu: 'qemu64' });
    allow = join(dir, 'allow.json');
    const p = await cli('predict', '--rules', join(REPO_DIR, 'rules/linux', k61.rules), '--cpu', join(booted.dir, 'caps-alternatives.bin'), k61.boot.files().vmlinuz, '--allow-list', allow);
    expect(p.code).toBe(0);
    sites = JSON.parse(readFileSync(allow, 'utf8')).sites;
    const image = await k61.boot.image();
    symbolOf = (name) => image.map.byName.get(name)!;
  }, 600_000);

  async function verifyWith(change: (text: Uint8Array) => void) {
    const text = booted.bytes.slice();
    change(text);
    const file = join(dir, 'text-changed.bin');
    writeFileSync(file, text);
    const r = await cli('verify-text', '--rules', join(REPO_DIR, 'rules/linux', k61.rules), '--allow-list', allow, k61.boot.files().vmlinuz, file, '--base', `0x${booted.textStart.toString(16)}`, '--json');
    return { code: r.code, doc: JSON.parse(r.out) as { findings: { address: string; symbol: string; table?: string; expectedAsm: string; foundAsm: string }[] } };
  }
  const at = (addr: bigint): number => Number(addr - booted.textStart);

  it('the unchanged dump is clean with the allow-list', async () => {
    const r = await verifyWith(() => {});
    expect(r.doc.findings).toEqual([]);
    expect(r.code).toBe(0);
  }, 600_000);

  it('an inline hook (jmp rel32 over the first 5 bytes of vfs_read) is unexplained at vfs_read', async () => {
    const fn = symbolOf('vfs_read');
    const r = await verifyWith((t) => t.set([0xe9, 0x10, 0x20, 0x30, 0x00], at(fn)));
    expect(r.code).toBe(1);
    expect(r.doc.findings.length).toBe(1);
    expect(r.doc.findings[0]!.address).toBe(`0x${fn.toString(16)}`);
    expect(r.doc.findings[0]!.symbol).toBe('vfs_read');
    expect(r.doc.findings[0]!.foundAsm).toMatch(/^jmp /);
    // vfs_read begins with its ftrace site: the hook lies in that site and is not a form it may hold.
    expect(r.doc.findings[0]!.table).toBe('mcount_loc');
  }, 600_000);

  it('a single wrong byte inside a patched alternative is reported at that byte', async () => {
    const s = sites.find((x) => x.table === 'alternatives' && x.length >= 4 && x.address.startsWith('0xffffffff81'))!;
    const addr = BigInt(s.address) + BigInt(s.length - 1);
    const r = await verifyWith((t) => { t[at(addr)] = t[at(addr)]! ^ 0x01; });
    expect(r.code).toBe(1);
    expect(r.doc.findings.map((f) => f.address)).toEqual([`0x${addr.toString(16)}`]);
  }, 600_000);

  it('a jump-label site jumping to the wrong target is reported at the site', async () => {
    const s = sites.find((x) => x.table === 'jump_table' && x.length === 5 && x.address.startsWith('0xffffffff81'))!;
    const addr = BigInt(s.address);
    const r = await verifyWith((t) => t.set([0xe9, 0x01, 0x00, 0x00, 0x00], at(addr)));
    expect(r.code).toBe(1);
    expect(r.doc.findings[0]!.address).toBe(`0x${addr.toString(16)}`);
    expect(r.doc.findings[0]!.table).toBe('jump_table');
  }, 600_000);

  it('a static call site sent to another function is unexplained; sent with its trampoline, it is explained', async () => {
    // A call site of a key whose trampoline is in .text, calling (in the dump) what the trampoline jumps to.
    const s = sites.find((x) => x.table === 'static_call_sites' && x.legal.some((f) => (f as { trampoline?: string }).trampoline) && x.predicted.startsWith('e8') && x.address.startsWith('0xffffffff81'))!;
    expect(s).toBeDefined();
    const addr = BigInt(s.address);
    const tramp = BigInt((s.legal.find((f) => (f as { trampoline?: string }).trampoline) as unknown as { trampoline: string }).trampoline);
    const callTo = (to: bigint, from: bigint, op = 0xe8): number[] => {
      const rel = Number(BigInt.asIntN(32, to - (from + 5n)));
      return [op, rel & 0xff, (rel >>> 8) & 0xff, (rel >>> 16) & 0xff, (rel >>> 24) & 0xff];
    };
    // Another kernel function: a call there was "any function entry" before; it is not where the key points.
    const other = symbolOf('vfs_read');
    const hooked = await verifyWith((t) => t.set(callTo(other, addr), at(addr)));
    expect(hooked.code).toBe(1);
    // The run starts at the first byte that differs (the e8 is the same).
    expect(hooked.doc.findings).toHaveLength(1);
    expect(BigInt(hooked.doc.findings[0]!.address) - addr).toBeLessThan(5n);
    expect(hooked.doc.findings[0]!.table).toBe('static_call_sites');
    // static_call_update() rewrites the trampoline and its sites together: both to vfs_read is explained.
    const updated = await verifyWith((t) => {
      t.set(callTo(other, addr), at(addr));
      t.set(callTo(other, tramp, 0xe9), at(tramp));
    });
    expect(updated.doc.findings).toEqual([]);
    expect(updated.code).toBe(0);
  }, 600_000);

  it('bad input exits 2: a raw dump without --base, a dump of no kernel text', async () => {
    const noBase = await cli('verify-text', '--rules', join(REPO_DIR, 'rules/linux', k61.rules), '--allow-list', allow, k61.boot.files().vmlinuz, join(booted.dir, 'text.bin'));
    expect(noBase.code).toBe(2);
    expect(noBase.err).toMatch(/--base/);
    const elsewhere = await cli('verify-text', '--rules', join(REPO_DIR, 'rules/linux', k61.rules), '--allow-list', allow, k61.boot.files().vmlinuz, join(booted.dir, 'text.bin'), '--base', '0x1000');
    expect(elsewhere.code).toBe(2);
  }, 600_000);
});
