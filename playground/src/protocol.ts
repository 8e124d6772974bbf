// Messages between the page and the compiler's worker. Plain data: they cross postMessage.

/** Every example file, by absolute virtual path (`/rules/linux/…`); sent once, before any compile. */
export interface InitRequest {
  kind: 'init';
  files: Record<string, string>;
}

/** One state of the editor. `version` increases with every edit; results carry it back. */
export interface CompileRequest {
  kind: 'compile';
  version: number;
  /** Where the edited file sits in the virtual tree: its imports resolve from there. */
  path: string;
  text: string;
  /** The architecture to compile; undefined or unknown: the rule set's first. */
  arch?: string;
}

export type WorkerRequest = InitRequest | CompileRequest;

export interface ViewDiagnostic {
  severity: 'error' | 'warning' | 'note';
  code: string;
  message: string;
  hints: string[];
  /** The file's display name, line and column (1-based), and character offsets; absent without a place. */
  file?: string;
  line?: number;
  col?: number;
  from?: number;
  to?: number;
}

export interface ViewInstruction {
  offset: number;
  hex: string;
  text: string;
}

export interface ViewEntry {
  selector: string;
  hex: string;
  length: number;
  maxLength?: number;
  instructions: ViewInstruction[];
  writes: string[];
  relocations: string[];
  verdict?: string;
  verdictDetails: string[];
  notes: string[];
  line: number;
  file: string;
}

export interface CompileResult {
  kind: 'result';
  version: number;
  /** The display name of the edited file, as diagnostics name it. */
  file: string;
  ruleset: string;
  /** Architectures the rule set has blocks for, and the one compiled. */
  arches: string[];
  arch?: string;
  bitness?: 32 | 64;
  entries: ViewEntry[];
  diagnostics: ViewDiagnostic[];
  /** Worker time for this version, load to verdicts. */
  ms: number;
}

export interface ReadyMessage {
  kind: 'ready';
  /** Time to fetch and compile iced-x86's WebAssembly and load the compiler. */
  ms: number;
}

export interface FailureMessage {
  kind: 'failure';
  version?: number;
  message: string;
}

export type WorkerMessage = ReadyMessage | CompileResult | FailureMessage;
