// The bad-input contract of `patchc apply`: malformed site tables and ELF files stop the run before
// anything is written. Exit 2, a message naming the file (and the file offset of the bad bytes, which is
// checked against readelf's section table), no output or report left in the directory, input unchanged.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARCHES,
  happyProgram,
  happyRules,
  listDir,
  patchc,
  sectionsOf,
  sha256,
  siteRecord,
  stride,
  symbolsOf,
  Workdir,
  type Arch,
  type Layout,
} from './fixtures.js';

const w = new Workdir('bad-input');
afterAll(() => w.cleanup());

const hex = (n: number | bigint) => `0x${n.toString(16)}`;
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Failed {
  code: number;
  err: string;
  left: string[];
  unchanged: boolean;
}

/** Runs apply with -o and --report into a fresh directory; what came back, and what was left behind. */
async function applyFails(input: string, rules: string, extra: string[] = []): Promise<Failed> {
  const before = sha256(input);
  const dir = w.subdir('out');
  const r = await patchc('apply', '--rules', rules, input, '-o', `${dir}/patched`, '--report', `${dir}/report.json`, ...extra);
  expect(r.out).toBe('');
  return { code: r.code, err: r.err, left: listDir(dir), unchanged: sha256(input) === before };
}

function expectRefusedInput(f: Failed, file: string, offset: number | undefined, message: RegExp): void {
  expect(f.code).toBe(2);
  expect(f.left).toEqual([]);
  expect(f.unchanged).toBe(true);
  expect(f.err.split('\n').filter(Boolean), f.err).toHaveLength(1);
  const where = offset === undefined ? esc(file) : `${esc(file)}:${hex(offset)}`;
  expect(f.err).toMatch(new RegExp(`^patchc apply: .*${where}.*error: `));
  expect(f.err).toMatch(message);
}

