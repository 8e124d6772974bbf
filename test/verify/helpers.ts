// Rule files through the real pipeline (load → compile → verify), and GNU as as an outside reference.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../../src/diag/diagnostic.js';
import { loadRuleSet } from '../../src/model/load.js';
import type { RuleSet } from '../../src/model/ruleset.js';
import { compileTables } from '../../src/table/compile.js';
import type { PatchTable } from '../../src/table/types.js';
import { verifyTable, type OpVerdict } from '../../src/verify/index.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Compiled {
  ruleset: RuleSet;
  tables: PatchTable[];
  /** Load and compile diagnostics: tests expect none. */
  pipeline: Diagnostic[];
}

export function compileFile(path: string): Compiled {
  const loaded = loadRuleSet(path);
  const compiled = compileTables(loaded.ruleset, [...loaded.ruleset.arches.keys()], loaded.sources);
  return { ruleset: loaded.ruleset, tables: compiled.tables, pipeline: [...loaded.diagnostics, ...compiled.diagnostics] };
}

export interface Verified extends Compiled {
  verdicts: OpVerdict[];
  diagnostics: Diagnostic[];
}

export function verifyTables(c: Compiled): Verified {
  const verdicts: OpVerdict[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const t of c.tables) {
    const r = verifyTable(t, c.ruleset);
    verdicts.push(...r.verdicts);
    diagnostics.push(...r.diagnostics);
  }
  return { ...c, verdicts, diagnostics };
}

export function verifyFixture(name: string): Verified {
  return verifyTables(compileFile(join(FIXTURES, name)));
}

export function verdictOf(v: Verified, op: string, arch = 'x86_64'): OpVerdict {
  const found = v.verdicts.find((x) => x.op === op && x.arch === arch);
  if (!found) throw new Error(`no verdict for ${op} on ${arch}; have ${v.verdicts.map((x) => `${x.op}/${x.arch}`).join(', ')}`);
  return found;
}

/** Diagnostics about one op (their message starts with `op on arch:`). */
export function diagnosticsFor(v: Verified, op: string, arch = 'x86_64'): Diagnostic[] {
  return v.diagnostics.filter((d) => d.message.startsWith(`${op} on ${arch}:`));
}

/** The bytes GNU as makes of `lines` (one instruction per line), via `objcopy -O binary -j .text`. */
export function gnuAs(lines: string[], bitness: 32 | 64, syntax: 'att' | 'intel'): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'patchc-verify-'));
  try {
    const src = join(dir, 'in.s');
    const header = [syntax === 'intel' ? '.intel_syntax noprefix' : '.att_syntax prefix', bitness === 64 ? '.code64' : '.code32', '.text'];
    writeFileSync(src, `${[...header, ...lines].join('\n')}\n`);
    execFileSync('as', [bitness === 64 ? '--64' : '--32', '-o', join(dir, 'in.o'), src], { stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync('objcopy', ['-O', 'binary', '-j', '.text', join(dir, 'in.o'), join(dir, 'in.bin')]);
    return new Uint8Array(readFileSync(join(dir, 'in.bin')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function hasGnuAs(): boolean {
  try {
    execFileSync('as', ['--version'], { stdio: 'ignore' });
    execFileSync('objcopy', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
