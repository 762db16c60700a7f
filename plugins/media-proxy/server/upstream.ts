import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { addressProblem } from './address-check';
import { ProxyError } from './classify';

export interface UpstreamPolicy {
  /** Host names, `*.example.org` for any subdomain (at any depth), IP literals exactly. */
  allowedHosts: readonly string[];
  /** Ports upstream URLs may name; undefined: any. */
  allowedPorts?: ReadonlySet<number>;
  /** Tests only: lets loopback addresses through (every other private range stays refused). */
  allowLoopback: boolean;
  /** Longest silence while connecting and waiting for the answer's headers. */
  idleTimeoutMs: number;
  maxRedirects: number;
}

export interface UpstreamTimings {
  dns: number;
  connect: number;
  tls?: number;
  ttfb: number;
}

export interface Upstream {
  req: ClientRequest;
  res: IncomingMessage;
  /** The URL that answered, after redirects. */
  url: URL;
  redirects: number;
  /** Milliseconds of the hop that answered. */
  timings: UpstreamTimings;
}

export const URL_MAX_LENGTH = 4096;

/** Parses and checks an upstream URL: http(s), no credentials, an allowed host and port. */
export function checkUrl(raw: string, policy: UpstreamPolicy, base?: URL): URL {
  if (raw.length > URL_MAX_LENGTH) throw new ProxyError('url_too_long', 414, `The media URL is longer than ${URL_MAX_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new ProxyError('bad_url', 400, 'The media URL is not a valid absolute URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ProxyError('bad_url', 400, `Only http and https media URLs are proxied; got ${url.protocol.slice(0, 16)}`);
  if (url.username || url.password) throw new ProxyError('bad_url', 400, 'Media URLs with a user name or password are not proxied.');
  const host = hostOf(url);
  if (!hostAllowed(host, policy.allowedHosts)) throw new ProxyError('host_not_allowed', 403, `The host ${host.slice(0, 253)} is not on the media allow-list.`);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (policy.allowedPorts && !policy.allowedPorts.has(port)) throw new ProxyError('port_not_allowed', 403, `Port ${port} is not allowed for media URLs.`);
  return url;
}

/** Lower-case host without IPv6 brackets or a trailing dot. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => (pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1 : host === pattern));
}

/** Resolves a host and returns an address that may be fetched from, or refuses with the reason. */
async function resolveSafe(host: string, policy: UpstreamPolicy): Promise<{ address: string; family: 4 | 6 }> {
  let candidates: Array<{ address: string; family: number }>;
  if (isIP(host)) candidates = [{ address: host, family: isIP(host) }];
  else {
    try {
      candidates = await dnsLookup(host, { all: true, verbatim: true });
    } catch (error) {
      throw new ProxyError('dns_failed', 502, `The media host ${host} could not be resolved (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
    }
  }
  let refused: string | undefined;
  for (const candidate of candidates) {
    const problem = addressProblem(candidate.address);
    if (!problem || (problem === 'loopback' && policy.allowLoopback)) return { address: candidate.address, family: candidate.family === 6 ? 6 : 4 };
    refused ??= problem;
  }
  throw new ProxyError('private_address', 403, `The media host ${host} resolves to a ${refused ?? 'non-public'} address, which is never fetched from.`);
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Sends one request upstream and follows redirects, checking every hop's URL and resolved address.
 * The connection goes to the address that was checked (the request's lookup answers with it), so a
 * second DNS answer cannot swap in another host. The answer is returned as soon as its headers
 * arrive; its body is the caller's to read or destroy.
 */
export async function openUpstream(start: URL, options: { method: 'GET' | 'HEAD'; range?: string; signal?: AbortSignal }, policy: UpstreamPolicy): Promise<Upstream> {
  let url = start;
  for (let redirects = 0; ; redirects++) {
    if (options.signal?.aborted) throw new ProxyError('upstream_unreachable', 499, 'The client went away.');
    const hop = await requestOnce(url, options, policy);
    const location = hop.res.headers.location;
    if (!REDIRECTS.has(hop.res.statusCode ?? 0) || !location) return { ...hop, url, redirects };
    hop.res.resume();
    hop.req.destroy();
    if (redirects >= policy.maxRedirects) throw new ProxyError('too_many_redirects', 502, `The media host redirected more than ${policy.maxRedirects} times.`);
    url = checkUrl(location, policy, url);
  }
}

async function requestOnce(url: URL, options: { method: 'GET' | 'HEAD'; range?: string; signal?: AbortSignal }, policy: UpstreamPolicy) {
  const began = performance.now();
  const host = hostOf(url);
  const target = await resolveSafe(host, policy);
  const timings: UpstreamTimings = { dns: performance.now() - began, connect: 0, ttfb: 0 };
  const headers: Record<string, string> = { 'User-Agent': 'Patchroom-media-proxy', Accept: '*/*', 'Accept-Encoding': 'identity' };
  if (options.range) headers.Range = options.range;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<{ req: ClientRequest; res: IncomingMessage; timings: UpstreamTimings }>((resolve, reject) => {
    const req = send({
      protocol: url.protocol,
      host,
      port: url.port || undefined,
      path: url.pathname + url.search,
      method: options.method,
      headers,
      // A fresh connection per request: nothing pooled to leak, and the timings are the real ones.
      agent: false,
      ...(url.protocol === 'https:' ? { servername: isIP(host) ? undefined : host } : {}),
      lookup: ((_name: string, opts: { all?: boolean }, callback: (...args: unknown[]) => void) => {
        if (opts?.all) callback(null, [{ address: target.address, family: target.family }]);
        else callback(null, target.address, target.family);
      }) as never,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    req.setTimeout(policy.idleTimeoutMs, () => req.destroy(new ProxyError('upstream_timeout', 504, `The media host sent nothing for ${policy.idleTimeoutMs} ms.`)));
    req.once('socket', (socket) => {
      socket.once('connect', () => (timings.connect = performance.now() - began - timings.dns));
      socket.once('secureConnect', () => (timings.tls = performance.now() - began - timings.dns - timings.connect));
    });
    req.once('response', (res) => {
      timings.ttfb = performance.now() - began;
      // From here the body's own idle timer runs (it pauses while the client is slow to read).
      req.setTimeout(0);
      resolve({ req, res, timings });
    });
    req.once('error', (error: Error & { code?: string }) => {
      if (error instanceof ProxyError) reject(error);
      else if (error.name === 'AbortError') reject(new ProxyError('upstream_unreachable', 499, 'The client went away.'));
      else reject(new ProxyError('upstream_unreachable', 502, `The media host could not be reached (${error.code ?? error.message}).`));
    });
    req.end();
  });
}
