// Rule-file fuzzing: random token streams from the language's token set, and mutations of the shipped rule
// files (tokens and lines deleted, duplicated, swapped; huge numbers; deep braces; 1 MB lines; bytes that
// are not UTF-8; NUL; CRLF; import cycles, self-imports, imports of folders and of nothing).
//
// The property, for `patchc check FILE` and `patchc compile FILE -o OUT`: the CLI returns (no exception),
// in time; exit 0, 1 (rule errors, each located as file:line:col) or 2 (only for a file that cannot be
// read, saying so); both commands agree; OUT exists only after exit 0; no temporary file is left.
import fc from 'fast-check';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { cli, describeThrown, listFiles, repoRoot, strayTemps, type CliRun } from './harness.js';

/** The rule files that ship (and the verifier's fixtures, which use every op attribute). */
export const SHIPPED_RULES = [
  'examples/paravirt/paravirt-demo.rules',
  'examples/paravirt/paravirt-inline-store.rules',
  'rules/linux/paravirt-5.x.rules',
  'rules/linux/linux-6.1-x86_64.rules',
  'rules/linux/linux-6.1-i386.rules',
  'test/verify/fixtures/identity-good.rules',
  'test/verify/fixtures/const-good.rules',
  'test/verify/fixtures/callee-save-op-good.rules',
  'test/verify/fixtures/branches.rules',
  'test/verify/fixtures/memory-bad.rules',
];

/** Spellings of every token kind of src/syntax/tokens.ts, and words the model gives meaning to. */
export const TOKENS = [
  // keywords
  'ruleset', 'syntax', 'import', 'op', 'arch', 'nops', 'sitetable', 'opstable', 'alttable', 'default', 'missing', 'target', 'trap', 'bytes',
  // punctuation
  '->', '{', '}', '(', ')', '[', ']', ',', ':', ';', '*', '+', '-', '\n', '\n', '\n', '# comment\n',
  // pseudo-prefixes, strings
  '{disp8}', '{disp32}', '{load}', '{vex}', '"x.rules"', '".pv_sites"', '"a\\"b"', '""',
  // words, numbers, registers, immediates
  'x86_64', 'i386', 'att', 'intel', 'u64', 'u32', 'u16', 'u8', 'ulong', 'ptr', 'identity', 'arg0', 'arg1', 'ret', 'nop', 'opaque', 'callee_save',
  'const', 'max', 'writes', 'clobbers', 'section', 'stride', 'site', 'at', 'len', 'ops', 'expect', 'indirect-call', 'symbol', 'slots', 'rel32',
  'mov', 'call', 'push', 'pop', 'pushf', 'popf', 'cli', 'sti', 'xor', 'lea', 'jmp', 'ud2', 'rep', 'lock',
  '%rax', '%eax', '%rdi', 'rax', 'eax', '%al', '(%rdi)', '$0x10', '$-1', '1f', '1b', '1:', 'foo:', 'byte', 'ptr', 'qword',
  '0', '1', '8', '16', '255', '256', '0x0f', '0xff', '0xffffffff', '0x10000000000000000', '99999999999999999999', '-1',
  'a', 'b', 'pte_val', 'pv_ops', 'paravirt_nop', '0f', '0b', '90', 'cc',
];

export type RuleMutation =
  | { op: 'delTok' | 'dupTok'; i: number }
  | { op: 'swapTok'; i: number; j: number }
  | { op: 'setTok'; i: number; tok: string }
  | { op: 'delLine' | 'dupLine'; i: number }
  | { op: 'swapLine'; i: number; j: number }
  | { op: 'hugeNum'; i: number; num: string }
  | { op: 'braces'; i: number; depth: number; balanced: boolean }
  | { op: 'longLine'; i: number; bytes: number; fill: 'word' | 'comment' | 'tokens' | 'instruction' }
  | { op: 'rawBytes'; at: number; bytes: number[] }
  | { op: 'crlf' | 'lonecr' | 'bom' | 'noFinalNewline' | 'empty' }
  | { op: 'import'; kind: 'self' | 'cycle' | 'dir' | 'missing' | 'deep' | 'fanout' | 'dotdot' | 'abs' | 'nonutf8' | 'huge'; n: number };

