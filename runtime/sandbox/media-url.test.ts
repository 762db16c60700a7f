import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { correlationId, fnvHash, mediaRequestUrl, mediaUrlHash, upstreamOf } from './media-url';

const PAGE = 'http://app.test:8080/sandbox/frame.html';

describe('mediaRequestUrl', () => {
  it('sends other sites through the app proxy, tagged with the correlation id', () => {
    const r = mediaRequestUrl('https://archive.org/download/x/a b.mp4?x=1', PAGE, 'cid-1');
    expect(r).toEqual({ ok: true, proxied: true, url: `http://app.test:8080/api/media-proxy?url=${encodeURIComponent('https://archive.org/download/x/a%20b.mp4?x=1')}&cid=cid-1` });
  });

  it('loads the app origin directly, and tags proxy URLs it is handed', () => {
    expect(mediaRequestUrl('/media/a.mp4', PAGE, 'c')).toEqual({ ok: true, proxied: false, url: 'http://app.test:8080/media/a.mp4' });
    const proxied = mediaRequestUrl('/api/media-proxy?url=https%3A%2F%2Fx.org%2Fa.mp4', PAGE, 'c9');
    expect(proxied).toEqual({ ok: true, proxied: true, url: 'http://app.test:8080/api/media-proxy?url=https%3A%2F%2Fx.org%2Fa.mp4&cid=c9' });
  });

  it('refuses what is not an http(s) URL, or carries credentials', () => {
    for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'data:video/mp4;base64,AAAA', 'https://user:pw@x.org/a.mp4']) {
      expect(mediaRequestUrl(bad, PAGE, 'c').ok, bad).toBe(false);
    }
  });
});

describe('telemetry identity of media', () => {
  it('hashes the upstream URL as the proxy does (sha256, 16 hex), whether or not it came as a proxy URL', async () => {
    const direct = upstreamOf('https://x.org/a b.mp4', PAGE);
    const viaProxy = upstreamOf('/api/media-proxy?url=https%3A%2F%2Fx.org%2Fa%20b.mp4', PAGE);
    expect(viaProxy).toBe(direct);
    expect(await mediaUrlHash(direct)).toBe(createHash('sha256').update('https://x.org/a%20b.mp4').digest('hex').slice(0, 16));
    expect(await mediaUrlHash(direct)).not.toBe(await mediaUrlHash('https://x.org/b.mp4'));
    expect(fnvHash(direct)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('makes unique v4-shaped ids', () => {
    const ids = new Set(Array.from({ length: 100 }, correlationId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
