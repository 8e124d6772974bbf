// `patchc lsp` as an editor sees it: a child process spoken to over stdio by a real LSP client.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CodeActionRequest,
  CompletionRequest,
  DefinitionRequest,
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  HoverRequest,
  ReferencesRequest,
  RenameRequest,
  SemanticTokensRequest,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type Hover,
  type Location,
  type Position,
} from 'vscode-languageserver-protocol/node';
import { gnuAssemble } from '../asm/unit/gnuAs.js';
import { formatText } from '../../src/syntax/format.js';
import { startServer, uri, type Client } from './client.js';

let client: Client;
const spaced = (hex: string): string => hex.replace(/(..)(?!$)/g, '$1 ');
const dir = mkdtempSync(join(tmpdir(), 'patchc-lsp-'));

const MAIN = `ruleset t
syntax att
import "common.rules"
op ident(u64) -> u64 : identity(arg0)
op save_fl() -> ulong : opaque

arch x86_64 {
  ident   -> mov arg0, ret
  save_fl -> pushf; pop %rax
  shared  -> nop
}

arch i386 {
  ident -> mov arg0, ret
}

opstable pv_ops {
  symbol pv_ops
  slots {
    ident
    shared
  }
}

sitetable sites {
  section ".parainstructions"
  stride 16
  site ptr at 0
  op u8 at 8
  len u8 at 9
  ops pv_ops
  expect indirect-call
}
`;

const COMMON = `op shared() : opaque
`;

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** The position of the n-th occurrence of `needle` (plus `delta` characters) in `text`. */
function at(text: string, needle: string, delta = 0, nth = 0): Position {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`no '${needle}'`);
  const before = text.slice(0, i + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

async function hoverText(path: string, pos: Position): Promise<string> {
  const h = (await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uri(path) }, position: pos })) as Hover | null;
  return h ? (h.contents as { value: string }).value : '';
}

async function labels(path: string, pos: Position): Promise<string[]> {
  const r = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: uri(path) }, position: pos })) as CompletionItem[] | CompletionList | null;
  return (Array.isArray(r) ? r : (r?.items ?? [])).map((i) => i.label);
}

async function quickFixes(path: string, d: Diagnostic): Promise<string[]> {
  const actions = await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: uri(path) }, range: d.range, context: { diagnostics: [d] } });
  return (actions ?? []).map((a) => ('edit' in a ? Object.values(a.edit?.changes ?? {}).flat().map((e) => e.newText).join('|') : ''));
}

let main: string;

beforeAll(async () => {
  client = await startServer();
  file('common.rules', COMMON);
  main = file('main.rules', MAIN);
  expect(await client.open(main, MAIN)).toEqual([]);
}, 60_000);

afterAll(async () => {
  await client?.close();
});

describe('diagnostics', () => {
  it('an edit that introduces an error publishes it with the CLI code and hint; the fix clears it', async () => {
    const broken = MAIN.replace('save_fl -> pushf', 'save_f -> pushf');
    const d = await client.change(main, broken);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'unknown-op', severity: 1, range: { start: at(broken, 'save_f ') } });
    expect(d[0]!.message).toContain("did you mean 'save_fl'?");
    expect(await quickFixes(main, d[0]!)).toEqual(['save_fl']);
    expect(await client.change(main, MAIN)).toEqual([]);
  });

  it("an import's errors show at the import in the importing file", async () => {
    file('bad.rules', 'op broken( : opaque\n');
    const p = file('imports-bad.rules', 'ruleset t2\nimport "bad.rules"\narch x86_64 {\n  default -> call target\n}\n');
    const d = await client.open(p, 'ruleset t2\nimport "bad.rules"\narch x86_64 {\n  default -> call target\n}\n');
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'syntax', range: { start: { line: 1 } } });
    expect(d[0]!.message).toContain('bad.rules:1:');
  });

  it('quick fixes: the operand swap the verifier proposes, x86-64 → x86_64', async () => {
    const text = 'ruleset q\nsyntax att\nop id(u64) -> u64 : identity(arg0)\narch x86_64 {\n  id -> mov %rax, %rdi\n}\n';
    const p = file('swap.rules', text);
    const d = await client.open(p, text);
    const swap = d.find((x) => x.code === 'verify-identity')!;
    expect(await quickFixes(p, swap)).toEqual(['mov %rdi, %rax']);
    // Written with ABI names, the fix keeps them.
    const abi = await client.change(p, text.replace('mov %rax, %rdi', 'mov ret, arg0'));
    expect(await quickFixes(p, abi.find((x) => x.code === 'verify-identity')!)).toEqual(['mov arg0, ret']);
    const arch = await client.change(p, text.replace('x86_64', 'x86-64'));
    const unknown = arch.find((x) => x.code === 'unknown-arch')!;
    expect(await quickFixes(p, unknown)).toEqual(['x86_64']);
  });
});

