// `npm run demo`: patchc end to end on the paravirt example (examples/paravirt), for x86_64 and i386.
//
//   1. compile the example rules into one YAML patch table per architecture (out/)
//   2. apply each table to the committed demo binary (out/demo-ARCH.patched + a JSON report)
//   3. show a few sites before/after (`patchc explain`) and what became of each op
//   4. run the original and the patched program, plain and with --fault 1, and compare their outputs (PASS/FAIL
//      per arch)
//
// It needs only `npm ci`: the binaries are committed (static, so they run on any x86_64 Linux), and patchc
// runs in-process through the CLI's main(), so every step is printed as the command a user would type.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { main } from '../src/cli/main.js';

const ARCHES = ['x86_64', 'i386'] as const;
type Arch = (typeof ARCHES)[number];
const RULES = 'examples/paravirt/paravirt-demo.rules';
const EXPECTED = 'examples/paravirt/expected/demo.out';
const EXPECTED_FAULT = 'examples/paravirt/expected/fault-1.out';
const tableOf = (arch: Arch) => `out/paravirt-demo.${arch}.yaml`;
const originalOf = (arch: Arch) => `examples/paravirt/bin/demo-${arch}`;
const patchedOf = (arch: Arch) => `out/demo-${arch}.patched`;
const reportOf = (arch: Arch) => `out/demo-${arch}.report.json`;

// Paths in the printed commands are relative to the repository root, so run from there whatever the cwd.
process.chdir(fileURLToPath(new URL('..', import.meta.url)));

const indent = (text: string) => text.replace(/\n$/, '').replace(/^/gm, '  ');

/** Runs `patchc ARGS` in-process, printing the command; stops the demo if it fails. */
async function patchc(args: string[], show: (out: string) => string = (o) => o): Promise<string> {
  console.log(`\n$ patchc ${args.join(' ')}`);
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  if (err) process.stderr.write(indent(err) + '\n');
  if (code !== 0) {
    console.log(`FAIL: patchc ${args[0]} exited with ${code}`);
    process.exit(1);
  }
  const shown = show(out);
  if (shown.trim()) console.log(indent(shown));
  return out;
}