export interface RuleCase {
  /** Name of the file given to the CLI. */
  main: string;
  /** Files of the case, by relative path; `null` makes a folder. */
  files: Record<string, Uint8Array | null>;
  what: string;
}

const enc = new TextEncoder();

const HUGE = ['99999999999999999999999999999', `0x${'f'.repeat(40)}`, '18446744073709551616', '0xffffffffffffffff', '4294967296', '2147483648', '9007199254740993', '1e308', '0x', '00000000000000000000000000001', '-9223372036854775809', '256', '65536'];
const RAW = [[0xff], [0xfe, 0xff], [0xc3], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x00], [0x00, 0x00, 0x00], [0x80], [0xe2, 0x80, 0xa8], [0x1b, 0x5b, 0x32, 0x4a], [0x0c], [0x0b], [0x7f]];

export const arbRuleMutation: fc.Arbitrary<RuleMutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constantFrom('delTok' as const, 'dupTok' as const), i: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('swapTok' as const), i: fc.nat(), j: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('setTok' as const), i: fc.nat(), tok: fc.constantFrom(...TOKENS) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('delLine' as const, 'dupLine' as const), i: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('swapLine' as const), i: fc.nat(), j: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('hugeNum' as const), i: fc.nat(), num: fc.constantFrom(...HUGE) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('braces' as const), i: fc.nat(), depth: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.constantFrom(1000, 10_000, 100_000)), balanced: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('longLine' as const), i: fc.nat(), bytes: fc.constantFrom(4096, 70_000, 1 << 20), fill: fc.constantFrom('word' as const, 'comment' as const, 'tokens' as const, 'instruction' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('rawBytes' as const), at: fc.nat(), bytes: fc.constantFrom(...RAW) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('crlf' as const, 'lonecr' as const, 'bom' as const, 'noFinalNewline' as const, 'empty' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('import' as const),
      kind: fc.constantFrom('self' as const, 'cycle' as const, 'dir' as const, 'missing' as const, 'deep' as const, 'fanout' as const, 'dotdot' as const, 'abs' as const, 'nonutf8' as const, 'huge' as const),
      n: fc.integer({ min: 1, max: 300 }),
    }),
  },
);

/** Tokens and the whitespace between them, so that joining them gives back the text. */
function splitTokens(text: string): string[] {
  return text.match(/[A-Za-z0-9_.$%@]+|"(?:[^"\\\n]|\\.)*"|->|[ \t]+|\r?\n|[^]/g) ?? [];
}
const isSpace = (t: string): boolean => /^\s+$/.test(t);

