// `--rules` takes a rule file or a compiled table (YAML/JSON from `patchc compile`).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { hasErrors } from '../diag/diagnostic.js';
import { buildTables } from '../pipeline/build.js';
import { tableFromDocument, TableFormatError } from '../table/document.js';
import type { PatchTable } from '../table/types.js';
import { reportDiagnostics, UsageError, type Io } from './io.js';
import { checkFeatureNames } from '../kernel/ruleFeatures.js';

export type TableLoad = { ok: true; table: PatchTable } | { ok: false; exit: number };

export function loadTableForArch(path: string, arch: string, io: Io): TableLoad {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
  if (/^\s*(\{|\[|patchc_table:)/.test(text)) {
    try {
      const docs = text.trimStart().startsWith('patchc_table:') || text.includes('\n---') ? text.split(/^---$/m).map((d) => parse(d)) : [JSON.parse(text)];
      const flat = docs.flatMap((d) => (Array.isArray(d) ? d : [d]));
      const tables = flat.map((d) => tableFromDocument(d, path));
      const t = tables.find((x) => x.arch === arch);
      if (!t) throw new UsageError(`${path} has tables for ${tables.map((x) => x.arch).join(', ')}, not ${arch}`);
      return { ok: true, table: t };
    } catch (e) {
      if (e instanceof TableFormatError || e instanceof SyntaxError) {
        io.err(`patchc: ${e.message}\n`);
        return { ok: false, exit: 2 };
      }
      throw e;
    }
  }
  const built = buildTables(path, () => [arch], undefined, [checkFeatureNames]);
  const diags = built.diagnostics;
  if (diags.length) reportDiagnostics(io, diags, built.sources);
  if (hasErrors(diags)) return { ok: false, exit: diags.some((d) => d.code === 'file-unreadable') ? 2 : 1 };
  return { ok: true, table: built.tables[0]! };
}
