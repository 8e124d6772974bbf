import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { disassemble } from '../../asm/index.js';
import { lookupVaddr, type SymbolTable } from '../../binary/index.js';
import { InputError } from '../../diag/diagnostic.js';
import { predictText, sitesFromAllowList } from '../../kernel/predict.js';
import { checkText, dumpReader, emptyStats, SiteIndex, type PredictedSite, type TextCheckStats, type TextFinding } from '../../kernel/textCheck.js';
import { readTextDump } from '../../kernel/textDump.js';
import { EXIT, UsageError, type Io } from '../io.js';
import { kernelTextOptions, loadKernelInputs } from './kernelText.js';

export const verifyTextHelp = `usage: patchc verify-text --rules FILE INPUT (--cpu FILE | --allow-list A.json) DUMP [--base ADDR] [--json] [--max N]

Checks a running kernel's text against the prediction (patchc predict) for INPUT (vmlinuz or vmlinux).
DUMP is raw memory starting at --base ADDR (gdb: dump binary memory F _text _etext), or an ELF core whose
PT_LOAD program headers carry virtual addresses (/proc/kcore, a core file). Every byte must equal the
prediction, or lie in a runtime-dependent site that holds one of its legal forms. Each other run of differing
bytes is printed: address, symbol+offset, expected and found bytes, both disassemblies, and the table site it
lies in with that site's legal forms, or unexplained.
  --cpu FILE         predict from the image and this CPU (as predict)
  --allow-list A     use a saved allow-list (patchc predict --allow-list) instead: no CPU needed
  --symbols MAP      System.map (686 kernels)        --json    the findings as JSON on stdout
  --max N            print at most N findings (default 50; all are counted)
Exit: 0 clean, 1 findings, 2 bad input.
`;

interface Expected {
  ranges: { name: string; start: bigint; bytes: Uint8Array }[];
  sites: PredictedSite[];
}

function fromAllowList(path: string, elf: Parameters<typeof lookupVaddr>[0]): Expected {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError(`${path}: ${(e as Error).message}`);
  }
  let list: ReturnType<typeof sitesFromAllowList>;
  try {
    list = sitesFromAllowList(doc);
  } catch (e) {
    throw new InputError(`${path}: ${(e as Error).message}`);
  }
  // Outside the sites boot changes nothing: the image's bytes, with each site's prediction over them.
  const ranges = list.ranges.map((r) => {
    const l = lookupVaddr(elf, r.start, r.size);
    if (!l.ok) throw new InputError(`${path}: range ${r.name} 0x${r.start.toString(16)} (+${r.size}) is not in the image: ${l.reason}`);
    return { name: r.name, start: r.start, bytes: elf.data.slice(l.offset, l.offset + r.size) };
  });
  for (const s of list.sites) {
    const r = ranges.find((x) => s.addr >= x.start && s.addr + BigInt(s.len) <= x.start + BigInt(x.bytes.length));
    if (r) r.bytes.set(s.predicted, Number(s.addr - r.start));
  }
  return { ranges, sites: list.sites };
}

const hexBytes = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/** The instructions of `bytes` (decoded from `from`) that overlap [addr, addr+len), objdump style. */
function disasm(bytes: Uint8Array, from: bigint, addr: bigint, len: number, bitness: 32 | 64): string {
  const lo = Number(addr - from);
  return disassemble(bytes, bitness, 'att', from)
    .filter((l) => l.offset + l.bytes.length > lo && l.offset < lo + len)
    .map((l) => l.text)
    .join('; ');
}

function formText(s: PredictedSite): string {
  if (!s.forms) return `predicted ${hexBytes(s.predicted)}`;
  return `legal: ${s.forms.map((f) => ('any' in f ? 'any value' : 'bytes' in f ? hexBytes(f.bytes) : `${f.branch === 0xe8 ? 'call' : 'jmp'} <function entry>`)).join(' | ')} (${s.dependsOn ?? ''})`;
}

