import type { Diagnostic } from './diagnostic.js';
import type { SourceText } from './source.js';

/** Code frames show at most this many characters of the source line. */
export const MAX_FRAME_WIDTH = 240;

/**
 * Renders a diagnostic the way compilers users know do: `file:line:col: error: message [code]`,
 * then the source line with a caret under the span, then hints.
 */
export function renderDiagnostic(d: Diagnostic, sources: ReadonlyMap<string, SourceText>): string {
  const out: string[] = [];
  let where = '';
  if (d.span) where = `${d.span.file}:${d.span.start.line}:${d.span.start.col}: `;
  else if (d.at) where = `${d.at.file}:0x${d.at.offset.toString(16)}${d.at.vaddr !== undefined ? ` (vaddr 0x${d.at.vaddr.toString(16)})` : ''}: `;
  out.push(`${where}${d.severity}: ${d.message} [${d.code}]`);
  if (d.span) {
    const src = sources.get(d.span.file);
    if (src) {
      let line = src.lineText(d.span.start.line);
      const gutter = String(d.span.start.line);
      const pad = ' '.repeat(gutter.length);
      let startCol = d.span.start.col;
      let endCol = d.span.end.line === d.span.start.line ? Math.max(d.span.end.col, startCol + 1) : line.length + 1;
      // A megabyte-long line is shown as a window around the span, not once per diagnostic in full.
      if (line.length > MAX_FRAME_WIDTH) {
        const from = Math.max(0, startCol - 1 - MAX_FRAME_WIDTH / 2);
        const shown = line.slice(from, from + MAX_FRAME_WIDTH);
        const lead = from > 0 ? '…' : '';
        line = `${lead}${shown}${from + MAX_FRAME_WIDTH < line.length ? '…' : ''}`;
        startCol = startCol - from + lead.length;
        endCol = Math.min(endCol - from + lead.length, line.length + 1);
      }
      const prefix = line.slice(0, startCol - 1).replace(/[^\t]/g, ' ');
      out.push(`${pad} |`);
      out.push(`${gutter} | ${line}`);
      out.push(`${pad} | ${prefix}${'^'.repeat(Math.max(1, endCol - startCol))}`);
    }
  }
  for (const h of d.hints ?? []) out.push(`  = ${h}`);
  return out.join('\n');
}
