// Between the compiler's places (1-based line and column, file names relative to the working directory)
// and the protocol's (0-based line and UTF-16 character, file URIs). JavaScript strings are UTF-16, so a
// column is already a protocol character.
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Position, Range } from 'vscode-languageserver';
import type { SourceSpan } from '../diag/diagnostic.js';

export function toRange(span: SourceSpan): Range {
  return { start: { line: span.start.line - 1, character: span.start.col - 1 }, end: { line: span.end.line - 1, character: span.end.col - 1 } };
}

/** The absolute path of a file as diagnostics name it (relative to the working directory, or absolute). */
export function absPath(file: string): string {
  return resolve(file);
}

export function uriOf(file: string): string {
  return pathToFileURL(absPath(file)).href;
}

export function pathOf(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

export function contains(span: SourceSpan, pos: Position): boolean {
  const line = pos.line + 1;
  const col = pos.character + 1;
  if (line < span.start.line || line > span.end.line) return false;
  if (line === span.start.line && col < span.start.col) return false;
  if (line === span.end.line && col > span.end.col) return false;
  return true;
}

const WORD = /[A-Za-z0-9_.$%@]/;

/** The word under the cursor (the lexer's Word characters) and where it starts. */
export function wordAt(line: string, pos: Position): { word: string; start: number } | undefined {
  let s = pos.character;
  let e = pos.character;
  while (s > 0 && WORD.test(line[s - 1]!)) s--;
  while (e < line.length && WORD.test(line[e]!)) e++;
  return e > s ? { word: line.slice(s, e), start: s } : undefined;
}