describe.each(ARCHES)('%s', (arch: Arch) => {
  const layout: Layout = 'linux2629';
  const S = stride(layout, arch);
  let rules: string;
  /** A copy of the happy program with one more site table entry at the end (entry 6). */
  const withExtra = (name: string, extra: string) => w.elf(`${name}-${arch}`, arch, happyProgram(arch, layout) + extra);

  beforeAll(() => {
    rules = w.write('happy.rules', happyRules(layout));
  });

  it('site table truncated in the middle of an entry: offset of the cut entry', async () => {
    const elf = withExtra('cut', siteRecord(layout, arch, { at: 's_dbl', slot: 0, cut: true }));
    const sec = sectionsOf(elf).get('.pv_sites')!;
    expect(sec.size % S).toBe(arch === 'x86_64' ? 9 : 5); // pointer + op byte: no len
    const f = await applyFails(elf, rules);
    expectRefusedInput(f, elf, sec.offset + 6 * S, /\.pv_sites: the table ends in the middle of an entry \((9 of 12|5 of 8) bytes of its fields\)/);
  });

  it('site address outside any executable section: offset of the entry', async () => {
    const elf = withExtra('data', siteRecord(layout, arch, { at: 'pv_ops', slot: 0, len: 6 }));
    const sec = sectionsOf(elf).get('.pv_sites')!;
    const f = await applyFails(elf, rules);
    expectRefusedInput(f, elf, sec.offset + 6 * S, new RegExp(`\\.pv_sites entry 6: site ${hex(symbolsOf(elf).get('pv_ops')!)} \\(6 bytes\\) is not in an executable section`));
  });

  it('site address outside the file entirely', async () => {
    const elf = withExtra('nowhere', siteRecord(layout, arch, { at: '0x1000', slot: 0, len: 6 }));
    const sec = sectionsOf(elf).get('.pv_sites')!;
    const f = await applyFails(elf, rules);
    expectRefusedInput(f, elf, sec.offset + 6 * S, /\.pv_sites entry 6: site 0x1000 \(6 bytes\) is not in the file/);
  });

  it('site running past the end of the code (.text ends its segment): offset of the entry', async () => {
    const elf = withExtra('crossing', siteRecord(layout, arch, { at: 'f_special+3', slot: 0, len: 6 }));
    const secs = sectionsOf(elf);
    const text = secs.get('.text')!;
    const at = symbolsOf(elf).get('f_special')! + 3n;
    expect(at + 6n).toBeGreaterThan(text.addr + BigInt(text.size));
    const f = await applyFails(elf, rules);
    expectRefusedInput(f, elf, secs.get('.pv_sites')!.offset + 6 * S, new RegExp(`\\.pv_sites entry 6: site ${hex(at)} \\(6 bytes\\) is not in the file: address range ${hex(at)}\\+6 is not inside the file-backed part of any PT_LOAD segment`));
  });

  it('overlapping sites: offset of the second site', async () => {
    const elf = withExtra('overlap', siteRecord(layout, arch, { at: 's_dbl+2', slot: 0, len: 4 }));
    const text = sectionsOf(elf).get('.text')!;
    const at = symbolsOf(elf).get('s_dbl')!;
    const f = await applyFails(elf, rules);
    expectRefusedInput(
      f,
      elf,
      text.offset + Number(at + 2n - text.addr),
      new RegExp(`sites overlap: \\.pv_sites\\+0x0 \\(${hex(at)}, 6 bytes\\) and \\.pv_sites\\+${hex(6 * S)} \\(${hex(at + 2n)}, 4 bytes\\)`),
    );
  });

  it('the same site twice is an overlap too', async () => {
    const elf = withExtra('twice', siteRecord(layout, arch, { at: 's_seven', slot: 4 }));
    const f = await applyFails(elf, rules);
    expect(f.code).toBe(2);
    expect(f.err).toMatch(/sites overlap: /);
    expect(f.left).toEqual([]);
  });

  it('unknown op index: offset of the entry', async () => {
    const elf = withExtra('badop', siteRecord(layout, arch, { at: 's_dbl', slot: 200, len: 6 }));
    const sec = sectionsOf(elf).get('.pv_sites')!;
    const f = await applyFails(elf, rules);
    expectRefusedInput(f, elf, sec.offset + 6 * S, /\.pv_sites entry 6: op index 200 names no op in opstable pv_ops \(6 slots\)/);
  });

  it('site length 0: offset of the entry', async () => {
    const elf = withExtra('len0', siteRecord(layout, arch, { at: 's_dbl', slot: 0, len: 0 }));
    const sec = sectionsOf(elf).get('.pv_sites')!;
    const f = await applyFails(elf, rules);
    expectRefusedInput(f, elf, sec.offset + 6 * S, /\.pv_sites entry 6: site length 0/);
  });

  it('missing site section: names the offset of the section header table', async () => {
    const elf = w.elf(`nosec-${arch}`, arch, happyProgram(arch, layout, { withTable: false }));
    expect(sectionsOf(elf).has('.pv_sites')).toBe(false);
    const f = await applyFails(elf, rules);
    // The offset named is the section header table's (e_shoff), where the section would be listed.
    const shoff = readFileSync(elf).readUInt32LE(arch === 'x86_64' ? 0x28 : 0x20);
    expectRefusedInput(f, elf, shoff, new RegExp(`no section '\\.pv_sites' for sitetable pv_sites_${arch} among the \\d+ section headers`));
  });

  describe('truncated ELF', () => {
    let elf: string;
    let data: Buffer;
    beforeAll(() => {
      elf = w.elf(`whole-${arch}`, arch, happyProgram(arch, layout));
      data = readFileSync(elf);
    });

    it('inside e_ident', async () => {
      const t = w.write(`trunc10-${arch}`, data.subarray(0, 10));
      expectRefusedInput(await applyFails(t, rules), t, 0, /ELF identification .* extends past the end of the file/);
    });

    it('inside the ELF header', async () => {
      const t = w.write(`trunc40-${arch}`, data.subarray(0, 40));
      expectRefusedInput(await applyFails(t, rules), t, 0, new RegExp(`ELF${arch === 'x86_64' ? 64 : 32} header \\(${arch === 'x86_64' ? 64 : 52} bytes at 0x0\\) extends past the end of the file`));
    });

    it.each([0.25, 0.5, 0.99])('cut at %s of its length: names e_shoff (offset of the field in the header)', async (part) => {
      const n = Math.floor(data.length * part);
      const t = w.write(`trunc-${part}-${arch}`, data.subarray(0, n));
      // e_shoff is at 0x28 in an ELF64 header, 0x20 in an ELF32 one (System V ABI); readelf -h gives its value.
      const shoff = data.readUInt32LE(arch === 'x86_64' ? 0x28 : 0x20);
      expectRefusedInput(await applyFails(t, rules), t, arch === 'x86_64' ? 0x28 : 0x20, new RegExp(`section header table .* e_shoff ${hex(shoff)}\\) extends past the end of the file \\(${hex(n)} bytes\\)`));
    });
  });

  it('an ELF of the other architecture than --arch asks for', async () => {
    const elf = w.elf(`whole-${arch}`, arch, happyProgram(arch, layout));
    const other = arch === 'x86_64' ? 'i386' : 'x86_64';
    const f = await applyFails(elf, rules, ['--arch', other]);
    expect(f.code).toBe(2);
    expect(f.err).toContain(`is ${arch}; the table is for ${other}`);
    expect(f.left).toEqual([]);
  });
});

