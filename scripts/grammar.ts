// Writes grammar/rules.ebnf and grammar/diagrams.html from the parser. Run: npm run grammar
import { writeFileSync } from 'node:fs';
import { grammarDiagramsHtml, grammarEbnf } from '../src/syntax/grammarText.js';

writeFileSync(new URL('../grammar/rules.ebnf', import.meta.url), grammarEbnf());
writeFileSync(new URL('../grammar/diagrams.html', import.meta.url), grammarDiagramsHtml());
process.stdout.write('wrote grammar/rules.ebnf and grammar/diagrams.html\n');