describe('hover', () => {
  it('on a rule: bytes as GNU as assembles them, disassembly, length against the site, writes, verdict', async () => {
    const gnu = gnuAssemble(['pushf', 'pop %rax'], { bitness: 64, syntax: 'att' }).map((l) => l.bytes!);
    const h = await hoverText(main, at(MAIN, 'pushf'));
    const total = gnu.join('').length / 2;
    expect(h).toContain(`**x86_64**: ${total} byte(s) (site 6), ${6 - total} byte(s) of NOP after it`);
    // The disassembly: one line per instruction, its offset, its bytes, objdump's text.
    expect(h).toMatch(new RegExp(` 0: ${spaced(gnu[0]!)}\\s+pushf`));
    expect(h).toMatch(new RegExp(` ${gnu[0]!.length / 2}: ${spaced(gnu[1]!)}\\s+pop\\s+%rax`));
    expect(h).toContain('writes: rax');
    expect(h).toContain('contract: **opaque**');
  });

  it('on a rule implemented on both architectures: both, with bytes from GNU as', async () => {
    const [x64] = gnuAssemble(['mov %rdi, %rax'], { bitness: 64, syntax: 'att' });
    const h = await hoverText(main, at(MAIN, '-> mov', 3));
    expect(h).toContain(spaced(x64!.bytes!));
    expect(h).toContain('**i386**: 0 byte(s)');
    expect(h).toContain('contract: **proved**');
  });

  it('on an op: signature, contract, the rules implementing it', async () => {
    const h = await hoverText(main, at(MAIN, 'op ident', 4));
    expect(h).toContain('op ident(u64) -> u64 : identity(arg0)');
    expect(h).toContain('contract: identity(arg0)');
    expect(h).toContain('**x86_64**');
    expect(h).toContain('**i386**');
  });

  it('on an ABI name: the register per architecture', async () => {
    const h = await hoverText(main, at(MAIN, 'arg0, ret', 1));
    expect(h).toContain('**x86_64**');
    expect(h).toContain('`rdi`');
    expect(h).toContain('`edx:eax`');
  });
});

