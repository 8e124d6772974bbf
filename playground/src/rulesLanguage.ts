// Highlighting of rule files: comments, keywords, arrows, strings, numbers. Only colour: what is right or
// wrong is the compiler's to say (its diagnostics come from the worker). The statement keywords are
// src/syntax/tokens.ts's `keywords`, listed here so the page does not load the parser.
import { StreamLanguage } from '@codemirror/language';

const KEYWORDS = new Set(['ruleset', 'syntax', 'import', 'op', 'arch', 'nops', 'sitetable', 'opstable', 'alttable', 'default', 'missing', 'target', 'trap', 'bytes']);

export const rulesLanguage = StreamLanguage.define<null>({
  name: 'patchc-rules',
  startState: () => null,
  token(stream) {
    if (stream.eatSpace()) return null;
    if (stream.match(/^#.*/)) return 'comment';
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return 'string';
    if (stream.match('->')) return 'operator';
    if (stream.match(/^(?:0x[0-9a-fA-F]+|[0-9]+)\b/)) return 'number';
    const word = stream.match(/^[A-Za-z0-9_.$%@]+/) as RegExpMatchArray | null;
    if (word) return KEYWORDS.has(word[0]) ? 'keyword' : word[0].startsWith('%') ? 'variableName.special' : null;
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: '#' } },
});
