// Decompressors other than LZ4: gzip through node:zlib, xz and zstd through their command-line tools.
//
// Why CLIs for xz/zstd: Node 20's zlib has neither (zstd arrives in Node 22.15), the npm choices are native
// bindings (build/prebuilt problems) or WASM ports of varying upkeep, and `xz`/`zstd` are on every Linux
// system that has kernels to patch (Debian's kernel packages depend on them being usable). A missing tool
// is reported as an InputError saying which one to install.

import { spawn } from 'node:child_process';
import { inflateRawSync } from 'node:zlib';
import { InputError } from '../diag/diagnostic.js';
import { hex } from './bytes.js';

export const GZIP_MAGIC = [0x1f, 0x8b, 0x08] as const;
export const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] as const;
export const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd] as const;

export function hasMagic(data: Uint8Array, offset: number, magic: readonly number[]): boolean {
  if (offset < 0 || offset + magic.length > data.length) return false;
  for (let i = 0; i < magic.length; i++) if (data[offset + i] !== magic[i]) return false;
  return true;
}

/**
 * Decompresses one gzip member (RFC 1952) starting at `start`; whatever follows the member is ignored
 * (node's gunzip would reject trailing non-gzip data, so the header is parsed here and the deflate stream
 * handed to inflateRaw, which stops at the stream's end).
 */
export function gunzipMember(data: Uint8Array, start: number, fileName: string): Uint8Array {
  const fail = (offset: number, message: string): never => {
    throw new InputError(message, { file: fileName, offset });
  };
  if (!hasMagic(data, start, GZIP_MAGIC)) fail(start, 'no gzip magic (1f 8b 08) here');
  if (start + 10 > data.length) fail(start, 'gzip header truncated');
  const flg = data[start + 3]!;
  let p = start + 10;
  if (flg & 0x04) {
    // FEXTRA: 2-byte length, then that many bytes.
    if (p + 2 > data.length) fail(p, 'gzip extra field truncated');
    p += 2 + (data[p]! | (data[p + 1]! << 8));
  }
  for (const bit of [0x08, 0x10]) {
    // FNAME, FCOMMENT: NUL-terminated strings.
    if (flg & bit) {
      const nul = data.indexOf(0, p);
      if (nul < 0) fail(p, 'gzip header string has no terminator');
      p = nul + 1;
    }
  }
  if (flg & 0x02) p += 2; // FHCRC
  if (p >= data.length) fail(start, 'gzip stream has no data');
  try {
    return inflateRawSync(data.subarray(p));
  } catch (e) {
    return fail(p, `gzip data at ${hex(p)} is corrupt: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export interface FilterResult {
  stdout: Uint8Array;
  exitCode: number | null;
  stderr: string;
}

/**
 * Runs `command args` with `input` on stdin and returns what it printed, whatever its exit status (the
 * caller decides: a kernel payload followed by other data makes `zstd -d` fail after printing the whole
 * kernel). Output beyond `maxOutput` bytes kills the process and is an error.
 */
export function runFilter(command: string, args: readonly string[], input: Uint8Array, what: string, maxOutput = 1 << 30): Promise<FilterResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let failed = false;
    const fail = (e: InputError): void => {
      if (failed) return;
      failed = true;
      child.kill('SIGKILL');
      reject(e);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      fail(new InputError(e.code === 'ENOENT' ? `cannot decompress ${what}: the '${command}' program is not installed` : `cannot run ${command} for ${what}: ${e.message}`));
    });
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxOutput) fail(new InputError(`${what} decompresses to more than ${maxOutput} bytes`));
      else chunks.push(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < 4096) stderr += c.toString('utf8');
    });
    // The tool may exit before reading all its input (xz --single-stream stops after the stream): the
    // resulting EPIPE is expected.
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => {
      if (failed) return;
      resolve({ stdout: Buffer.concat(chunks), exitCode: code, stderr: stderr.trim() });
    });
    child.stdin.end(input);
  });
}

/** Decompresses a whole .xz file (e.g. System.map-*.xz); any xz error is an InputError. */
export async function unxz(data: Uint8Array, fileName: string): Promise<Uint8Array> {
  const r = await runFilter('xz', ['-dc'], data, fileName);
  if (r.exitCode !== 0) throw new InputError(`cannot decompress ${fileName}: xz: ${r.stderr || `exit status ${r.exitCode}`}`);
  return r.stdout;
}
