// Saving a file so that readers see either the old contents or the new ones, never a mix, and a crash
// or error never leaves a half-written output: write a temporary file in the same directory (rename is
// only atomic within one file system), fsync it, rename it over the target, then fsync the directory so
// the rename itself is durable. On any error the temporary file is removed.

import { randomBytes } from 'node:crypto';
import { promises as fs, unlinkSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../diag/diagnostic.js';

export interface AtomicWriteOptions {
  /** Permission bits for the new file. Default: those of the file being replaced, else 0o666 minus umask. */
  mode?: number;
}

export async function writeFileAtomic(target: string, data: Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  // Write through a symlink to the file it names rather than replacing the link with a regular file.
  let dest = target;
  let mode = options.mode;
  try {
    dest = await fs.realpath(target);
    const st = await fs.stat(dest);
    // A device or FIFO (`-o /dev/null`, `-o /dev/stdout`, a pipe) is written to, never replaced: renaming
    // over /dev/null would turn it into a regular file for the whole machine.
    if (!st.isFile()) {
      await fs.writeFile(dest, data);
      return;
    }
    if (mode === undefined) mode = st.mode & 0o7777;
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw ioError(`cannot write ${target}`, e);
  }
  const dir = path.dirname(dest);
  const tmp = path.join(dir, `.${path.basename(dest)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: fs.FileHandle | undefined;
  trackTemp(tmp);
  try {
    handle = await fs.open(tmp, 'wx', mode ?? 0o666);
    await handle.writeFile(data);
    // open() applies the umask; an explicit or inherited mode must survive it.
    if (mode !== undefined) await handle.chmod(mode);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, dest);
  } catch (e) {
    if (handle) await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw ioError(`cannot write ${target}`, e);
  } finally {
    untrackTemp(tmp);
  }
  // Durability of the rename; some file systems refuse fsync on directories, which is not an error here.
  try {
    const d = await fs.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    /* best effort */
  }
}

// Interrupted writes. Ctrl-C or a build system's SIGTERM during a write would otherwise leave the
// temporary file behind (the target is safe either way: it is only ever replaced by rename). While a
// temporary file exists, SIGINT and SIGTERM remove it and exit as the signal would (128 + its number);
// the handlers are installed only for that window, so the rest of the time the process keeps Node's
// default behaviour (and a library user's own handlers are not disturbed outside it).
const inFlight = new Set<string>();
const SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const;

function onSignal(signal: keyof typeof SIGNALS): void {
  for (const t of inFlight) {
    try {
      unlinkSync(t);
    } catch {
      /* already renamed or never created */
    }
  }
  inFlight.clear();
  process.exit(128 + SIGNALS[signal]);
}

function trackTemp(tmp: string): void {
  if (inFlight.size === 0) for (const sig of Object.keys(SIGNALS) as (keyof typeof SIGNALS)[]) process.on(sig, onSignal);
  inFlight.add(tmp);
}

function untrackTemp(tmp: string): void {
  inFlight.delete(tmp);
  if (inFlight.size === 0) for (const sig of Object.keys(SIGNALS) as (keyof typeof SIGNALS)[]) process.off(sig, onSignal);
}

function isErrno(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}

function ioError(what: string, e: unknown): InputError {
  const err = new InputError(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  (err as Error & { cause?: unknown }).cause = e;
  return err;
}
