// `patchc apply --cpu FILE`: the paravirt pass, then the kernel's alternatives pass for that CPU, in one run; a bad
// CPU file stops it before anything is written.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { writeRules } from '../helpers/rules.js';
import { buildElf, SITES, SYNTHETIC_RULES, syntheticAsm } from '../kernel/synthetic.js';

const SHIPPED = resolve(import.meta.dirname, '../../rules/linux/alternatives-6.1.rules');


describe('patchc apply --cpu', () => {
  let built: ReturnType<typeof buildElf>;
  let dir: string;
  beforeAll(() => {
    built = buildElf(syntheticAsm());
    dir = writeRules({ 'k.rules': SYNTHETIC_RULES.replace('syntax att\n', `syntax att\nimport "${SHIPPED}"\n`) });
    writeFileSync(join(dir, 'cpu.txt'), 'X86_FEATURE_ALWAYS\n');
    writeFileSync(join(dir, 'bad-words.txt'), '0x00000001 0x0\n0x0 0xfg\n');
    writeFileSync(join(dir, 'bad-name.txt'), 'X86_FEATURE_ALWAYS\nX86_FEATURE_XENPVV\n');
  });
  afterAll(() => built?.cleanup());

  it('runs both passes and reports every alternative entry with its outcome and bytes', async () => {
    const out = join(dir, 'out.elf');
    const report = join(dir, 'r.json');
    const r = await cli('apply', '--rules', join(dir, 'k.rules'), built.file, '--cpu', join(dir, 'cpu.txt'), '-o', out, '--report', report);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const entries = Object.values(SITES).flatMap((s) => ('alts' in s ? s.alts : [])).length;
    expect(r.out).toMatch(new RegExp(`alternatives \\(.altinstructions, pass linux-6.1, CPU .*cpu.txt as names\\): ${entries} entries over \\d+ sites: \\d+ applied, 1 not applied, 0 undecided, 0 unsupported`));
    const doc = JSON.parse(readFileSync(report, 'utf8'));
    expect(doc.alternatives).toMatchObject({ pass: 'linux-6.1', features: 'linux-6.1', cpu_format: 'names', entries });
    expect(doc.alternatives_entries).toHaveLength(entries);
    const notApplied = doc.alternatives_entries.filter((e: { outcome: string }) => e.outcome === 'not-applied');
    expect(notApplied.map((e: { feature: string }) => e.feature)).toEqual(['X86_FEATURE_XENPV']);
    expect(doc.alternatives_entries[0]).toMatchObject({ entry: 0, feature: '!X86_FEATURE_XENPV', flags: ['not'], outcome: 'applied' });
    expect(existsSync(out)).toBe(true);
  });

  it.each([
    ['a non-hex word', 'bad-words.txt', /bad-words\.txt:2:5: error: /],
    ['a name the kernel version does not know', 'bad-name.txt', /bad-name\.txt:2:1: error: .*X86_FEATURE_XENPVV/],
  ])('%s: exit 2 with file:line:col, nothing written', async (_what, file, message) => {
    const out = join(dir, `out-${file}`);
    const report = join(dir, `r-${file}.json`);
    const r = await cli('apply', '--rules', join(dir, 'k.rules'), built.file, '--cpu', join(dir, file), '-o', out, '--report', report);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(report)).toBe(false);
  });
});
