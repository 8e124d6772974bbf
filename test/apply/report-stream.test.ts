// The JSON report of a large run (bench/apply/make-elf.ts, 50,000 sites) is streamed to its file: made in
// pieces of bounded size, never as one string (a million sites are past V8's longest string). What it says
// is checked against the files themselves: one entry per .pv_sites record in table order, with each
// site's address, op and length as the record has them and its bytes as they are in the input and the
// output. A failed or interrupted report write leaves neither report, nor temporary file, nor binary.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSitesElf, RULES, SLOTS } from '../../bench/apply/make-elf.js';
import { applyTable } from '../../src/apply/apply.js';
import { REPORT_CHUNK_CHARS, reportChunks } from '../../src/apply/report.js';
import { loadKernelOrElf, loadSymbols } from '../../src/binary/index.js';
import { loadRuleSet } from '../../src/model/load.js';
import { compileTables } from '../../src/table/compile.js';
import { patchc, readReport, sectionsOf, unhex, Workdir } from './fixtures.js';

const SITES = 50_000;
/** For checks that need many report pieces but not many seconds. */
const FEW_SITES = 2_000;
/** make-elf's record: u64 site address, u8 slot, u8 length, u16 clobbers, padded to 16 bytes. */
const RECORD_BYTES = 16;
const LAUNCHER = fileURLToPath(new URL('../fuzz/patchc-src.ts', import.meta.url));

const w = new Workdir('report-stream');
afterAll(() => w.cleanup());

interface SiteRecord {
  address: bigint;
  slot: number;
  len: number;
}

let elf: string;
let smallElf: string;
let rules: string;
let records: SiteRecord[];

beforeAll(() => {
  mkdirSync(w.path('build'));
  mkdirSync(w.path('small'));
  elf = makeSitesElf(w.path('build'), SITES);
  smallElf = makeSitesElf(w.path('small'), FEW_SITES);
  rules = w.write('sites.rules', RULES);
  const table = sectionsOf(elf).get('.pv_sites')!;
  const data = readFileSync(elf);
  records = [];
  for (let at = table.offset; at < table.offset + table.size; at += RECORD_BYTES) {
    records.push({ address: data.readBigUInt64LE(at), slot: data[at + 8]!, len: data[at + 9]! });
  }
}, 60_000);

/** The bytes of `file` at virtual address `address` (in .text), as hex without spaces. */
function bytesAt(file: Buffer, text: { addr: bigint; offset: number }, address: bigint, len: number): string {
  const off = text.offset + Number(address - text.addr);
  return file.subarray(off, off + len).toString('hex');
}

