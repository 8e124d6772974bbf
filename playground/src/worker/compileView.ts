// One editor state through the CLI's pipeline (buildTablesFrom), flattened into what the page shows.
import type { Diagnostic } from '../../../src/diag/diagnostic.js';
import { buildTablesFrom } from '../../../src/pipeline/buildFrom.js';
import { checkFeatureNames } from '../../../src/kernel/ruleFeatures.js';
import { conditionText } from '../../../src/model/check.js';
import { toHex } from '../../../src/table/hex.js';
import type { PatchEntry } from '../../../src/table/types.js';
import { selectorLabel } from '../../../src/verify/index.js';
import type { CompileRequest, CompileResult, ViewDiagnostic, ViewEntry } from '../protocol.js';
import { memoryRuleFiles } from './memoryFiles.js';

export function compileView(examples: ReadonlyMap<string, string>, req: CompileRequest): CompileResult {
  const started = performance.now();
  const files = memoryRuleFiles(new Map([...examples, [req.path, req.text]]));
  let available: string[] = [];
  let arch: string | undefined;
  const built = buildTablesFrom(req.path, files, (arches) => {
    available = arches;
    arch = req.arch !== undefined && arches.includes(req.arch) ? req.arch : arches[0];
    return arch === undefined ? [] : [arch];
  }, [checkFeatureNames]);
  const table = built.tables.find((t) => t.arch === arch);
  return {
    kind: 'result',
    version: req.version,
    file: files.display(req.path),
    ruleset: built.ruleset.name,
    arches: available,
    ...(arch !== undefined ? { arch } : {}),
    ...(table ? { bitness: table.bitness } : {}),
    entries: (table?.entries ?? []).map(viewEntry),
    diagnostics: built.diagnostics.map(viewDiagnostic),
    ms: performance.now() - started,
  };
}

function viewEntry(e: PatchEntry): ViewEntry {
  return {
    selector: e.when ? `${selectorLabel(e.selector)} ${conditionText(e.when)}` : selectorLabel(e.selector),
    hex: toHex(e.bytes),
    length: e.bytes.length,
    ...(e.maxLength !== undefined ? { maxLength: e.maxLength } : {}),
    instructions: e.instructions.map((i) => ({ offset: i.offset, hex: toHex(i.bytes), text: i.text })),
    writes: [...e.writes.registers, ...e.writes.flags],
    relocations: e.relocations.map((r) => `${r.pcRelative ? 'rel' : 'abs'}${r.size * 8} ${r.symbol} at +${r.offset}`),
    ...(e.verdict ? { verdict: e.verdict.verdict } : {}),
    verdictDetails: e.verdict?.details ?? [],
    notes: e.notes,
    line: e.source.line,
    file: e.source.file,
  };
}

function viewDiagnostic(d: Diagnostic): ViewDiagnostic {
  const s = d.span;
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    hints: d.hints ?? [],
    ...(s ? { file: s.file, line: s.start.line, col: s.start.col, from: s.start.offset, to: s.end.offset } : {}),
  };
}
