// What the CLI shows people: diagnostics with code frames, on stderr; results on stdout or in files.
import type { Diagnostic } from '../diag/diagnostic.js';
import { renderDiagnostic } from '../diag/render.js';
import type { SourceText } from '../diag/source.js';

export const EXIT = { ok: 0, rules: 1, usage: 2 } as const;

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Resolves when what `out` wrote has been taken by the reader: long outputs wait on it between pieces. */
  drain?(): Promise<void>;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  // A pipe to a slow reader would otherwise collect the whole output in memory.
  drain: () => (process.stdout.writableNeedDrain ? new Promise((resolve) => process.stdout.once('drain', () => resolve())) : Promise.resolve()),
};

/** Diagnostics printed per run (all are counted in the summary line). */
export const MAX_PRINTED = 1000;

export function reportDiagnostics(io: Io, diags: readonly Diagnostic[], sources: ReadonlyMap<string, SourceText>): void {
  const sorted = [...diags].sort((a, b) => (a.span?.file ?? '').localeCompare(b.span?.file ?? '') || (a.span?.start.offset ?? 0) - (b.span?.start.offset ?? 0));
  // Hostile input can produce tens of thousands of diagnostics: print the first MAX_PRINTED, count all.
  for (const d of sorted.slice(0, MAX_PRINTED)) io.err(`${renderDiagnostic(d, sources)}\n`);
  if (sorted.length > MAX_PRINTED) io.err(`(${sorted.length - MAX_PRINTED} more diagnostics not shown)\n`);
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.filter((d) => d.severity === 'warning').length;
  if (errors || warnings) io.err(`${errors} error(s), ${warnings} warning(s)\n`);
}

export class UsageError extends Error {}
