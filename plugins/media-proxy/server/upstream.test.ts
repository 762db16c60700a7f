import { describe, expect, it } from 'vitest';
import { checkUrl, hostAllowed } from './upstream';

const policy = { allowedHosts: ['archive.org', '*.archive.org', '127.0.0.1'], allowedPorts: new Set([80, 443]), allowLoopback: false, idleTimeoutMs: 1000, maxRedirects: 5 };
const code = (raw: string) => {
  try {
    checkUrl(raw, policy);
    return 'ok';
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe('the upstream allow-list', () => {
  it('matches exact names, and *. at any depth but not the bare or a look-alike name', () => {
    const list = ['archive.org', '*.us.archive.org'];
    expect(hostAllowed('archive.org', list)).toBe(true);
    expect(hostAllowed('ia800.us.archive.org', list)).toBe(true);
    expect(hostAllowed('a.b.us.archive.org', list)).toBe(true);
    expect(hostAllowed('us.archive.org', list)).toBe(false);
    expect(hostAllowed('evilarchive.org', list)).toBe(false);
    expect(hostAllowed('archive.org.evil.com', list)).toBe(false);
    expect(hostAllowed('xus.archive.org', list)).toBe(false);
  });

  it('checks scheme, credentials, host and port', () => {
    expect(code('https://archive.org/download/x/y.mp4')).toBe('ok');
    expect(code('https://ia601.us.archive.org/1/items/x/y.mp4')).toBe('ok');
    expect(code('HTTPS://ARCHIVE.ORG./x.mp4')).toBe('ok');
    expect(code('https://archive.org:8443/x.mp4')).toBe('port_not_allowed');
    expect(code('gopher://archive.org/x')).toBe('bad_url');
    expect(code('https://a:b@archive.org/x')).toBe('bad_url');
    expect(code('//archive.org/x')).toBe('bad_url');
    expect(code('https://archive.org.evil.com/x')).toBe('host_not_allowed');
    expect(code('http://127.0.0.1/x')).toBe('ok'); // on the list; the address check refuses it later
    expect(code('http://2130706433/x')).toBe('ok'); // WHATWG URL turns it into 127.0.0.1
    expect(code('http://[::1]/x')).toBe('host_not_allowed');
    expect(code(`https://archive.org/${'a'.repeat(5000)}`)).toBe('url_too_long');
  });
});
