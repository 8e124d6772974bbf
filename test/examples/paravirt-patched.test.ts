// The paravirt example end to end: patchc patches the committed binaries (examples/paravirt/bin) and the
// patched programs behave exactly as the originals, on x86_64 and i386.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseElf, readVaddr } from '../../src/binary/index.js';
import { apply, ARCHES, bin, CAN_RUN, DEMO_RULES, expected, INLINE_STORE_RULES, runProgram, type Report } from './paravirt.js';

// Sites per binary (examples/paravirt/README.md): demo has one more, the never-executed missing_op site.
const SITES = { demo: 49, 'bench-indirect': 48 } as const;

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').replace(/(..)(?!$)/g, '$1 ');

/** Byte offsets where two files of the same length differ. */
function differingOffsets(a: Uint8Array, b: Uint8Array): number[] {
  expect(b.length).toBe(a.length);
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(i);
  return out;
}

describe.each(ARCHES)('examples/paravirt, %s', (arch) => {
  let dir: string;
  const patched = (name: string) => join(dir, name);
  const reports = new Map<string, Report>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `patchc-paravirt-${arch}-`));
    for (const variant of ['demo', 'bench-indirect'] as const) {
      reports.set(variant, await apply(DEMO_RULES, bin(`${variant}-${arch}`), patched(variant)));
    }
    reports.set('bench-inline-store', await apply(INLINE_STORE_RULES, bin(`bench-indirect-${arch}`), patched('bench-inline-store')));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['demo', 'bench-indirect'] as const)('patches every site of %s, none refused', (variant) => {
    const r = reports.get(variant)!;
    const notPatched = r.sites.filter((s) => s.outcome !== 'patched').map((s) => `${s.address} ${s.op}: ${s.outcome} ${s.reason ?? ''}`);
    expect(notPatched).toEqual([]);
    expect(r.summary.sites).toBe(SITES[variant]);
    expect(r.summary.outcomes).toEqual({ patched: SITES[variant], 'already-applied': 0, refused: 0 });
  });

  it('changes exactly the bytes of the sites, as the report says', () => {
    const before = readFileSync(bin(`demo-${arch}`));
    const after = readFileSync(patched('demo'));
    const elfBefore = parseElf(before, 'original');
    const elfAfter = parseElf(after, 'patched');
    const sites = JSON.parse(readFileSync(`${patched('demo')}.report.json`, 'utf8')).sites as { address: string; len: number; original: string; patched: string }[];
    let siteBytes = 0;
    for (const s of sites) {
      const at = BigInt(s.address);
      expect(hex(readVaddr(elfBefore, at, s.len)), s.address).toBe(s.original);
      expect(hex(readVaddr(elfAfter, at, s.len)), s.address).toBe(s.patched);
      siteBytes += s.len;
    }
    const changed = differingOffsets(before, after);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThanOrEqual(siteBytes);
  });

  it.skipIf(!CAN_RUN)('the patched demo prints the same as the original and expected/demo.out', () => {
    const original = runProgram(bin(`demo-${arch}`));
    const result = runProgram(patched('demo'));
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(original.stdout);
    expect(result.stdout).toBe(expected('demo.out'));
    // --bench 1 and --fault 1 run the benchmark loops too (other sites: save_fl/restore_fl around each
    // page, the page-table walks, teardown).
    expect(runProgram(patched('demo'), ['--bench', '1']).stdout).toBe(expected('bench-1.out'));
    expect(runProgram(patched('demo'), ['--fault', '1']).stdout).toBe(expected('fault-1.out'));
  });

  it.skipIf(!CAN_RUN).each([
    ['--bench', 'bench-1.out'],
    ['--fault', 'fault-1.out'],
  ] as const)('patched bench-indirect %s 1 prints the same checksum as bench-native', (mode, out) => {
    const native = runProgram(bin(`bench-native-${arch}`), [mode, '1']);
    const result = runProgram(patched('bench-indirect'), [mode, '1']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(native.stdout);
    expect(result.stdout).toBe(expected(out));
    expect(runProgram(patched('bench-indirect')).stdout).toBe(expected('demo.out'));
  });

  it('applying twice gives the same bytes (same input again; and the patched output as input)', async () => {
    const first = readFileSync(patched('demo'));
    await apply(DEMO_RULES, bin(`demo-${arch}`), patched('demo.again'));
    expect(readFileSync(patched('demo.again')).equals(first)).toBe(true);

    const second = await apply(DEMO_RULES, patched('demo'), patched('demo.twice'));
    expect(readFileSync(patched('demo.twice')).equals(first)).toBe(true);
    expect(second.summary.outcomes).toEqual({ patched: 0, 'already-applied': SITES.demo, refused: 0 });
  });

  it('paravirt-inline-store.rules patches every bench-indirect site, set_pte by its own rule', () => {
    const r = reports.get('bench-inline-store')!;
    expect(r.summary.outcomes).toEqual({ patched: SITES['bench-indirect'], 'already-applied': 0, refused: 0 });
    const setPte = r.sites.filter((s) => s.op === 'set_pte');
    expect(setPte.length).toBeGreaterThan(0);
    expect(setPte.every((s) => s.rule === 'op:set_pte')).toBe(true);
  });

  it.skipIf(!CAN_RUN)('with set_pte inlined, bench-indirect still prints the native checksum', () => {
    expect(runProgram(patched('bench-inline-store'), ['--bench', '1']).stdout).toBe(expected('bench-1.out'));
    expect(runProgram(patched('bench-inline-store'), ['--fault', '1']).stdout).toBe(expected('fault-1.out'));
    expect(runProgram(patched('bench-inline-store')).stdout).toBe(expected('demo.out'));
  });
});
