import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { grammarDiagramsHtml, grammarEbnf } from '../../src/syntax/grammarText.js';
import { keywords } from '../../src/syntax/tokens.js';

const root = new URL('../../', import.meta.url);

describe('grammar/ stays in step with the parser', () => {
  it('grammar/rules.ebnf is what the parser says (regenerate with npm run grammar)', () => {
    expect(readFileSync(new URL('grammar/rules.ebnf', root), 'utf8')).toBe(grammarEbnf());
  });
  it('grammar/diagrams.html is what the parser says', () => {
    expect(readFileSync(new URL('grammar/diagrams.html', root), 'utf8')).toBe(grammarDiagramsHtml());
  });
  it('the TextMate grammar highlights every keyword of the lexer', () => {
    const tm = readFileSync(new URL('grammar/patchc-rules.tmLanguage.json', root), 'utf8');
    JSON.parse(tm);
    for (const k of keywords) expect(tm, `keyword ${String(k.PATTERN)}`).toContain(String(k.PATTERN).replace(/^\/|\/$/g, ''));
  });
});
