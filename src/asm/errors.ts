// Errors the parsers and the encoder raise internally; assembleBlock turns them into AsmError data.
// They are plain objects, not Error subclasses: user mistakes are common input, and capturing a stack trace
// for each one costs more than assembling the line.

export class InsnError {
  constructor(public readonly message: string, public readonly start: number, public readonly end: number, public readonly hints?: string[]) {}
}
