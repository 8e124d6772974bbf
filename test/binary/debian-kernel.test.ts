// The real thing: Debian's 6.1.0-56-cloud-amd64 vmlinuz (LZ4 legacy payload) and its System.map.xz,
// from ../shared (present in CI). Checked against `lz4 -dc`, readelf and xz.

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSection, isExecutable, sectionAtVaddr, vaddrToOffset } from '../../src/binary/elf/layout.js';
import { checkSymbolsMatch, loadSystemMap } from '../../src/binary/systemMap.js';
import type { SymbolTable } from '../../src/binary/symbols.js';
import { loadKernelOrElf, readBzImageHeader, type LoadedBinary } from '../../src/binary/vmlinuz.js';
import { haveSharedKernel, makeTempDir, readelfSections, run, runAnyStatus, sharedKernelDir } from './fixtures.js';

const VMLINUZ = path.join(sharedKernelDir, 'vmlinuz-6.1.0-56-cloud-amd64');
const SYSTEM_MAP = path.join(sharedKernelDir, 'System.map-6.1.0-56-cloud-amd64.xz');
const skipNote = haveSharedKernel ? '' : ` [SKIPPED: ${sharedKernelDir} is absent]`;
// The default reporter only counts skipped tests; say why where everyone sees it.
if (!haveSharedKernel) console.warn(`test/binary/debian-kernel.test.ts: skipping the real-kernel tests: ${sharedKernelDir} is absent`);

describe.skipIf(!haveSharedKernel)(`Debian 6.1.0-56-cloud-amd64${skipNote}`, () => {
  let k: LoadedBinary;
  let map: SymbolTable;
  let extractMs = 0;
  let tmp: ReturnType<typeof makeTempDir>;

  beforeAll(async () => {
    tmp = makeTempDir('patchc-debian-');
    const t0 = performance.now();
    k = await loadKernelOrElf(VMLINUZ);
    extractMs = performance.now() - t0;
    map = await loadSystemMap(SYSTEM_MAP);
  });
  afterAll(() => tmp?.cleanup());

  it('extracts the vmlinux from the LZ4 legacy payload the setup header declares', () => {
    expect(k.container).toBe('bzImage');
    expect(k.kernel).toMatchObject({ compression: 'lz4-legacy', locatedBy: 'setup-header' });
    expect(k.elf.arch).toBe('x86_64');
    expect(k.elf.header.class).toBe(64);
    // Generous bound; typically ~0.3-0.6 s for 53 MB.
    expect(extractMs).toBeLessThan(10_000);
  });

  it('is byte-identical to `lz4 -dc` of the same payload, and readelf -S agrees with our section list', () => {
    const img = readFileSync(VMLINUZ);
    const hdr = readBzImageHeader(img)!;
    expect(k.kernel!.payloadOffset).toBe(hdr.payload!.offset);
    // lz4 exits 1 on the size word Linux appends after the frame, having written the whole output.
    const ref = runAnyStatus('lz4', ['-dc'], img.subarray(hdr.payload!.offset, hdr.payload!.offset + hdr.payload!.length));
    const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
    expect(k.elf.data.length).toBe(ref.length);
    expect(sha(k.elf.data)).toBe(sha(ref));
    const refFile = path.join(tmp.dir, 'vmlinux');
    writeFileSync(refFile, ref);
    const sections = readelfSections(refFile);
    expect(k.elf.sections.map((s) => [s.name, s.addr, s.offset, s.size])).toEqual(sections.map((s) => [s.name, s.addr, s.offset, s.size]));
    expect(k.elf.sections.length).toBe(39);
    // x86 appends the relocation table after the ELF: the declared extent ends before the data does.
    expect(k.elf.extent).toBeLessThan(k.elf.data.length);
  });

  it('System.map.xz: every line parsed; symbols agree with xz+grep and land in the right sections', () => {
    const text = run('xz', ['-dc', SYSTEM_MAP]).toString('latin1');
    expect(map.size).toBe(text.trim().split('\n').length);
    const grep = (name: string): bigint => BigInt(`0x${new RegExp(`^([0-9a-f]+) \\S ${name}$`, 'm').exec(text)![1]}`);
    for (const name of ['_text', '_stext', 'pv_ops', '__parainstructions', '__parainstructions_end', '_paravirt_nop']) {
      expect(map.addressOf(name), name).toBe(grep(name));
    }
    // The map matches the extracted binary: symbols sit at their sections' addresses.
    const pi = findSection(k.elf, '.parainstructions')!;
    expect(map.addressOf('__parainstructions')).toBe(pi.addr);
    expect(map.addressOf('__parainstructions_end')).toBe(pi.addr + pi.size);
    expect(map.addressOf('_text')).toBe(findSection(k.elf, '.text')!.addr);
    expect(sectionAtVaddr(k.elf, map.addressOf('pv_ops')!)?.name).toBe('.data');
    expect(isExecutable(k.elf, map.addressOf('_paravirt_nop')!)).toBe(true);
    expect(isExecutable(k.elf, map.addressOf('pv_ops')!)).toBe(false);
    expect(vaddrToOffset(k.elf, pi.addr)).toBe(pi.offset);
    expect(map.describe(map.addressOf('_paravirt_nop')! + 1n)).toBe('_paravirt_nop+0x1');
    expect(checkSymbolsMatch(k.elf, map)).toEqual([]);
  });
});
