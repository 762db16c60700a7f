// Room sync benchmark: prints its figures, then one line of JSON.
//
//   reconcile_p95_ms   50 clients offline with pending queue commands (and room changes they
//                      missed) reconnect at once, as the studio does: the outbox is resent first,
//                      naming the client's room-state heads, then the socket rejoins. Per client,
//                      the time until the answer to its outbox and the room state holding every
//                      result were at the client: in the answer itself (the changes its copy
//                      lacked), or else the socket's sync message (target ≤ 250)
//   reconcile_applied_p95_ms  the same until the client's repo had applied it, with all 50 repos in
//                      this one process: each waits for the others' Automerge work (a browser has
//                      its own CPU); the CPU each reconnect cost is printed beside it
//   fanout_p95_ms      one patch change by one performer until it reached each of 50 clients: the
//                      sync message carrying it arrived at the client's socket (≤ 100); the time until
//                      each client's repo applied it is printed too
//   rss_mb_200_rooms   the server's resident memory with 200 active rooms (documents loaded,
//                      a client syncing each, queues filled)
//   rss_mb_200_more_rooms_after_unload  the same after those rooms' clients left, the rooms idled
//                      until their documents were unloaded, and 200 other rooms became active:
//                      near rss_mb_200_rooms when unused rooms give their memory back for reuse
//   healthz_p95_ms     for scale: an HTTP round trip to the same server (GET /healthz) while 50
//                      clients are connected and idle; on a loaded machine every figure grows with it
//   queue_apply_*, script_*  the documents' own cost, beside the way they were stored before: see
//                      sync-documents.mjs
//
// Needs `npm run build`. Runs the built server on a free port with a throw-away data dir. The
// clients are automerge-repo Repos on the product's socket adapter (what the studio and the player
// run), all in this process; their sockets and command requests live in a relay thread
// (socket-relay.mjs) that notes when data arrives, so a client's arrival times do not include the
// other 49 clients' work (a load generator that is itself the bottleneck measures itself).
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { next as A } from '@automerge/automerge';
import { cbor, Repo } from '@automerge/automerge-repo';
import { createServer as createViteServer } from 'vite';
import { startBuiltServer } from './built-server.mjs';
import { cpuMs } from './proc-cpu.mjs';
import { documentFigures } from './sync-documents.mjs';
import { now, startRelay } from './socket-relay.mjs';
import { log, quantile, round } from './stats.mjs';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const FANOUT_ROUNDS = Number(process.env.BENCH_FANOUT_ROUNDS ?? 20);
const RECONCILE_ROUNDS = Number(process.env.BENCH_RECONCILE_ROUNDS ?? 3);
const ROOMS = Number(process.env.BENCH_ROOMS ?? 200);
// Shorter than the server's default (10 min), so the bench sees rooms nobody uses leave memory;
// long enough that no room in use is unloaded between the phases. BENCH_SYNC_UNLOAD=0 keeps every
// room loaded instead (the server's longest idle time), for comparison.
const UNLOAD_IDLE_MS = 5000;
const SERVER_UNLOAD_IDLE_MS = process.env.BENCH_SYNC_UNLOAD === '0' ? 7 * 24 * 3_600_000 : UNLOAD_IDLE_MS;

const root = join(import.meta.dirname, '..');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A client the way the studio and the player run one: an automerge-repo Repo on the product's own
 * socket adapter (plugins/sync/client/socket-adapter.ts: backoff with jitter, no duplicate sockets),
 * its socket in the relay thread with the cookie and Origin a browser would send.
 */
function syncClient(base, who) {
  const peerId = peerIdFor({ kind: 'user', id: who.id }, randomBytes(6).toString('base64url'));
  // When a sync message carrying changes reached the client's socket (the relay's time: before this
  // process's shared event loop gets to apply it). Decoded only while measured.
  const arrivals = [];
  const client = { arrivals, timing: false, lastArrival: 0 };
  const createSocket = (url) => {
    const socket = relay.socket(url, { Cookie: cookieHeader(who), Origin: base });
    socket.addEventListener('message', ({ data, at }) => {
      client.lastArrival = at; // the message being applied now
      if (!client.timing) return;
      const message = cbor.decode(new Uint8Array(data));
      // Only a document's first arrival in a round counts: the rest is not decoded twice.
      if (message?.type !== 'sync' || arrivals.some((a) => a.documentId === message.documentId)) return;
      if (A.decodeSyncMessage(message.data).changes.length > 0) arrivals.push({ at, documentId: message.documentId });
    });
    return socket;
  };
  // The studio resends its outbox before the socket rejoins (room-connection.ts): the reconcile sets `beforeReconnect`.
  const adapter = new RoomSocketAdapter({ url: `${base.replace(/^http/, 'ws')}/sync`, createSocket, beforeReconnect: () => client.beforeReconnect?.() });
  const repo = new Repo({ network: [adapter], peerId });
  const connected = () => new Promise((resolve) => repo.networkSubsystem.once('peer', resolve));
  const first = connected();
  return Object.assign(client, { repo, adapter, connected, find: async (id) => (await first, repo.find(id)) });
}