describe('streamed JSON report', () => {
  it('has one entry per site-table record, with the bytes the input and output files hold', async () => {
    const out = w.path('out.elf');
    const reportPath = w.path('report.json');
    const r = await patchc('apply', '--rules', rules, elf, '-o', out, '--report', reportPath);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(records.length).toBe(SITES);
    const report = readReport(reportPath);
    expect(report.summary.sites).toBe(records.length);
    expect(report.sites.length).toBe(records.length);
    const text = sectionsOf(elf).get('.text')!;
    const input = readFileSync(elf);
    const output = readFileSync(out);
    const wrong: string[] = [];
    report.sites.forEach((s, i) => {
      const rec = records[i]!;
      const where = `site ${i} (${s.address})`;
      if (BigInt(s.address) !== rec.address) wrong.push(`${where}: address, record says 0x${rec.address.toString(16)}`);
      if (s.op !== SLOTS[rec.slot] || s.len !== rec.len) wrong.push(`${where}: op ${s.op} len ${s.len}, record says ${SLOTS[rec.slot]} ${rec.len}`);
      if (unhex(s.original) !== bytesAt(input, text, rec.address, rec.len)) wrong.push(`${where}: original ${s.original} is not the input's bytes`);
      if (unhex(s.patched) !== bytesAt(output, text, rec.address, rec.len)) wrong.push(`${where}: patched ${s.patched} is not the output's bytes`);
      if (s.outcome !== 'patched') wrong.push(`${where}: ${s.outcome} (${s.reason})`);
      // Disassembly lines start at the site's address (objdump style).
      if (!s.before[0]?.startsWith(`${rec.address.toString(16)}: `) || !s.after[0]?.startsWith(`${rec.address.toString(16)}: `)) wrong.push(`${where}: disassembly`);
    });
    expect(wrong.slice(0, 10)).toEqual([]);
  }, 30_000);

  it('is made in pieces of bounded size, not one string', async () => {
    const loaded = loadRuleSet(rules);
    const table = compileTables(loaded.ruleset, ['x86_64'], loaded.sources).tables[0]!;
    const bin = await loadKernelOrElf(smallElf);
    const run = applyTable(bin.elf, table, await loadSymbols(bin.elf), { inPlace: true });
    let pieces = 0;
    let longest = 0;
    let total = 0;
    for (const piece of reportChunks(run, smallElf, undefined)) {
      pieces++;
      longest = Math.max(longest, piece.length);
      total += piece.length;
    }
    // A piece closes once it reaches the size: at most one site's text past it.
    expect(longest).toBeLessThan(REPORT_CHUNK_CHARS + 4096);
    expect(pieces).toBeGreaterThanOrEqual(Math.floor(total / (REPORT_CHUNK_CHARS + 4096)));
    expect(pieces).toBeGreaterThan(10);
  }, 30_000);

  it('explain --op --max shows the first sites of that op, in table order', async () => {
    const r = await patchc('explain', '--rules', rules, elf, '--op', 'save_fl', '--max', '3');
    expect(r.code).toBe(0);
    const shown = [...r.out.matchAll(/^site 0x([0-9a-f]+) .* op (\S+),/gm)].map((m) => [BigInt(`0x${m[1]}`), m[2]]);
    const expected = records.filter((x) => SLOTS[x.slot] === 'save_fl').slice(0, 3).map((x) => [x.address, 'save_fl']);
    expect(shown).toEqual(expected);
  }, 30_000);
});

describe('a failed report write leaves nothing behind', () => {
  it('no such directory: exit 2, no report, no temporary file, no binary', async () => {
    const dir = w.subdir('nodir');
    const r = await patchc('apply', '--rules', rules, elf, '-o', join(dir, 'out.elf'), '--report', join(dir, 'missing', 'r.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot write/);
    expect(readdirSync(dir)).toEqual([]);
  }, 30_000);

  it('the report path is a directory: exit 2, nothing written into or beside it', async () => {
    const dir = w.subdir('isdir');
    mkdirSync(join(dir, 'r.json'));
    writeFileSync(join(dir, 'r.json', 'keep'), 'x');
    const r = await patchc('apply', '--rules', rules, smallElf, '-o', join(dir, 'out.elf'), '--report', join(dir, 'r.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot write/);
    expect(readdirSync(dir)).toEqual(['r.json']);
    expect(readdirSync(join(dir, 'r.json'))).toEqual(['keep']);
  }, 30_000);

  it('SIGTERM while the report is being streamed: exit 143, no report, no temporary file, no binary', async () => {
    const dir = w.subdir('signal');
    const outcome = await new Promise<{ code: number | null; sent: boolean; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', LAUNCHER, 'apply', '--rules', rules, elf, '-o', join(dir, 'out.elf'), '--report', join(dir, 'r.json')], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      let sent = false;
      // The report's temporary file appearing means the stream has started; the report takes seconds.
      const watcher = watch(dir, (_event, name) => {
        if (!sent && name?.startsWith('.r.json.') && name.endsWith('.tmp')) sent = child.kill('SIGTERM');
      });
      child.on('error', reject);
      child.on('exit', (code) => {
        watcher.close();
        resolve({ code, sent, stderr });
      });
    });
    expect(outcome.sent).toBe(true);
    expect(outcome.code).toBe(128 + 15);
    expect(readdirSync(dir)).toEqual([]);
  }, 30_000);
});
