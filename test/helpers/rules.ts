// Test helper: write rule files to a temporary folder and run them through the real pipeline.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../../src/diag/diagnostic.js';
import { loadRuleSet, type LoadResult } from '../../src/model/load.js';
import { compileTables, type CompileResult } from '../../src/table/compile.js';

export function writeRules(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'patchc-rules-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

export interface Pipeline {
  loaded: LoadResult;
  compiled: CompileResult;
  diagnostics: Diagnostic[];
  errors: Diagnostic[];
}

/** Loads `main.rules` (or the first file) from the given files and compiles it for the given arches. */
export function runPipeline(files: Record<string, string>, arches?: string[]): Pipeline {
  const dir = writeRules(files);
  const main = 'main.rules' in files ? 'main.rules' : Object.keys(files)[0]!;
  const loaded = loadRuleSet(join(dir, main), undefined, dir);
  const compiled = compileTables(loaded.ruleset, arches ?? [...loaded.ruleset.arches.keys()], loaded.sources);
  const diagnostics = [...loaded.diagnostics, ...compiled.diagnostics];
  return { loaded, compiled, diagnostics, errors: diagnostics.filter((d) => d.severity === 'error') };
}

export function entryHex(p: Pipeline, arch: string, op: string): string | undefined {
  const t = p.compiled.tables.find((x) => x.arch === arch);
  const e = t?.entries.find((x) => x.selector.kind === 'op' && x.selector.op === op);
  return e ? Buffer.from(e.bytes).toString('hex') : undefined;
}
