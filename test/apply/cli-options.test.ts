// `patchc apply` options on the small programs: site list files (YAML, JSON) instead of a sitetable,
// --dry-run, --strict, the JSON report's fields, compiled tables given to --rules, and `patchc explain`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, symlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  ARCHES,
  bytesAt,
  canRun,
  happyProgram,
  happyRules,
  HAPPY_SITES,
  HAPPY_STATUS,
  listDir,
  objdump,
  patchc,
  readReport,
  runProgram,
  sectionsOf,
  sha256,
  symbolsOf,
  unhex,
  Workdir,
  type Arch,
} from './fixtures.js';

const w = new Workdir('cli');
afterAll(() => w.cleanup());

const OP_OF: Record<(typeof HAPPY_SITES)[number], string> = { s_dbl: 'dbl', s_nop: 'nop_hook', s_add3: 'add3', s_seven: 'seven', s_special: 'special', s_missing: 'missing_op' };
const hex = (n: bigint) => `0x${n.toString(16)}`;

describe.each(ARCHES)('%s', (arch: Arch) => {
  let tableElf: string;
  let rules: string;
  let reference: string;
  let syms: Map<string, bigint>;

  beforeAll(async () => {
    tableElf = w.elf(`table-${arch}`, arch, happyProgram(arch, 'linux2629'));
    syms = symbolsOf(tableElf);
    rules = w.write('table.rules', happyRules('linux2629'));
    reference = w.path(`table-${arch}.patched`);
    const r = await patchc('apply', '--rules', rules, tableElf, '-o', reference);
    expect(r.code).toBe(0);
  });

  describe('site list instead of a sitetable', () => {
    let elf: string;
    let listSyms: Map<string, bigint>;
    let noTableRules: string;
    beforeAll(() => {
      elf = w.elf(`list-${arch}`, arch, happyProgram(arch, 'linux2629', { withTable: false }));
      listSyms = symbolsOf(elf);
      noTableRules = w.write('list.rules', happyRules('none'));
    });
    const entries = (extra: Record<string, unknown> = {}) => HAPPY_SITES.map((s) => ({ address: hex(listSyms.get(s)!), op: OP_OF[s], length: 6, ...extra }));

    it.each(['yaml', 'json'] as const)('%s: every site patched as with the sitetable, and the program runs', async (format) => {
      const file = w.write(`sites-${arch}.${format}`, format === 'json' ? JSON.stringify(entries(), null, 1) : stringify({ sites: entries({ expect: 'indirect-call' }) }));
      const out = w.path(`list-${arch}-${format}.patched`);
      const r = await patchc('apply', '--rules', noTableRules, elf, '-o', out, '--report', `${out}.json`, '--sites', file);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const rep = readReport(`${out}.json`);
      expect(rep.summary.outcomes).toEqual({ patched: 6, 'already-applied': 0, refused: 0 });
      expect(rep.sites.map((s) => s.rule)).toEqual(['op:dbl', 'target:paravirt_nop', 'default', 'op:seven', 'target:f_special', 'missing']);
      // The code is the same as the sitetable program's, so each site's new bytes are too.
      for (const label of HAPPY_SITES) {
        const mine = objdump(out, listSyms.get(label)!, 6).map((l) => l.hex).join('');
        const theirs = objdump(reference, syms.get(label)!, 6).map((l) => l.hex).join('');
        expect(mine, label).toBe(theirs);
      }
      expect(objdump(out, listSyms.get('s_add3')!, 6)[0]!.text).toMatch(/^call\s+[0-9a-f]+ <f_add3>$/);
      if (canRun(arch)) expect(runProgram(out)).toEqual({ status: HAPPY_STATUS.patched, signal: null });
    });

    // Regression: without `expect`, nothing tells a patched site from an unpatched one but its bytes; a
    // second run used to report every site 'patched' again.
    it('applied twice (no expect): byte-identical, and every site already-applied', async () => {
      const file = w.write(`sites-twice-${arch}.json`, JSON.stringify(entries()));
      const once = w.path(`twice-${arch}.1`);
      const twice = w.path(`twice-${arch}.2`);
      expect((await patchc('apply', '--rules', noTableRules, elf, '-o', once, '--sites', file)).code).toBe(0);
      expect((await patchc('apply', '--rules', noTableRules, once, '-o', twice, '--report', `${twice}.json`, '--sites', file)).code).toBe(0);
      expect(sha256(twice)).toBe(sha256(once));
      expect(readReport(`${twice}.json`).summary.outcomes).toEqual({ patched: 0, 'already-applied': 6, refused: 0 });
    });

    it('with expect: indirect-call on every entry, a site that is not `call *slot` is refused', async () => {
      const list = entries({ expect: 'indirect-call' });
      list[0]!.op = 'seven'; // s_dbl calls through dbl's slot, not seven's
      const file = w.write(`sites-wrong-${arch}.yaml`, stringify(list));
      const r = await patchc('apply', '--rules', noTableRules, elf, '--dry-run', '--report', w.path(`wrong-${arch}.json`), '--sites', file);
      expect(r.code).toBe(0);
      const s = readReport(w.path(`wrong-${arch}.json`)).sites[0]!;
      expect(s.outcome).toBe('refused');
      expect(s.reason).toMatch(/^the call goes through 0x[0-9a-f]+, not slot 4 of pv_ops/);
    });

    // Regression: site lists took only 64-bit register names, so an ELF32's `clobbers: [eax]` was an error.
    it("clobbers in a site list name the binary's own registers", async () => {
      const [ax, cx] = arch === 'x86_64' ? ['rax', 'rcx'] : ['eax', 'ecx'];
      const list = [
        { address: hex(listSyms.get('s_seven')!), op: 'seven', length: 6, clobbers: [ax] },
        { address: hex(listSyms.get('s_special')!), op: 'special', length: 6, clobbers: [cx] },
      ];
      const file = w.write(`sites-clobbers-${arch}.yaml`, stringify(list));
      const r = await patchc('apply', '--rules', noTableRules, elf, '--dry-run', '--report', w.path(`clobbers-${arch}.json`), '--sites', file);
      expect(r.err).toBe('');
      const [seven, special] = readReport(w.path(`clobbers-${arch}.json`)).sites;
      expect(seven!.outcome).toBe('patched');
      expect(special!.outcome).toBe('refused');
      expect(special!.reason).toBe(`replacement writes ${ax}, which the site's clobber mask (${cx}) does not allow`);
      const other = arch === 'x86_64' ? 'eax' : 'rax';
      const bad = w.write(`sites-clobbers-bad-${arch}.yaml`, stringify([{ ...list[0], clobbers: [other] }]));
      const b = await patchc('apply', '--rules', noTableRules, elf, '--dry-run', '--sites', bad);
      expect(b.code).toBe(2);
      expect(b.err).toMatch(/'clobbers' must be a list of register names/);
    });

    // Regression: CodeMap finds sites in the PT_LOAD segments of an ELF without section headers, but the
    // patcher refused to write anywhere but in a section (exit 2 at the first site).
    it('an ELF without section headers is patched by segment (ops table by address, site list)', async () => {
      const x64 = arch === 'x86_64';
      const data = Buffer.from(readFileSync(elf));
      // e_shoff, e_shnum, e_shstrndx (System V ABI ELF header offsets) set to 0: an sstrip'd file.
      const fields: [number, number][] = x64 ? [[0x28, 8], [0x3c, 2], [0x3e, 2]] : [[0x20, 4], [0x30, 2], [0x32, 2]];
      for (const [at, n] of fields) data.fill(0, at, at + n);
      const bare = w.write(`bare-${arch}`, data);
      expect(execFileSync('readelf', ['-S', bare], { encoding: 'utf8' })).toMatch(/There are no sections in this file/);
      const byAddress = w.write(`list-by-address-${arch}.rules`, happyRules('none').replace('symbol pv_ops', `address ${hex(listSyms.get('pv_ops')!)}`));
      const file = w.write(`sites-bare-${arch}.json`, JSON.stringify(entries({ expect: 'indirect-call' })));
      // The reference: the same program with section headers but no symbols (strip), patched the same way.
      const stripped = w.path(`list-stripped-${arch}`);
      execFileSync('strip', ['-o', stripped, elf]);
      for (const input of [stripped, bare]) {
        const out = `${input}.by-address`;
        const r = await patchc('apply', '--rules', byAddress, input, '-o', out, '--report', `${out}.json`, '--sites', file);
        expect(r.err).toBe('');
        expect(r.code).toBe(0);
        expect(readReport(`${out}.json`).summary.outcomes).toEqual({ patched: 6, 'already-applied': 0, refused: 0 });
      }
      // Site file offsets from the original's section table (the bare file has the same layout).
      const text = sectionsOf(elf).get('.text')!;
      const offsetOf = (label: string) => text.offset + Number(listSyms.get(label)! - text.addr);
      const before = readFileSync(bare);
      const after = readFileSync(`${bare}.by-address`);
      for (const label of HAPPY_SITES) {
        const o = offsetOf(label);
        expect(after.subarray(o, o + 6).toString('hex'), label).toBe(bytesAt(`${stripped}.by-address`, listSyms.get(label)!, 6));
        expect(after.subarray(o, o + 6).equals(before.subarray(o, o + 6)), label).toBe(false);
      }
      const changed: number[] = [];
      for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) changed.push(i);
      expect(changed.filter((i) => !HAPPY_SITES.some((l) => i >= offsetOf(l) && i < offsetOf(l) + 6))).toEqual([]);
      // No symbols: `target SYM` rules cannot match, so nop_hook and special are calls: 10 + 13 + 7 + 20.
      if (canRun(arch)) expect(runProgram(`${bare}.by-address`)).toEqual({ status: 50, signal: null });
    });

    it('a bad site list: exit 2, nothing written', async () => {
      for (const [text, message] of [
        [stringify([{ address: hex(listSyms.get('s_dbl')!), op: 'no_such_op', length: 6 }]), /site 0: unknown op 'no_such_op'/],
        [stringify([{ address: hex(listSyms.get('pv_ops')!), op: 'dbl', length: 6 }]), /site 0: site 0x[0-9a-f]+ \(6 bytes\) is not in an executable section/],
        [stringify([{ address: hex(listSyms.get('s_dbl')!), op: 'dbl', length: 0 }]), /'length' must be a whole number from 1 to 255/],
        [stringify({ nothing: 1 }), /expected a list of sites/],
        [stringify([...entries().slice(0, 1).map((e) => ({ ...e, clobbers: [] })), ...entries().slice(1)]), /site 1 has no 'clobbers' while others do/],
        ['[{', /not valid YAML\/JSON/],
      ] as const) {
        const dir = w.subdir('badlist');
        const file = w.write(`badlist-${arch}.yaml`, text);
        const r = await patchc('apply', '--rules', noTableRules, elf, '-o', `${dir}/out`, '--report', `${dir}/r.json`, '--sites', file);
        expect(r.code, text).toBe(2);
        expect(r.err, text).toMatch(message);
        expect(listDir(dir)).toEqual([]);
      }
    });
  });

  describe('a stripped binary', () => {
    let stripped: string;
    let map: string;
    beforeAll(() => {
      stripped = w.path(`stripped-${arch}`);
      execFileSync('strip', ['-o', stripped, tableElf]);
      map = w.write(`System.map-${arch}`, execFileSync('nm', ['-n', tableElf], { encoding: 'utf8' }));
    });

    it('needs --symbols to find an ops table located by symbol: exit 2 naming the file', async () => {
      const dir = w.subdir('stripped');
      const r = await patchc('apply', '--rules', rules, stripped, '-o', `${dir}/out`);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`${stripped}: cannot locate ops table pv_ops: the binary has no symbols to find 'pv_ops': no symbol table and no kallsyms tables (give --symbols System.map)`);
      expect(listDir(dir)).toEqual([]);
    });

    it('with a System.map (from nm) patches the sites as with the symbol table', async () => {
      const out = w.path(`stripped-${arch}.patched`);
      const r = await patchc('apply', '--rules', rules, stripped, '-o', out, '--symbols', map, '--report', `${out}.json`);
      expect(r.code).toBe(0);
      expect(readReport(`${out}.json`).sites.map((s) => s.rule)).toEqual(['op:dbl', 'target:paravirt_nop', 'default', 'op:seven', 'target:f_special', 'missing']);
      for (const label of HAPPY_SITES) expect(bytesAt(out, syms.get(label)!, 6), label).toBe(bytesAt(reference, syms.get(label)!, 6));
      if (canRun(arch)) expect(runProgram(out)).toEqual({ status: HAPPY_STATUS.patched, signal: null });
    });

    it('an ops table located by address needs no symbols; `target SYM` rules then never match', async () => {
      const byAddress = w.write(`by-address-${arch}.rules`, happyRules('linux2629').replace('symbol pv_ops', `address ${hex(syms.get('pv_ops')!)}`));
      const out = w.path(`by-address-${arch}.patched`);
      const r = await patchc('apply', '--rules', byAddress, stripped, '-o', out, '--report', `${out}.json`);
      expect(r.code).toBe(0);
      const rep = readReport(`${out}.json`);
      expect(rep.sites.map((s) => s.rule)).toEqual(['op:dbl', 'default', 'default', 'op:seven', 'default', 'missing']);
      expect(rep.sites.find((s) => s.op === 'special')!.target).toEqual({ address: hex(syms.get('f_special')!), symbol: null });
      // nop_hook and special become direct calls to their slot's function: 10 + 13 + 7 + 20.
      if (canRun(arch)) expect(runProgram(out)).toEqual({ status: 50, signal: null });
    });
  });

  it('--dry-run writes nothing but the report, and says so', async () => {
    const dir = w.subdir('dry');
    const before = sha256(tableElf);
    const a = await patchc('apply', '--dry-run', '--rules', rules, tableElf, '-o', `${dir}/out`);
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/dry run: nothing written/);
    expect(listDir(dir)).toEqual([]);
    const b = await patchc('apply', '--dry-run', '--rules', rules, tableElf, '--report', `${dir}/r.json`);
    expect(b.code).toBe(0);
    expect(listDir(dir)).toEqual(['r.json']);
    expect(readReport(`${dir}/r.json`).output).toBeNull();
    expect(sha256(tableElf)).toBe(before);
  });

  it('-o or --report naming the input itself (or a link to it) is a usage error: the input is never modified', async () => {
    const copy = w.path(`self-${arch}`);
    const link = w.path(`self-link-${arch}`);
    copyFileSync(tableElf, copy);
    symlinkSync(copy, link);
    const before = sha256(copy);
    for (const o of [copy, link]) {
      const r = await patchc('apply', '--rules', rules, copy, '-o', o);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/is the input/);
    }
    const r = await patchc('apply', '--rules', rules, copy, '--dry-run', '--report', link);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--report .* is the input/);
    expect(sha256(copy)).toBe(before);
  });

  it('--strict exits 0 when no site is refused (proofs skipped: these fixtures\' replacements differ from their stub slot functions by design)', async () => {
    const r = await patchc('apply', '--strict', '--skip-proofs', '--dry-run', '--rules', rules, tableElf);
    expect(r.code).toBe(0);
  });

  it('--report: per site address, op, target, bytes and disassembly before/after, outcome, reason', async () => {
    const out = w.path(`report-${arch}`);
    expect((await patchc('apply', '--rules', rules, tableElf, '-o', out, '--report', `${out}.json`)).code).toBe(0);
    const rep = readReport(`${out}.json`);
    expect(rep).toMatchObject({ patchc_report: 1, input: tableElf, output: out, arch });
    expect(rep.sites).toHaveLength(6);

    for (const s of rep.sites) {
      for (const k of ['address', 'op', 'target', 'original', 'patched', 'before', 'after', 'outcome', 'reason', 'rule', 'len', 'origin', 'kind']) expect(s, k).toHaveProperty(k);
      // before: the original call, as objdump shows the input; after: as objdump shows the output.
      const label = HAPPY_SITES.find((l) => syms.get(l) === BigInt(s.address))!;
      expect(label).toBeDefined();
      expect(s.op).toBe(OP_OF[label]);
      const was = objdump(tableElf, BigInt(s.address), 6);
      expect(unhex(s.original)).toBe(was.map((l) => l.hex).join(''));
      expect(unhex(s.patched)).toBe(objdump(out, BigInt(s.address), 6).map((l) => l.hex).join(''));
      expect(s.before).toHaveLength(1);
      expect(s.before[0]).toMatch(new RegExp(`^${s.address.slice(2)}: ff 15 [0-9a-f ]+ call`));
      expect(s.after.length).toBe(objdump(out, BigInt(s.address), 6).length);
      expect(s.outcome).toBe('patched');
      expect(s.reason).toBeNull();
    }
    const call = rep.sites.find((s) => s.op === 'add3')!;
    expect(call.target).toEqual({ address: hex(syms.get('f_add3')!), symbol: 'f_add3' });
    expect(call.after[0]).toMatch(new RegExp(`call\\s+(0x)?${syms.get('f_add3')!.toString(16)}$`));
  });

  it.each(['json', 'yaml'] as const)('a table compiled with `patchc compile --format %s` works as the rule file does', async (format) => {
    // One table file holds both architectures; apply picks the ELF's.
    const table = w.path(`compiled.${format}`);
    if (!existsSync(table)) {
      const c = await patchc('compile', rules, '--format', format, '-o', table);
      expect(c.err).toBe('');
      expect(c.code).toBe(0);
    }
    const out = w.path(`compiled-${arch}-${format}.patched`);
    const r = await patchc('apply', '--rules', table, tableElf, '-o', out, '--report', `${out}.json`);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(sha256(out)).toBe(sha256(reference));
    expect(readReport(`${out}.json`).summary.outcomes).toEqual({ patched: 6, 'already-applied': 0, refused: 0 });
  });

  it('`patchc explain` shows each chosen site before and after, and writes nothing', async () => {
    const before = listDir(w.dir);
    const r = await patchc('explain', '--rules', rules, tableElf, '--op', 'add3');
    expect(r.code).toBe(0);
    const at = syms.get('s_add3')!.toString(16);
    expect(r.out).toContain(`site 0x${at}`);
    expect(r.out).toContain(`<f_add3>`);
    expect(r.out).toMatch(/rule: default\s+outcome: patched/);
    const [, beforePart, afterPart] = r.out.split(/ {2}before:\n| {2}after:\n/);
    expect(beforePart).toMatch(new RegExp(`${at}: ff 15 .* call`));
    expect(afterPart).toMatch(new RegExp(`${at}: e8 .* call\\s+(0x)?${syms.get('f_add3')!.toString(16)}`));
    expect(r.out.match(/^site /gm)).toHaveLength(1);
    const all = await patchc('explain', '--rules', rules, tableElf, '--max', '3');
    expect(all.out.match(/^site /gm)).toHaveLength(3);
    expect(listDir(w.dir)).toEqual(before);
  });
});