interface Run {
  status: number | null;
  stdout: string;
  error?: string;
}
function runProgram(file: string, args: string[] = []): Run {
  const r = spawnSync(file, args, { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout ?? '', ...(r.error ? { error: r.error.message } : {}) };
}

/** The first line where two outputs differ, for the FAIL message. */
function firstDifference(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1}: ${JSON.stringify(x[i] ?? '<none>')} vs ${JSON.stringify(y[i] ?? '<none>')}`;
  }
  return 'no difference';
}

// What a compiled rule turns a site into, from the YAML table: "mov %rdi,%rax" or "(only NOPs)".
type TableEntry = { rule: string; length: number; asm: string[] };
function loadEntries(arch: Arch): Map<string, TableEntry> {
  const docs = parseAllDocuments(readFileSync(tableOf(arch), 'utf8')).map((d) => d.toJS() as { arch: string; entries: TableEntry[] });
  const table = docs.find((d) => d.arch === arch);
  return new Map((table?.entries ?? []).map((e) => [e.rule, e]));
}
function replacementText(entry: TableEntry | undefined): string {
  if (!entry) return '?';
  if (entry.length === 0) return '(only NOPs)';
  // asm lines are "BYTES<2+ spaces>INSTRUCTION"; keep the instruction.
  const insns = entry.asm.map((l) => l.split(/\s{2,}/).pop() ?? l).join('; ');
  return insns.replace('<target>', 'target');
}

interface Report {
  summary: { sites: number; outcomes: Record<string, number> };
  sites: { op: string; rule: string | null; outcome: string; len: number }[];
}

async function demo(): Promise<number> {
  mkdirSync('out', { recursive: true });
  console.log('patchc demo: rewrite the paravirt-style call sites of examples/paravirt/bin/demo-* with native code');

  // 1. One table per architecture, from the same rule file.
  for (const arch of ARCHES) {
    await patchc(['compile', RULES, '--arch', arch, '-o', tableOf(arch)]);
    console.log(indent(`wrote ${tableOf(arch)}: ${loadEntries(arch).size} compiled rules`));
  }

  // 2. Apply. The per-op table `apply` prints is long: its first two lines here, a per-op view further down.
  const reports = new Map<Arch, Report>();
  for (const arch of ARCHES) {
    await patchc(['apply', '--rules', tableOf(arch), originalOf(arch), '-o', patchedOf(arch), '--report', reportOf(arch)], (o) =>
      o.split('\n').slice(0, 2).join('\n') + '\n  (per-op counts: in the table further down)',
    );
    reports.set(arch, JSON.parse(readFileSync(reportOf(arch), 'utf8')) as Report);
  }

  // 3. A few sites before/after: an identity, the flags save, and an op that stays a call.
  const shown: [Arch, string][] = [
    ['x86_64', 'make_pte'],
    ['x86_64', 'set_pte'],
    ['i386', 'make_pte'],
    ['i386', 'save_fl'],
  ];
  for (const [arch, op] of shown) await patchc(['explain', '--rules', tableOf(arch), originalOf(arch), '--op', op, '--max', '1']);

  // 3b. What became of each op (from the reports and the compiled tables).
  console.log('\nPer op (demo binaries; the sites are the same on both architectures):');
  const entries = new Map(ARCHES.map((a) => [a, loadEntries(a)] as const));
  const ops = [...new Set(ARCHES.flatMap((a) => reports.get(a)!.sites.map((s) => s.op)))].sort();
  const row = (cells: string[]) => `  ${cells[0]!.padEnd(15)}${cells[1]!.padStart(5)}  ${cells[2]!.padEnd(20)}${cells[3]!.padEnd(28)}${cells[4]}`;
  console.log(row(['op', 'sites', 'rule', 'x86_64', 'i386']));
  for (const op of ops) {
    const sitesOf = (a: Arch) => reports.get(a)!.sites.filter((s) => s.op === op);
    const x = sitesOf('x86_64');
    const refused = ARCHES.flatMap(sitesOf).filter((s) => s.outcome !== 'patched').length;
    const rule = x[0]?.rule ?? '-';
    const cells = ARCHES.map((a) => replacementText(entries.get(a)!.get(sitesOf(a)[0]?.rule ?? '')));
    console.log(row([op, String(x.length) + (refused ? ` (${refused} refused)` : ''), rule, cells[0]!, cells[1]!]));
  }
  console.log('  (every site is 6 bytes: the rest is NOP padding; `target` = the function in the op\'s slot)');

  // 4. Run both and compare: same exit status, same bytes on stdout, and as expected/. The default run uses every
  // op once; `--fault 1` is one round of the benchmark's page-fault workload (page-table walks, 2^19 pages).
  const modes = [
    { args: [] as string[], expected: EXPECTED },
    { args: ['--fault', '1'], expected: EXPECTED_FAULT },
  ];
  let failed = 0;
  for (const arch of ARCHES) {
    console.log(`\n$ ${originalOf(arch)}    vs    $ ${patchedOf(arch)}    (and both with --fault 1)`);
    const problems: string[] = [];
    let lines = 0;
    for (const mode of modes) {
      const expected = readFileSync(mode.expected, 'utf8');
      const before = runProgram(originalOf(arch), mode.args);
      const after = runProgram(patchedOf(arch), mode.args);
      if (arch === ARCHES[0]) console.log(indent(after.stdout));
      const what = mode.args.length ? ` (${mode.args.join(' ')})` : '';
      if (before.error || after.error) problems.push(`could not run${what}: ${before.error ?? after.error}`);
      if (before.status !== 0 || after.status !== 0) problems.push(`exit status ${before.status} / ${after.status}${what}`);
      if (before.stdout !== after.stdout) problems.push(`outputs differ${what}, ${firstDifference(before.stdout, after.stdout)}`);
      else if (after.stdout !== expected) problems.push(`output differs from ${mode.expected}${what}, ${firstDifference(after.stdout, expected)}`);
      lines += after.stdout.split('\n').filter(Boolean).length;
    }
    const r = reports.get(arch)!.summary;
    if (problems.length) {
      failed++;
      console.log(`FAIL ${arch}: ${problems.join('; ')}`);
    } else {
      console.log(`PASS ${arch}: ${r.outcomes['patched']}/${r.sites} sites patched, original and patched print the same ${lines} lines (= ${EXPECTED}, ${EXPECTED_FAULT})`);
    }
  }
  console.log(failed ? `\n${failed} architecture(s) FAILED` : `\nDone. Outputs in out/ (tables, patched binaries, JSON reports).`);
  return failed ? 1 : 0;
}

process.exitCode = await demo();