export async function verifyTextCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...kernelTextOptions, base: { type: 'string' }, 'allow-list': { type: 'string' }, json: { type: 'boolean' }, max: { type: 'string', default: '50' } },
  });
  if (values.help) {
    io.out(verifyTextHelp);
    return EXIT.ok;
  }
  if (positionals.length !== 2) throw new UsageError('verify-text takes the kernel image and the dump');
  if ((values.cpu === undefined) === (values['allow-list'] === undefined)) throw new UsageError('give exactly one of --cpu FILE and --allow-list FILE');
  const max = Number(values.max);
  if (!Number.isInteger(max) || max < 0) throw new UsageError('--max takes a whole number');
  let base: bigint | undefined;
  if (values.base !== undefined) {
    try {
      base = BigInt(values.base);
    } catch {
      throw new UsageError(`--base ${values.base}: not a number (0x... or decimal)`);
    }
  }
  const [input, dumpPath] = positionals as [string, string];
  let dumpData: Uint8Array;
  try {
    dumpData = new Uint8Array(readFileSync(dumpPath));
  } catch (e) {
    throw new UsageError(`cannot read ${dumpPath}: ${(e as Error).message}`);
  }
  const pieces = readTextDump(dumpPath, dumpData, base);
  const inputs = await loadKernelInputs(values, input, io, false);
  if (typeof inputs === 'number') return inputs;
  const expected: Expected = values['allow-list'] ? fromAllowList(values['allow-list'], inputs.elf) : predictText(inputs.elf, inputs.table, inputs.symbols, inputs.cpu!);
  const index = new SiteIndex(expected.sites);
  const dump = dumpReader(pieces);
  const stats = emptyStats();
  const findings: TextFinding[] = [];
  let compared = 0;
  for (const r of expected.ranges) {
    const rEnd = r.start + BigInt(r.bytes.length);
    for (const p of pieces) {
      const from = p.start > r.start ? p.start : r.start;
      const pEnd = p.start + BigInt(p.bytes.length);
      const to = pEnd < rEnd ? pEnd : rEnd;
      if (to <= from) continue;
      const exp = r.bytes.subarray(Number(from - r.start), Number(to - r.start));
      const got = p.bytes.subarray(Number(from - p.start), Number(to - p.start));
      compared += got.length;
      findings.push(...checkText(from, exp, got, index, inputs.symbols, stats, dump));
    }
  }
  if (compared === 0) throw new InputError(`${dumpPath}: holds none of the kernel's predicted text (${expected.ranges.map((r) => `${r.name} 0x${r.start.toString(16)}`).join(', ')})`);
  const bitness = inputs.table.bitness;
  const rows = findings.map((f) => describeFinding(f, inputs.symbols, bitness, expected.ranges));
  if (values.json) io.out(`${JSON.stringify({ compared, findings: rows, explained: Object.fromEntries(stats.explained), wrong: Object.fromEntries(stats.wrong) }, null, 2)}\n`);
  else io.out(textReport(rows.slice(0, max), findings.length, compared, stats));
  return findings.length ? EXIT.rules : EXIT.ok;
}

interface FindingRow {
  address: string;
  symbol?: string;
  length: number;
  expected: string;
  found: string;
  expectedAsm: string;
  foundAsm: string;
  table?: string;
  site?: string;
  legal?: string;
  explained: false;
}

function describeFinding(f: TextFinding, symbols: SymbolTable | undefined, bitness: 32 | 64, ranges: Expected['ranges']): FindingRow {
  // Decode from the enclosing function's start (instruction boundaries), as far as the run's last instruction.
  const r = ranges.find((x) => f.addr >= x.start && f.addr < x.start + BigInt(x.bytes.length))!;
  const near = symbols?.nearest(f.addr);
  const from = near && near.offset < 4096n && near.symbol.address >= r.start ? near.symbol.address : f.addr;
  const o = Number(from - r.start);
  const end = Math.min(r.bytes.length, Number(f.addr - r.start) + f.len + 15);
  const expCtx = r.bytes.slice(o, end);
  const foundCtx = expCtx.slice();
  foundCtx.set(f.found, Number(f.addr - from));
  return {
    address: `0x${f.addr.toString(16)}`,
    ...(symbols ? { symbol: symbols.describe(f.addr) } : {}),
    length: f.len,
    expected: hexBytes(f.expected),
    found: hexBytes(f.found),
    expectedAsm: disasm(expCtx, from, f.addr, f.len, bitness),
    foundAsm: disasm(foundCtx, from, f.addr, f.len, bitness),
    ...(f.site ? { table: f.site.table, site: `0x${f.site.addr.toString(16)}${symbols ? ` ${symbols.describe(f.site.addr)}` : ''}`, legal: formText(f.site) } : {}),
    explained: false,
  };
}

function textReport(rows: FindingRow[], total: number, compared: number, stats: TextCheckStats): string {
  const explained = [...stats.explained].map(([t, e]) => `${e.sites} ${t}`).join(', ');
  const head = `${compared} bytes compared; ${total} finding(s); runtime-dependent sites in another legal form: ${explained || 'none'}\n`;
  const body = rows.map((r) => [
    `${r.address} ${r.symbol ?? ''} (+${r.length}): ${r.table ? `inside ${r.table} site ${r.site}, not a form it may hold` : 'unexplained: no boot-time patch site here'}`,
    `  expected: ${r.expected.padEnd(24)} ${r.expectedAsm}`,
    `  found:    ${r.found.padEnd(24)} ${r.foundAsm}`,
    ...(r.legal ? [`  site ${r.legal}`] : []),
  ].join('\n'));
  const more = total > rows.length ? `\n(${total - rows.length} more findings not shown)` : '';
  return `${head}${body.join('\n')}${more}${body.length ? '\n' : ''}`;
}
