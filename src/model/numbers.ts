/** Parses 123, 0x7b, 0b1111011 and 0o173 (no sign). Undefined when it is not a number. */
export function parseInteger(text: string): bigint | undefined {
  if (!/^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|[0-9]+)$/.test(text)) return undefined;
  return BigInt(text);
}
