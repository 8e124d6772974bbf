// Where the code-table corpus lives; a module of its own so that the test reaches it without loading iced.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CODETABLE_DIR = join(REPO, 'test/asm/diff/codetable');
export const MANIFEST = 'manifest.txt';
