// Test helper: the CLI's main() with its output captured.
import { main } from '../../src/cli/main.js';

export async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}
