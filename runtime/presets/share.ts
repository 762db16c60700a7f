/** Hydra code in a URL (`/play?code=…`), base64url-encoded UTF-8, as the hydra editor's share links do. */
export const MAX_SHARED_CODE_BYTES = 64 * 1024;

export function encodeShareCode(code: string): string {
  const bytes = new TextEncoder().encode(code);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export type DecodedShare = { ok: true; code: string } | { ok: false; message: string };

export function decodeShareCode(encoded: string): DecodedShare {
  if (encoded.length > Math.ceil((MAX_SHARED_CODE_BYTES * 4) / 3) + 4) {
    return { ok: false, message: `The shared code is larger than ${MAX_SHARED_CODE_BYTES / 1024} KB.` };
  }
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(encoded)) return { ok: false, message: 'The shared code in this link is not valid base64url.' };
  try {
    const base64 = encoded.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    if (bytes.length > MAX_SHARED_CODE_BYTES) return { ok: false, message: `The shared code is larger than ${MAX_SHARED_CODE_BYTES / 1024} KB.` };
    return { ok: true, code: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return { ok: false, message: 'The shared code in this link could not be decoded (not base64url UTF-8 text).' };
  }
}