describe('not an input at all', () => {
  it('a missing input file: exit 2, nothing written', async () => {
    const dir = w.subdir('missing');
    const r = await patchc('apply', '--rules', w.write('h.rules', happyRules('linux4')), `${dir}/nope`, '-o', `${dir}/out`);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${dir}/nope`);
    expect(listDir(dir)).toEqual([]);
  });

  it.each([
    ['empty', '', /is not an ELF file \(it is empty\) nor a kernel image/],
    ['text', 'hello, world\n', /is not an ELF file \(no \\x7fELF magic at offset 0\) nor a kernel image/],
  ] as const)('an input that is no ELF (%s): exit 2 naming the file at offset 0, nothing written', async (name, text, message) => {
    const input = w.write(`not-elf-${name}`, text);
    const f = await applyFails(input, w.write('h.rules', happyRules('linux4')));
    expectRefusedInput(f, input, 0, message);
  });

  // Regression: the report was written first and stayed behind, describing an output that was never made.
  it.each([
    ['in a missing directory', (dir: string) => `${dir}/no/such/dir/out`],
    ['that is a directory', (dir: string) => dir],
  ] as const)('an output path %s: exit 2, and the report is taken back', async (_, output) => {
    const elf = w.elf('whole-x86_64', 'x86_64', happyProgram('x86_64', 'linux2629'));
    const dir = w.subdir('unwritable');
    const r = await patchc('apply', '--rules', w.write('happy.rules', happyRules('linux2629')), elf, '-o', output(dir), '--report', `${dir}/r.json`);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot write/);
    expect(listDir(dir)).toEqual([]);
  });

  it('errors in the rules: exit 1, nothing written', async () => {
    const elf = w.elf('rules-error-x86_64', 'x86_64', happyProgram('x86_64', 'linux4'));
    const dir = w.subdir('rules');
    const bad = w.write('bad.rules', happyRules('linux4').replace('seven -> mov $7, %eax', 'seven -> mov $7, %%bogus'));
    const r = await patchc('apply', '--rules', bad, elf, '-o', `${dir}/out`, '--report', `${dir}/r.json`);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error/);
    expect(listDir(dir)).toEqual([]);
  });

  it('usage errors: exit 2', async () => {
    expect((await patchc('apply', '--rules', 'x.rules')).code).toBe(2);
    expect((await patchc('apply', 'in')).code).toBe(2);
    expect((await patchc('apply', '--rules', 'x.rules', 'in')).code).toBe(2); // no -o, no --dry-run
  });
});