/** Applies mutations to a main file's bytes; import mutations may add files. */
export function mutate(base: Uint8Array, muts: RuleMutation[], files: Record<string, Uint8Array | null>, mainName: string): Uint8Array {
  let bytes = base;
  for (const m of muts) {
    const text = Buffer.from(bytes).toString('latin1'); // byte-preserving: 1 char per byte
    let out = text;
    switch (m.op) {
      case 'delTok':
      case 'dupTok':
      case 'swapTok':
      case 'setTok':
      case 'hugeNum': {
        const toks = splitTokens(text);
        const idx = toks.map((t, k) => (isSpace(t) ? -1 : k)).filter((k) => k >= 0);
        if (idx.length === 0) break;
        const a = idx[m.i % idx.length]!;
        if (m.op === 'delTok') toks[a] = '';
        else if (m.op === 'dupTok') toks[a] = `${toks[a]} ${toks[a]}`;
        else if (m.op === 'setTok') toks[a] = m.tok;
        else if (m.op === 'hugeNum') {
          const nums = toks.map((t, k) => (/^(0x[0-9a-f]+|[0-9]+)$/i.test(t) ? k : -1)).filter((k) => k >= 0);
          toks[nums.length ? nums[m.i % nums.length]! : a] = m.num;
        } else {
          const b = idx[(m as { j: number }).j % idx.length]!;
          [toks[a], toks[b]] = [toks[b]!, toks[a]!];
        }
        out = toks.join('');
        break;
      }
      case 'delLine':
      case 'dupLine':
      case 'swapLine': {
        const lines = text.split('\n');
        const a = m.i % lines.length;
        if (m.op === 'delLine') lines.splice(a, 1);
        else if (m.op === 'dupLine') lines.splice(a, 0, lines[a]!);
        else {
          const b = (m as { j: number }).j % lines.length;
          [lines[a], lines[b]] = [lines[b]!, lines[a]!];
        }
        out = lines.join('\n');
        break;
      }
      case 'braces': {
        const lines = text.split('\n');
        const a = m.i % (lines.length + 1);
        const ins = '{'.repeat(m.depth) + (m.balanced ? '}'.repeat(m.depth) : '');
        // Inside a table block nested blocks are grammar; at top level or in a rule they are errors.
        lines.splice(a, 0, m.i % 3 === 0 ? `sitetable deep ${ins}` : m.i % 3 === 1 ? `x86_64_op -> ${ins}` : ins);
        out = lines.join('\n');
        break;
      }
      case 'longLine': {
        const lines = text.split('\n');
        const unit = m.fill === 'word' ? 'a' : m.fill === 'comment' ? '#' : m.fill === 'tokens' ? 'x , ' : 'nop; ';
        let line = unit.repeat(Math.ceil(m.bytes / unit.length)).slice(0, m.bytes);
        if (m.fill === 'instruction') line = `  pte_val -> ${line}`;
        lines.splice(m.i % (lines.length + 1), 0, line);
        out = lines.join('\n');
        break;
      }
      case 'rawBytes': {
        const at = m.at % (text.length + 1);
        out = text.slice(0, at) + String.fromCharCode(...m.bytes) + text.slice(at);
        break;
      }
      case 'crlf':
        out = text.replace(/\n/g, '\r\n');
        break;
      case 'lonecr':
        out = text.replace(/\n/g, '\r');
        break;
      case 'bom':
        out = `\xef\xbb\xbf${text}`;
        break;
      case 'noFinalNewline':
        out = text.replace(/\n+$/, '');
        break;
      case 'empty':
        out = '';
        break;
      case 'import': {
        const imp = (p: string): string => `import "${p.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"\n`;
        let line = '';
        switch (m.kind) {
          case 'self':
            line = imp(basename(mainName));
            break;
          case 'cycle':
            files['cyc/a.rules'] = enc.encode(`${imp('b.rules')}op cyc_a()\n`);
            files['cyc/b.rules'] = enc.encode(`${imp(`../${basename(mainName)}`)}op cyc_b()\n`);
            line = imp('cyc/a.rules');
            break;
          case 'dir':
            files['adir'] = null;
            line = imp(m.n % 2 ? 'adir' : '.');
            break;
          case 'missing':
            line = imp(m.n % 2 ? 'no/such/file.rules' : '');
            break;
          case 'deep':
            for (let k = 0; k < m.n; k++) files[`deep/d${k}.rules`] = enc.encode(k + 1 < m.n ? `${imp(`d${k + 1}.rules`)}op deep_${k}()\n` : `op deep_${k}()\n`);
            line = imp('deep/d0.rules');
            break;
          case 'fanout':
            for (let k = 0; k < m.n; k++) files[`fan/f${k}.rules`] = enc.encode(`op fan_${k}()\n`);
            line = Array.from({ length: m.n }, (_, k) => imp(`fan/f${k}.rules`)).join('');
            break;
          case 'dotdot':
            line = imp(`${'../'.repeat(m.n % 40)}etc/passwd`);
            break;
          case 'abs':
            line = imp(m.n % 2 ? '/dev/zero' : '/proc/self/status');
            break;
          case 'nonutf8':
            files['bad.rules'] = new Uint8Array([...enc.encode('op ok()\n# '), 0xff, 0xfe, 0x0a]);
            line = imp('bad.rules');
            break;
          case 'huge':
            files['huge.rules'] = enc.encode(`# ${'x'.repeat(4 * 1024 * 1024 + 1)}\n`);
            line = imp('huge.rules');
            break;
        }
        const lines = text.split('\n');
        lines.splice(m.n % (lines.length + 1), 0, line.replace(/\n$/, ''));
        out = lines.join('\n');
        break;
      }
    }
    bytes = Uint8Array.from(Buffer.from(out, 'latin1'));
  }
  return bytes;
}