describe('completion', () => {
  it('keywords at the top, op names as selectors, mnemonics after ->, AT&T registers and ABI names in operands', async () => {
    const text = `${MAIN}\narch x86_64 {\n  \n  ident -> \n  ident -> mov \n}\n`;
    const p = file('complete.rules', text);
    await client.open(p, text);
    expect(await labels(p, { line: 0, character: 0 })).toEqual(expect.arrayContaining(['ruleset', 'op', 'arch', 'sitetable']));
    const lines = text.split('\n');
    const n = lines.length;
    expect(await labels(p, { line: n - 5, character: 2 })).toEqual(expect.arrayContaining(['ident', 'save_fl', 'shared', 'default', 'missing']));
    const insn = await labels(p, { line: n - 4, character: lines[n - 4]!.length });
    expect(insn).toEqual(expect.arrayContaining(['mov', 'movq', 'pushf', 'trap', 'bytes']));
    expect(insn).not.toContain('pusha');
    const operands = await labels(p, { line: n - 3, character: lines[n - 3]!.length });
    expect(operands).toEqual(expect.arrayContaining(['%rax', '%r8', 'arg0', 'ret']));
    expect(operands).not.toContain('rax');
  });

  it('in an op declaration: types, then contracts', async () => {
    const text = 'ruleset o\nop g(u64) -> \nop h() : \n';
    const p = file('opdecl.rules', text);
    await client.open(p, text);
    expect(await labels(p, { line: 1, character: 13 })).toEqual(expect.arrayContaining(['u64', 'ulong', 'ptr', 'bool']));
    expect(await labels(p, { line: 2, character: 9 })).toEqual(expect.arrayContaining(['identity(arg0)', 'opaque', 'callee_save', 'max']));
  });

  it('an unsaved document (untitled:) is checked from its text', async () => {
    const d = await client.openUri('untitled:Untitled-1', 'ruleset u\narch x86_64 {\n  nope -> nop\n}\n');
    expect(d.map((x) => x.code)).toEqual(['unknown-op']);
  });

  it('feature names of the alttable kernel version; section names and keys in a sitetable', async () => {
    const text = 'ruleset f\nalttable alt {\n  features linux-6.1\n  assume \n}\nsitetable s {\n  section \n  \n}\n';
    const p = file('features.rules', text);
    await client.open(p, text);
    expect(await labels(p, { line: 3, character: 9 })).toContain('X86_FEATURE_ALWAYS');
    expect(await labels(p, { line: 6, character: 10 })).toContain('".parainstructions"');
    expect(await labels(p, { line: 7, character: 2 })).toEqual(expect.arrayContaining(['stride', 'ops', 'expect']));
  });
});

describe('CPU feature conditions', () => {
  const text = 'ruleset c\nsyntax att\nfeatures linux-6.12\nop memcpy(ptr, ptr, ulong) -> ptr : opaque\narch x86_64 {\n  memcpy if  -> rep movsb\n  default -> call target\n}\n';
  it("after `if`: the rule set's feature names (macros and cpuinfo names of its kernel version)", async () => {
    const p = file('cond.rules', text);
    await client.open(p, text);
    const got = await labels(p, at(text, 'if  ->', 3));
    expect(got).toEqual(expect.arrayContaining(['X86_FEATURE_ERMS', 'erms', 'X86_FEATURE_XENPV']));
    expect(await labels(p, at(text, 'memcpy if', 7))).toEqual(expect.arrayContaining(['if', 'unless']));
  });

  it('an unknown feature is published with the CLI code, the nearest name as a quick fix', async () => {
    const bad = text.replace('if  ->', 'if X86_FEATURE_ERMSS ->');
    const p = file('cond-bad.rules', bad);
    const d = await client.open(p, bad);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'unknown-feature', range: { start: at(bad, 'X86_FEATURE_ERMSS') } });
    expect(d[0]!.message).toMatch(/X86_FEATURE_ERMSS.*Linux 6\.12/);
    expect(await quickFixes(p, d[0]!)).toEqual(['X86_FEATURE_ERMS']);
  });
});

