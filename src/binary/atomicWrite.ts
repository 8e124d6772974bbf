// Saving a file so that readers see either the old contents or the new ones, never a mix, and a crash
// or error never leaves a half-written output: write a temporary file in the same directory (rename is
// only atomic within one file system), fsync it, rename it over the target, then fsync the directory so
// the rename itself is durable. On any error the temporary file is removed.

import { randomBytes } from 'node:crypto';
import { promises as fs, unlinkSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../diag/diagnostic.js';

export interface AtomicWriteOptions {
  /** Permission bits for the new file. Default: those of the file being replaced, else 0o666 minus umask. */
  mode?: number;
}

/** Contents given piece by piece (strings as UTF-8), so that none of it needs to be one string or buffer. */
export type Chunks = Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

export async function writeFileAtomic(target: string, data: Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  return writeFileAtomicStream(target, [data], options);
}

/**
 * writeFileAtomic for contents too large to hold at once (a report of a million sites is past V8's
 * longest string): each chunk is written to the temporary file as it is produced. A chunk source that
 * throws leaves nothing behind either, and its error is rethrown as it is (a bug, not an I/O error).
 */
export async function writeFileAtomicStream(target: string, chunks: Chunks, options: AtomicWriteOptions = {}): Promise<void> {
  const source = new TrackedSource(chunks);
  // stat follows links, /proc's too: /dev/stdout is a link to /proc/self/fd/1, whose own "target" for a
  // pipe (`pipe:[123]`) names no file, so realpath fails there with ENOENT though the path exists. Taking
  // that ENOENT for "no such file" would rename a temporary file over /dev/stdout.
  let existing: Stats | undefined;
  try {
    existing = await fs.stat(target);
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw ioError(`cannot write ${target}`, e);
  }
  // A device or FIFO (`-o /dev/null`, `-o /dev/stdout`, a pipe) is written to, never replaced: renaming
  // over /dev/null would turn it into a regular file for the whole machine.
  if (existing && !existing.isFile()) {
    try {
      const device = await fs.open(target, 'w');
      try {
        await writeChunks(device, source.chunks());
      } finally {
        await device.close();
      }
    } catch (e) {
      throw source.failure(`cannot write ${target}`, e);
    }
    return;
  }
  // Write through a symlink to the file it names rather than replacing the link with a regular file.
  let dest = target;
  try {
    if (existing) dest = await fs.realpath(target);
  } catch (e) {
    throw ioError(`cannot write ${target}`, e);
  }
  const mode = options.mode ?? (existing ? existing.mode & 0o7777 : undefined);
  const dir = path.dirname(dest);
  const tmp = path.join(dir, `.${path.basename(dest)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: fs.FileHandle | undefined;
  trackTemp(tmp);
  try {
    handle = await fs.open(tmp, 'wx', mode ?? 0o666);
    await writeChunks(handle, source.chunks());
    // open() applies the umask; an explicit or inherited mode must survive it.
    if (mode !== undefined) await handle.chmod(mode);
    await handle.sync();
    await handle.close();
    handle = undefined;
    inFlight.set(tmp, 'renaming');
    await fs.rename(tmp, dest);
  } catch (e) {
    if (handle) await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw source.failure(`cannot write ${target}`, e);
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

async function writeChunks(handle: fs.FileHandle, chunks: AsyncIterable<string | Uint8Array>): Promise<void> {
  for await (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    // A write may take fewer bytes than offered (a pipe, a signal); no progress at all would loop forever.
    for (let at = 0; at < bytes.length; ) {
      const { bytesWritten } = await handle.write(bytes, at, bytes.length - at);
      if (bytesWritten <= 0) throw new Error('write made no progress');
      at += bytesWritten;
    }
  }
}

/** Remembers an error thrown by the chunk source, to tell it apart from a failed write. */
class TrackedSource {
  private thrown: { error: unknown } | undefined;
  constructor(private readonly source: Chunks) {}

  async *chunks(): AsyncGenerator<string | Uint8Array> {
    try {
      yield* this.source;
    } catch (e) {
      this.thrown = { error: e };
      throw e;
    }
  }

  /** What to throw for a failed write: the source's own error, or else the I/O error as an InputError. */
  failure(what: string, e: unknown): unknown {
    return this.thrown ? this.thrown.error : ioError(what, e);
  }
}

// Interrupted writes. Ctrl-C or a build system's SIGTERM during a write would otherwise leave the
// temporary file behind (the target is safe either way: it is only ever replaced by rename). While a
// temporary file exists, SIGINT and SIGTERM remove it and exit as the signal would (128 + its number);
// the handlers are installed only for that window, so the rest of the time the process keeps Node's
// default behaviour (and a library user's own handlers are not disturbed outside it).
const inFlight = new Map<string, 'writing' | 'renaming'>();
const SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const;

function onSignal(signal: keyof typeof SIGNALS): void {
  // A signal can land while the rename runs on the thread pool. If the temporary file is gone then, the rename
  // has happened and the target is the complete new file: exiting 128+n ("interrupted, nothing written") would
  // misreport it, so the process dies of the signal itself instead, as it would have a moment later.
  let renamed = false;
  for (const [t, state] of inFlight) {
    try {
      unlinkSync(t);
    } catch {
      if (state === 'renaming') renamed = true; // else: never created
    }
  }
  inFlight.clear();
  removeSignalHandlers();
  if (renamed) process.kill(process.pid, signal);
  else process.exit(128 + SIGNALS[signal]);
}

function removeSignalHandlers(): void {
  for (const sig of Object.keys(SIGNALS) as (keyof typeof SIGNALS)[]) process.off(sig, onSignal);
}

function trackTemp(tmp: string): void {
  if (inFlight.size === 0) for (const sig of Object.keys(SIGNALS) as (keyof typeof SIGNALS)[]) process.on(sig, onSignal);
  inFlight.set(tmp, 'writing');
}

function untrackTemp(tmp: string): void {
  inFlight.delete(tmp);
  if (inFlight.size === 0) removeSignalHandlers();
}

function isErrno(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}

function ioError(what: string, e: unknown): InputError {
  const err = new InputError(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  (err as Error & { cause?: unknown }).cause = e;
  return err;
}
