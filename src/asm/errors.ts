// Errors the parsers and the encoder raise internally; assembleBlock turns them into AsmError data.

export class InsnError extends Error {
  constructor(message: string, public readonly start: number, public readonly end: number, public readonly hints?: string[]) {
    super(message);
  }
}