describe('navigation', () => {
  it('definition: a rule, an opstable slot and an imported op lead to their declarations; an import to its file', async () => {
    const def = async (pos: Position) => (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: uri(main) }, position: pos })) as Location[];
    expect(await def(at(MAIN, 'ident   ->'))).toEqual([{ uri: uri(main), range: { start: at(MAIN, 'ident('), end: at(MAIN, 'ident(', 5) } }]);
    expect((await def(at(MAIN, 'shared', 0, 1)))[0]!.uri).toBe(uri(join(dir, 'common.rules')));
    expect((await def(at(MAIN, 'common.rules')))[0]!.uri).toBe(uri(join(dir, 'common.rules')));
    expect((await def(at(MAIN, 'ops pv_ops', 4)))[0]!.range.start).toEqual(at(MAIN, 'pv_ops {'));
  });

  it('references: declaration, rules on both architectures, the opstable slot', async () => {
    const refs = (await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri: uri(main) }, position: at(MAIN, 'ident   ->'), context: { includeDeclaration: true } })) as Location[];
    expect(refs.map((r) => r.range.start.line).sort((a, b) => a - b)).toEqual([3, 7, 13, 19]);
  });

  it('rename of an op reaches the file it is imported from', async () => {
    const edit = await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri: uri(main) }, position: at(MAIN, 'shared  ->'), newName: 'common_op' });
    const changes = edit!.changes!;
    // complete.rules, open too, is a copy of main.rules: it imports common.rules as well.
    expect(Object.keys(changes).sort()).toEqual([uri(join(dir, 'common.rules')), uri(join(dir, 'complete.rules')), uri(main)].sort());
    expect(changes[uri(main)]!.map((e) => e.newText)).toEqual(['common_op', 'common_op']);
    expect(changes[uri(join(dir, 'common.rules'))]!).toHaveLength(1);
  });

  it('rename in an imported file reaches the open files that import it', async () => {
    const common = join(dir, 'common.rules');
    await client.open(common, COMMON);
    const edit = await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri: uri(common) }, position: { line: 0, character: 4 }, newName: 'common_op' });
    expect(Object.keys(edit!.changes!).sort()).toEqual([uri(common), uri(join(dir, 'complete.rules')), uri(main)].sort());
    expect(edit!.changes![uri(main)]!).toHaveLength(2);
  });

  it('outline: ruleset, ops, arch blocks with their rules, tables', async () => {
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: uri(main) } })) as { name: string; children?: { name: string }[] }[];
    expect(symbols.map((s) => s.name)).toEqual(['t', 'syntax att', 'common.rules', 'ident', 'save_fl', 'arch x86_64', 'arch i386', 'pv_ops', 'sites']);
    expect(symbols[5]!.children!.map((c) => c.name)).toEqual(['ident', 'save_fl', 'shared']);
  });

  it('semantic tokens: keywords, ops, types, mnemonics, registers, ABI names, comments', async () => {
    const text = 'op f(u64) -> u64 : opaque  # c\narch x86_64 {\n  f -> mov arg0, %rax\n}\n';
    const p = file('tokens.rules', text);
    await client.open(p, text);
    const r = await client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri: uri(p) } });
    const types = ['keyword', 'function', 'type', 'number', 'string', 'comment', 'variable', 'parameter', 'macro', 'operator'];
    const lines = text.split('\n');
    const seen: string[] = [];
    let line = 0;
    let col = 0;
    for (let i = 0; i < r!.data.length; i += 5) {
      const [dl, dc, len, type] = r!.data.slice(i, i + 4) as [number, number, number, number];
      line += dl;
      col = dl ? dc : col + dc;
      seen.push(`${lines[line]!.slice(col, col + len)}:${types[type]}`);
    }
    expect(seen).toEqual(['op:keyword', 'f:function', 'u64:type', '->:operator', 'u64:type', '# c:comment', 'arch:keyword', 'f:function', '->:operator', 'mov:macro', 'arg0:parameter', '%rax:variable']);
  });
});

describe('formatting', () => {
  it('is patchc fmt', async () => {
    const messy = MAIN.replace('ident   -> mov arg0, ret', 'ident->mov arg0,ret').replace('  symbol pv_ops', '      symbol   pv_ops');
    const p = file('messy.rules', messy);
    await client.open(p, messy);
    const edits = await client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri: uri(p) }, options: { tabSize: 2, insertSpaces: true } });
    expect(edits).toHaveLength(1);
    expect(edits![0]!.newText).toBe(formatText(p, messy).text);
    expect(edits![0]!.newText).toBe(MAIN);
  });
});
