/**
 * For tests in Node: a `fetch` over the server's TestClient (server/test-harness.ts), whose cookie
 * jar behaves like one browser's, so the studio's API client runs unchanged against the real server.
 * Typed structurally, so the studio does not import server code. Not part of the build.
 */
export interface JarClient {
  request(method: string, path: string, options: { headers?: Record<string, string>; csrf?: boolean; raw?: string }): Promise<{ status: number; headers: Headers; body: unknown }>;
}

export function fetchThrough(client: JarClient, beforeSend?: (path: string) => Promise<void>): typeof fetch {
  return async (input, init = {}) => {
    const url = new URL(String(input));
    await beforeSend?.(url.pathname);
    const headers = Object.fromEntries(new Headers(init.headers));
    // csrf: false — the header must come from the studio's client, that is what is being tested.
    const answer = await client.request(init.method ?? 'GET', url.pathname + url.search, { headers, csrf: false, ...(typeof init.body === 'string' ? { raw: init.body } : {}) });
    const text = answer.body === undefined ? null : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    return new Response(answer.status === 204 ? null : text, { status: answer.status, headers: answer.headers });
  };
}