let shippedCache: Map<string, Uint8Array> | undefined;
function shipped(): Map<string, Uint8Array> {
  return (shippedCache ??= new Map(SHIPPED_RULES.map((p) => [p, new Uint8Array(readFileSync(join(repoRoot, p)))])));
}

/** A shipped rule file under random mutations (1 to 6). */
export const arbMutatedRules: fc.Arbitrary<RuleCase> = fc
  .record({ base: fc.constantFrom(...SHIPPED_RULES), muts: fc.array(arbRuleMutation, { minLength: 1, maxLength: 6 }) })
  .map(({ base, muts }) => {
    const name = basename(base);
    const files: Record<string, Uint8Array | null> = {};
    // paravirt-inline-store.rules imports its neighbour: bring the neighbour along.
    if (name === 'paravirt-inline-store.rules') files['paravirt-demo.rules'] = shipped().get('examples/paravirt/paravirt-demo.rules')!;
    files[name] = mutate(shipped().get(base)!, muts, files, name);
    return { main: name, files, what: `${base} ${JSON.stringify(muts).slice(0, 300)}` };
  });

/** A random stream of the language's tokens, separated by random white space. */
export const arbTokenStream: fc.Arbitrary<RuleCase> = fc
  .array(fc.tuple(fc.constantFrom(...TOKENS), fc.constantFrom(' ', ' ', '', '\t', '\n')), { maxLength: 120 })
  .map((ts) => {
    const text = ts.map(([t, s]) => t + s).join('');
    return { main: 'stream.rules', files: { 'stream.rules': enc.encode(text) }, what: JSON.stringify(text).slice(0, 400) };
  });

/** A structured-looking file: statements of plausible shapes with random parts, to get past the parser. */
export const arbStructured: fc.Arbitrary<RuleCase> = fc
  .array(
    fc.oneof(
      fc.constantFrom('ruleset fz', 'syntax att', 'syntax intel', 'syntax nonsense', 'ruleset'),
      fc.tuple(fc.constantFrom('pte_val', 'a', 'b', 'op', 'x'), fc.constantFrom('', 'u64', 'u64, u32', 'ptr, u64', 'x: u64', 'u128'), fc.constantFrom('', ' -> u64', ' -> u32', ' -> void'), fc.constantFrom('', ' : identity(arg0)', ' : nop', ' : opaque', ' : const -1', ' : const 99999999999999999999', ' : max 8', ' : writes(rax)', ' : callee_save opaque', ' : identity(arg7)')).map(([n, p, r, a]) => `op ${n}(${p})${r}${a}`),
      fc
        .tuple(
          fc.constantFrom('x86_64', 'i386', 'arm64', 'x86_64 max 3', 'i386 max 0', 'x86_64 max 300'),
          fc.array(
            fc.tuple(fc.constantFrom('pte_val', 'a', 'default', 'missing', 'target paravirt_nop', 'target', 'b'), fc.constantFrom('{}', 'trap', 'nop', 'mov arg0, ret', 'mov %rdi, %rax', 'bytes 90 90', 'bytes 0x1ff', 'bytes zz', 'call target', 'jmp 1f; 1:', 'push %rax; pop %rax', 'mov $0xffffffffffffffff, %al', '{ nop\n nop }', 'lea 0x7fffffff(%rip), %rax', '.byte 0x90', 'mov ret, arg9', 'ud2; ud2; ud2; ud2; ud2; ud2; ud2; ud2; ud2'))
              .map(([s, r]) => `  ${s} -> ${r}`),
            { maxLength: 6 },
          ),
        )
        .map(([a, rules]) => `arch ${a} {\n${rules.join('\n')}\n}`),
      fc.constantFrom(
        'opstable pv_ops {\n  symbol pv_ops\n  slots { pte_val a b }\n}',
        'opstable pv_ops {\n  slots { }\n}',
        'sitetable s {\n  section ".pv_sites"\n  stride 16\n  site ptr at 0\n  op u8 at 8\n  len u8 at 9\n  ops pv_ops\n  expect indirect-call\n}',
        'sitetable s {\n  section ".x"\n  stride 0\n  site rel32 at 99999999999\n  op u64 at -1\n  len u8 at 4294967296\n  ops nope\n}',
        'sitetable s {\n  stride 4\n  clobbers u16 at 2 { rax rcx rdx rdi rsi r8 r9 r10 r11 r12 r13 r14 r15 rbx rbp rsp rax }\n}',
        'nops x86_64 {\n  1 { 90 }\n  2 { 66 90 }\n}',
        'nops x86_64 {\n  0 { }\n  300 { 90 }\n}',
      ),
    ),
    { maxLength: 10 },
  )
  .map((st) => {
    const text = `${st.join('\n')}\n`;
    return { main: 's.rules', files: { 's.rules': enc.encode(text) }, what: JSON.stringify(text).slice(0, 400) };
  });

