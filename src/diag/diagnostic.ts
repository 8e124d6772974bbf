// Diagnostics are plain data: every phase returns them, only the CLI prints them.

export type Severity = 'error' | 'warning' | 'note';

/** A place in a text file. line and col are 1-based; offset is the 0-based character index. */
export interface SourcePos {
  line: number;
  col: number;
  offset: number;
}

export interface SourceSpan {
  file: string;
  start: SourcePos;
  /** Exclusive end. */
  end: SourcePos;
}

/** A place in a binary: the file offset, and the virtual address when one is known. */
export interface BinaryLocation {
  file: string;
  offset: number;
  vaddr?: bigint;
}

/**
 * A suggestion a program can apply: the text at `span` becomes `text`. A hint says the same in words; an
 * editor offers this as a quick fix. Only set where the replacement is certain to be what the hint means.
 */
export interface Fix {
  span: SourceSpan;
  text: string;
}

export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable code, e.g. "unknown-op", "asm-no-encoding". */
  code: string;
  message: string;
  span?: SourceSpan;
  at?: BinaryLocation;
  /** Extra lines: suggestions, the forms that exist, a counterexample. */
  hints?: string[];
  fixes?: Fix[];
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

export function error(code: string, message: string, span?: SourceSpan, hints?: string[]): Diagnostic {
  return { severity: 'error', code, message, ...(span ? { span } : {}), ...(hints && hints.length ? { hints } : {}) };
}

export function warning(code: string, message: string, span?: SourceSpan, hints?: string[]): Diagnostic {
  return { severity: 'warning', code, message, ...(span ? { span } : {}), ...(hints && hints.length ? { hints } : {}) };
}

/** An error a user caused with a file we read (I/O, malformed binary): exit code 2, not 1. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly at?: BinaryLocation,
  ) {
    super(message);
    this.name = 'InputError';
  }
}
