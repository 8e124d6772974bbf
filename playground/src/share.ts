// The share link: the edited file's path, the architecture and the text (deflate-raw, base64url) in the hash.
// Nothing leaves the browser; the link is the whole state.

export interface SharedState {
  path: string;
  text: string;
  arch?: string;
}

async function through(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  return new Uint8Array(await new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream)).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** `f=PATH&a=ARCH&r=TEXT`, for location.hash. */
export async function encodeShare(state: SharedState): Promise<string> {
  const packed = toBase64Url(await through(new TextEncoder().encode(state.text), new CompressionStream('deflate-raw')));
  const params = new URLSearchParams({ f: state.path, ...(state.arch ? { a: state.arch } : {}) });
  // r last and outside URLSearchParams: base64url needs no escaping, and the link stays readable.
  return `${params.toString()}&r=${packed}`;
}

/** undefined when the hash holds no rule file, or one that does not decode. */
export async function decodeShare(hash: string): Promise<SharedState | undefined> {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const packed = params.get('r');
  const path = params.get('f');
  if (!packed || !path?.startsWith('/')) return undefined;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(await through(fromBase64Url(packed), new DecompressionStream('deflate-raw')));
    const arch = params.get('a');
    return { path, text, ...(arch ? { arch } : {}) };
  } catch {
    return undefined;
  }
}
