import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Set when the connection broke before the body was complete (what a browser reports as a network error). */
  error?: string;
}

/**
 * One HTTP request on its own connection (no pooling, so no socket outlives the test), returning
 * whatever arrived, including a body cut short. `abortAfterBytes` hangs up mid-body like a user closing a tab.
 */
export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; abortAfterBytes?: number } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const done = (error?: string) => {
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ...(error ? { error } : {}) });
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (options.abortAfterBytes !== undefined && size >= options.abortAfterBytes) {
          req.destroy();
          done('aborted by the test');
        }
      });
      res.on('end', () => done(res.complete ? undefined : 'incomplete'));
      res.on('error', (error) => done(error.message));
      res.on('close', () => done(res.complete ? undefined : 'connection closed early'));
    });
    req.on('error', reject);
    req.end();
  });
}
