/** The app's media proxy, relative to the app's origin. */
export const MEDIA_PROXY_PATH = '/api/media-proxy';

export type MediaRequest = { ok: true; url: string; proxied: boolean } | { ok: false; message: string };

/**
 * Where the sandbox loads a video from. Other sites' files go through the app's proxy: it is the
 * only path with reliable CORS on 206 answers (the playbook's streaming notes), and it classifies
 * upstream failures. The sandbox's origin is opaque, so the request carries no cookies either way.
 * `pageUrl` is the sandbox document's URL, which is on the app's origin even though the document's
 * origin is "null".
 */
export function mediaRequestUrl(raw: string, pageUrl: string, cid: string): MediaRequest {
  const app = new URL(pageUrl);
  let url: URL;
  try {
    url = new URL(raw, app);
  } catch {
    return { ok: false, message: `${JSON.stringify(raw.slice(0, 80))} is not a URL.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: `videos load from http(s) URLs; got a ${url.protocol} URL.` };
  }
  if (url.username || url.password) return { ok: false, message: 'a video URL must not carry a user name or password.' };
  if (url.origin === app.origin) {
    // Already a proxy URL (the library hands those out): tag it with this video's id.
    if (url.pathname === MEDIA_PROXY_PATH && !url.searchParams.has('cid')) url.searchParams.set('cid', cid);
    return { ok: true, url: url.href, proxied: url.pathname === MEDIA_PROXY_PATH };
  }
  return { ok: true, url: `${app.origin}${MEDIA_PROXY_PATH}?url=${encodeURIComponent(url.href)}&cid=${encodeURIComponent(cid)}`, proxied: true };
}

/** The upstream URL a proxy URL points at (telemetry hashes that, not the proxy URL). */
export function upstreamOf(raw: string, pageUrl: string): string {
  try {
    const url = new URL(raw, pageUrl);
    const inner = url.origin === new URL(pageUrl).origin && url.pathname === MEDIA_PROXY_PATH ? url.searchParams.get('url') : null;
    return inner ? new URL(inner).href : url.href;
  } catch {
    return raw;
  }
}

/**
 * A media URL's name in telemetry (events name media by hash, never by URL): SHA-256, first 16 hex
 * digits, as the media proxy names it in its records. crypto.subtle exists only in secure contexts;
 * elsewhere an FNV-1a pair stands in (still stable, just not equal to the proxy's).
 */
export async function mediaUrlHash(url: string): Promise<string> {
  if (globalThis.crypto?.subtle) {
    try {
      const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(url));
      return [...new Uint8Array(digest, 0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
    } catch {
      // fall through
    }
  }
  return fnvHash(url);
}

export function fnvHash(url: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** A random id; `randomUUID` exists only in secure contexts, `getRandomValues` everywhere. */
export function correlationId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