/** Queue commands sent from the relay thread, naming the client's room-state heads: the answer and when it arrived. */
async function relayedCommands(base, who, roomId, list, heads) {
  const body = JSON.stringify({ commands: list, ...(heads ? { stateHeads: heads } : {}) });
  const res = await relay.post(base + COMMANDS_PATH(roomId), { 'Content-Type': 'application/json', 'X-Patchroom-CSRF': '1', Cookie: cookieHeader(who) }, body);
  if (res.status !== 200) throw new Error(`commands: ${res.status} ${res.text.slice(0, 200)}`);
  return { ...JSON.parse(res.text), at: res.at };
}

async function commands(who, roomId, list) {
  const res = await who.post(COMMANDS_PATH(roomId), { commands: list });
  if (res.status !== 200) throw new Error(`commands: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.results;
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

// The network going away and coming back, the way a browser tells the adapter: navigator.onLine
// and the window's offline/online events (Node has neither).
const network = new EventTarget();
setMaxListeners(0, network); // one pair of listeners per client
globalThis.navigator ??= {};
Object.defineProperty(globalThis.navigator, 'onLine', { get: () => network.online, configurable: true });
network.online = true;
globalThis.addEventListener = network.addEventListener.bind(network);
globalThis.removeEventListener = network.removeEventListener.bind(network);
const setOnline = (online) => {
  network.online = online;
  network.dispatchEvent(new Event(online ? 'online' : 'offline'));
};

// The product's socket adapter and the sync tests' helpers (sign-up, rooms, invites, media) are
// TypeScript: vite loads them (their imports stay Node's own modules).
const vite = await createViteServer({ root, configFile: false, server: { middlewareMode: true, hmr: false }, appType: 'custom', logLevel: 'silent' });
const { RoomSocketAdapter } = await vite.ssrLoadModule('/plugins/sync/client/socket-adapter.ts');
const { cookieHeader, createRoom, invite, roomDocuments, seedMedia, signUp } = await vite.ssrLoadModule('/plugins/sync/testing.ts');
const { COMMANDS_PATH, peerIdFor } = await vite.ssrLoadModule('/plugins/sync/protocol.ts');
const { applyStateDelta, stateHeads } = await vite.ssrLoadModule('/plugins/sync/client/state-delta.ts');
// Nodes as the studio writes them into the room document.
const patchDoc = await vite.ssrLoadModule('/plugins/sync/patch-doc.ts');
const { nodeToDoc } = patchDoc;
const documents = documentFigures({ mirror: await vite.ssrLoadModule('/plugins/sync/server/mirror.ts'), patchChanges: await vite.ssrLoadModule('/plugins/sync/patch-changes.ts'), patchDoc }, log);
await vite.close();

const relay = startRelay();
const dataDir = mkdtempSync(join(tmpdir(), 'patchroom-bench-sync-'));
const server = await startBuiltServer({ DATA_DIR: dataDir, REGISTER_PER_IP_PER_HOUR: '100000', SYNC_SOCKETS_PER_USER: '64', SYNC_UNLOAD_IDLE_MS: String(SERVER_UNLOAD_IDLE_MS) });
const base = server.url;
const results = { ...documents };
const repos = [];
try {
  log(`signing up ${CLIENTS} people…`);
  const people = [];
  for (let i = 0; i < CLIENTS; i++) people.push(await signUp(base, 'bench'));
  const [owner] = people;
  const room = { id: await createRoom(owner) };
  for (const person of people.slice(1)) await invite(owner, room.id, person, 'performer');
  const items = await seedMedia(owner, 5);
  const docs = await roomDocuments(owner, room.id);

  // Fan-out: one performer changes the patch; each of the others sees it.
  const clients = people.map((person) => Object.assign(syncClient(base, person), { person }));
  repos.push(...clients.map((c) => c.repo));
  await Promise.all(
    clients.map(async (c) => {
      c.patch = await c.find(docs.patchDocId);
      c.state = await c.find(docs.stateDocId);
      // When each queue sequence number reached this client: the arrival of the message that brought it.
      c.seqArrivals = [];
      c.state.on('change', ({ doc }) => {
        if (doc.seq > (c.seqArrivals.at(-1)?.seq ?? -1)) c.seqArrivals.push({ seq: doc.seq, at: c.lastArrival });
      });
    }),
  );
  const health = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    // A fresh connection each time: a pooled one may be closed by the server as the request goes out.
    await new Promise((resolve, reject) => http.get(`${base}/healthz`, { agent: false }, (res) => res.resume().on('end', resolve)).on('error', reject));
    health.push(performance.now() - t);
    await sleep(10);
  }
  results.healthz_p95_ms = round(quantile(health, 0.95));
  log(`baseline: GET /healthz p50 ${round(quantile(health, 0.5))} ms, p95 ${results.healthz_p95_ms} ms`);
  log(`fan-out: ${FANOUT_ROUNDS} changes to ${CLIENTS - 1} clients…`);
  const fanout = [];
  const applied = [];
  let unnoted = 0;
  for (const c of clients) c.timing = true;
  for (let round = 0; round < FANOUT_ROUNDS; round++) {
    for (const c of clients) c.arrivals.length = 0;
    const marker = `m${round}`;
    const arrived = clients.slice(1).map(
      (c) =>
        new Promise((resolve) => {
          const check = () => {
            if (c.patch.doc().name === marker) {
              c.patch.off('change', check);
              resolve(now());
            }
          };
          c.patch.on('change', check);
        }),
    );
    const started = now();
    clients[round % CLIENTS].patch.change((d) => {
      d.name = marker;
      d.nodes[`n${round}`] = nodeToDoc({ id: `n${round}`, type: 'hydra-core/osc', params: { frequency: round }, position: { x: round * 10, y: 0 } });
    });
    // The writer's own client sees it at once; everyone else is measured.
    const writer = round % CLIENTS;
    const times = await Promise.all(arrived.map((p, i) => (i + 1 === writer ? Promise.resolve(null) : p)));
    times.forEach((t, i) => {
      if (t === null) return;
      applied.push(t - started);
      const first = clients[i + 1].arrivals.find((a) => a.documentId === docs.patchDocId);
      // No arrival noted (it should not happen): counted, and the applied time stands in for it.
      if (!first) unnoted += 1;
      fanout.push((first?.at ?? t) - started);
    });
    await sleep(150); // past automerge-repo's 100 ms sync throttle, so each round starts idle
  }
  for (const c of clients) c.timing = false;
  results.fanout_p95_ms = round(quantile(fanout, 0.95));
  log(`  reached: p50 ${round(quantile(fanout, 0.5))} ms, p95 ${results.fanout_p95_ms} ms, max ${round(Math.max(...fanout))} ms over ${fanout.length} deliveries`);
  log(`  applied by the client's repo (all ${CLIENTS} in this one process): p50 ${round(quantile(applied, 0.5))} ms, p95 ${round(quantile(applied, 0.95))} ms`);
  if (unnoted > 0) log(`  WARNING: ${unnoted} deliveries had no arrival noted at the socket; their applied time was used`);

  // Reconcile: everyone offline, commands pending, the room moves on; then all reconnect at once.
  log(`reconcile: ${CLIENTS} clients reconnect at once with pending commands, ${RECONCILE_ROUNDS} rounds…`);
  const reconcile = [];
  const reached = [];
  // Where the time goes: the outbox answered over HTTP, the socket rejoined, then the state caught up.
  const phases = { answered: [], joined: [] };
  const retried = new Map();
  let inAnswer = 0;
  const cpuBefore = { bench: process.cpuUsage(), server: cpuMs(server.pid) };
  const wallBefore = performance.now();
  for (let round = 0; round < RECONCILE_ROUNDS; round++) {
    setOnline(false);
    await sleep(300);
    await commands(owner, room.id, [{ id: randomUUID(), type: 'clear' }, ...items.slice(0, 3).map((itemId) => ({ id: randomUUID(), type: 'add', itemId }))]);
    const outboxes = clients.map(() => [0, 1].map(() => ({ id: randomUUID(), type: 'add', itemId: items[Math.floor(Math.random() * items.length)] })));
    // As the studio's outbox does when the network is back: resent (until answered) before the
    // socket rejoins, the answer's room-state changes applied to the client's document.
    const answers = clients.map((c, i) => {
      let answered;
      const answer = new Promise((resolve) => (answered = resolve));
      c.beforeReconnect = async () => {
        c.beforeReconnect = undefined;
        for (;;) {
          try {
            const reply = await relayedCommands(base, c.person, room.id, outboxes[i], stateHeads(c.state));
            c.lastArrival = reply.at; // the message being applied now
            if (reply.state) applyStateDelta(c.state, reply.state);
            answered(reply);
            return;
          } catch (error) {
            retried.set(error.message.slice(0, 60), (retried.get(error.message.slice(0, 60)) ?? 0) + 1);
            await sleep(20);
          }
        }
      };
      return answer;
    });
    const joins = clients.map((c) => c.connected());
    const started = now();
    setOnline(true); // every adapter reconnects at once
    const done = await Promise.all(
      clients.map(async (c, i) => {
        const answer = await answers[i];
        phases.answered.push(answer.at - started);
        const seq = Math.max(...answer.results.map((a) => a.seq ?? 0));
        await joins[i];
        phases.joined.push(now() - started);
        while (!(c.state.doc().seq >= seq)) await new Promise((resolve) => c.state.once('change', resolve));
        // Reached: the answer and the state holding the results (in the answer, or a later sync message) were at the client.
        reached.push(Math.max(answer.at, c.seqArrivals.find((a) => a.seq >= seq).at) - started);
        if (c.seqArrivals.find((a) => a.seq >= seq).at <= answer.at) inAnswer += 1;
        return now() - started;
      }),
    );
    reconcile.push(...done);
    await sleep(300);
  }
  results.reconcile_p95_ms = round(quantile(reached, 0.95));
  results.reconcile_applied_p95_ms = round(quantile(reconcile, 0.95));
  log(`  reached (answer and state at the client): p50 ${round(quantile(reached, 0.5))} ms, p95 ${results.reconcile_p95_ms} ms, max ${round(Math.max(...reached))} ms over ${reached.length} reconnects`);
  log(`  applied by the client's repo (all ${CLIENTS} in this one process): p50 ${round(quantile(reconcile, 0.5))} ms, p95 ${results.reconcile_applied_p95_ms} ms, max ${round(Math.max(...reconcile))} ms`);
  log(`  the room state came with the command answer for ${inAnswer} of ${reached.length} reconnects (the others: by the socket's sync)`);
  const wall = performance.now() - wallBefore;
  const benchCpu = process.cpuUsage(cpuBefore.bench);
  const clientCpuMs = (benchCpu.user + benchCpu.system) / 1000;
  const serverCpu = cpuMs(server.pid) - cpuBefore.server;
  log(`  CPU while reconciling: this process ${round((100 * clientCpuMs) / wall, 0)}%, server ${round((100 * serverCpu) / wall, 0)}% of one core`);
  log(`  CPU per reconnect: ${round(clientCpuMs / reconcile.length)} ms in the clients' process, ${round(serverCpu / reconcile.length)} ms in the server`);
  if (retried.size > 0) log(`  command requests retried: ${[...retried].map(([why, n]) => `${n}× ${why}`).join('; ')}`);
  for (const [phase, values] of Object.entries(phases)) log(`  ${phase} by: p50 ${round(quantile(values, 0.5))} ms, p95 ${round(quantile(values, 0.95))} ms`);

  // Memory: 200 active rooms (documents loaded and synced, queues filled, a patch each).
  log(`memory: ${ROOMS} active rooms…`);
  /** ROOMS rooms made, opened, patched and queued by a few owners, whose clients stay connected. */
  const activeRooms = async () => {
    const owners = [];
    for (let i = 0; i < Math.ceil(ROOMS / 100); i++) owners.push(await signUp(base, 'benchowner'));
    const roomClients = owners.map((o) => Object.assign(syncClient(base, o), { person: o }));
    repos.push(...roomClients.map((c) => c.repo));
    for (let r = 0; r < ROOMS; r++) {
      const c = roomClients[r % roomClients.length];
      const roomId = await createRoom(c.person);
      const ids = await roomDocuments(c.person, roomId);
      const patch = await c.find(ids.patchDocId);
      await c.find(ids.stateDocId);
      patch.change((d) => {
        for (let n = 0; n < 8; n++) d.nodes[`n${n}`] = nodeToDoc({ id: `n${n}`, type: 'hydra-core/osc', params: { frequency: n, sync: 0.1, offset: 0 }, position: { x: n * 120, y: 40 } });
      });
      await commands(c.person, roomId, items.map((itemId) => ({ id: randomUUID(), type: 'add', itemId })));
    }
    await sleep(2000);
    return roomClients;
  };
  const first = await activeRooms();
  results.rss_mb_200_rooms = round(rssMb(server.pid));
  log(`  server RSS ${results.rss_mb_200_rooms} MB`);

  // Everyone leaves those rooms; once idle (SYNC_UNLOAD_IDLE_MS) they leave memory, and as many
  // other rooms take their place: the server should need about as much as for the first ones.
  for (const c of first) {
    repos.splice(repos.indexOf(c.repo), 1);
    await c.repo.shutdown().catch(() => undefined);
  }
  await sleep(2 * UNLOAD_IDLE_MS + 1000);
  log(`  after their clients left and they idled ${UNLOAD_IDLE_MS / 1000} s: server RSS ${round(rssMb(server.pid))} MB`);
  await activeRooms();
  results.rss_mb_200_more_rooms_after_unload = round(rssMb(server.pid));
  log(`  ${ROOMS} other rooms active in their place: server RSS ${results.rss_mb_200_more_rooms_after_unload} MB`);
} finally {
  await Promise.all(repos.map((r) => r.shutdown().catch(() => undefined)));
  await relay.stop();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
log(JSON.stringify(results));
process.exit(0);