/** Per-command wall-clock limit: a rule file of at most 4 MB must be refused or compiled in this time. */
export const RULES_TIME_LIMIT_MS = 15_000;

const FRAME = /^\s*\d*\s\|/;

/** Checks the diagnostics of a run that exited 1: at least one error, every error located. */
function locatedErrors(r: CliRun): string | undefined {
  const lines = r.err.split('\n');
  let errors = 0;
  for (const l of lines) {
    if (FRAME.test(l) || l.startsWith('  = ')) continue;
    if (!/(^|: )error: /.test(l)) continue;
    errors++;
    if (!/^\S.*:\d+:\d+: error: .*\[[a-z0-9-]+\]$/s.test(l)) return `error without file:line:col: ${JSON.stringify(l.slice(0, 300))}`;
  }
  if (errors === 0) return `exit 1 without any error line; stderr: ${JSON.stringify(r.err.slice(0, 300))}`;
  return undefined;
}

function judge(cmd: string, r: CliRun): string | undefined {
  if (r.thrown !== undefined) return `${cmd}: exception: ${describeThrown(r.thrown)}`;
  if (r.ms > RULES_TIME_LIMIT_MS) return `${cmd}: took ${r.ms.toFixed(0)} ms (limit ${RULES_TIME_LIMIT_MS})`;
  if (/internal (assembler )?error/i.test(r.err)) return `${cmd}: internal error reported: ${JSON.stringify(r.err.slice(0, 400))}`;
  if (r.code === 1) return locatedErrors(r);
  if (r.code === 2) return /cannot read .*\[file-unreadable\]/.test(r.err) ? undefined : `${cmd}: exit 2 without 'cannot read': ${JSON.stringify(r.err.slice(0, 300))}`;
  if (r.code !== 0) return `${cmd}: exit ${r.code}`;
  return undefined;
}

/** Runs one case; returns a failure description, or undefined when every property holds. */
export async function checkRuleCase(c: RuleCase, dir: string): Promise<{ failure?: string; ms: number }> {
  for (const [name, data] of Object.entries(c.files)) {
    const p = join(dir, name);
    if (data === null) mkdirSync(p, { recursive: true });
    else {
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, data);
    }
  }
  const before = listFiles(dir).sort();
  const file = join(dir, c.main);
  const out = join(dir, 'out', 'table.yaml');
  mkdirSync(join(dir, 'out'));
  const chk = await cli(['check', file]);
  const cmp = await cli(['compile', file, '-o', out]);
  const ms = Math.max(chk.ms, cmp.ms);
  const f = judge('check', chk) ?? judge('compile', cmp);
  if (f) return { failure: f, ms };
  if (chk.code !== cmp.code) return { failure: `check exit ${chk.code} but compile exit ${cmp.code}`, ms };
  if (cmp.code !== 0 && existsSync(out)) return { failure: `compile exit ${cmp.code} but ${out} was written`, ms };
  if (cmp.code === 0 && !existsSync(out)) return { failure: 'compile exit 0 but no output', ms };
  const temps = strayTemps(dir);
  if (temps.length) return { failure: `temporary files left: ${temps.join(', ')}`, ms };
  const after = listFiles(dir).filter((f) => !f.startsWith('out/')).sort();
  if (JSON.stringify(after) !== JSON.stringify(before)) return { failure: `files changed: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`, ms };
  return { ms };
}
