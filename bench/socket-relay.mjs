// The bench clients' network, in a thread of its own: WebSockets and HTTP requests made here are
// timestamped the moment their data arrives, whatever the clients' thread is busy with. Fifty
// clients share one event loop in bench:sync, where each real client has a browser: without this,
// the 49th client's "arrival" would include applying the 48 messages read before it.
//
//   const relay = startRelay();
//   const socket = relay.socket(url, headers);  // a WebSocket-like object (open, message, close)
//   const { status, body, at } = await relay.post(url, headers, body);
//
// Times (`at`, and `event.at` on messages) are absolute: performance.timeOrigin + performance.now().
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

const now = () => performance.timeOrigin + performance.now();

if (!isMainThread) {
  const { WebSocket } = await import('ws');
  const { request } = await import('node:http');
  const sockets = new Map();
  parentPort.on('message', async (msg) => {
    if (msg.op === 'open') {
      const ws = new WebSocket(msg.url, { headers: msg.headers });
      ws.binaryType = 'arraybuffer';
      sockets.set(msg.id, ws);
      ws.on('error', () => {}); // a close follows
      ws.on('open', () => parentPort.postMessage({ id: msg.id, ev: 'open' }));
      ws.on('message', (data) => parentPort.postMessage({ id: msg.id, ev: 'message', data, at: now() }));
      ws.on('close', (code) => {
        sockets.delete(msg.id);
        parentPort.postMessage({ id: msg.id, ev: 'close', code });
      });
    } else if (msg.op === 'send') {
      const ws = sockets.get(msg.id);
      if (ws?.readyState === 1) ws.send(msg.data);
    } else if (msg.op === 'close') {
      const ws = sockets.get(msg.id);
      if (ws) ws.close(msg.code, msg.reason);
    } else if (msg.op === 'post') {
      // node:http rather than fetch: undici's fetch costs this one thread about a millisecond a
      // request, and fifty at once would queue behind each other here, not at the server.
      const answer = (status, text) => parentPort.postMessage({ id: msg.id, ev: 'answer', status, text, at: now() });
      const req = request(msg.url, { method: 'POST', headers: { ...msg.headers, 'Content-Length': Buffer.byteLength(msg.body) }, agent: false }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => answer(res.statusCode, Buffer.concat(chunks).toString('utf8')));
        res.on('error', (error) => answer(0, String(error?.message ?? error)));
      });
      req.on('error', (error) => answer(0, String(error?.message ?? error)));
      req.end(msg.body);
    }
  });
}

export { now };

export function startRelay() {
  const worker = new Worker(new URL(import.meta.url));
  worker.unref();
  const handlers = new Map();
  let serial = 0;
  worker.on('message', (msg) => handlers.get(msg.id)?.(msg));
  return {
    /** A WebSocket-like object (what plugins/sync/client/socket-adapter.ts needs) whose traffic goes through the relay. */
    socket(url, headers) {
      const id = ++serial;
      const listeners = { open: [], message: [], close: [], error: [] };
      const socket = {
        readyState: 0,
        binaryType: 'arraybuffer',
        addEventListener: (type, listener) => listeners[type].push(listener),
        send(data) {
          const copy = data instanceof ArrayBuffer ? data.slice(0) : new Uint8Array(data).slice().buffer;
          worker.postMessage({ op: 'send', id, data: copy }, [copy]);
        },
        close(code, reason) {
          if (socket.readyState >= 2) return;
          socket.readyState = 2;
          worker.postMessage({ op: 'close', id, code, reason });
        },
      };
      handlers.set(id, (msg) => {
        if (msg.ev === 'open') socket.readyState = 1;
        if (msg.ev === 'close') {
          socket.readyState = 3;
          handlers.delete(id);
        }
        const event = msg.ev === 'message' ? { data: msg.data, at: msg.at } : msg.ev === 'close' ? { code: msg.code } : {};
        for (const listener of listeners[msg.ev]) listener(event);
      });
      worker.postMessage({ op: 'open', id, url, headers });
      return socket;
    },
    /** POSTs from the relay thread; `at` is when the answer was complete. */
    post(url, headers, body) {
      const id = ++serial;
      return new Promise((resolve) => {
        handlers.set(id, (msg) => {
          handlers.delete(id);
          resolve({ status: msg.status, text: msg.text, at: msg.at });
        });
        worker.postMessage({ op: 'post', id, url, headers, body });
      });
    },
    stop: () => worker.terminate(),
  };
}
