import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { build } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DocHandle } from '@automerge/automerge-repo';
import type { NowPlaying, QueueEntry, RoomStateDoc } from './protocol';
import { readRoomState } from './room-state';
import { CommandOutbox, createRoom, eventually, invite, randomCommand, roomDocuments, seedMedia, seeded, signUp, syncClient, type Person, type SyncClient } from './testing';

/**
 * Chaos: 20 clients × 200 random queue commands against the real server in a child process, with
 * requests aborted mid-flight and resent from each client's outbox, sync sockets killed at random,
 * and the server killed with SIGKILL half way and started again on the same data. Every command
 * must end answered, every acknowledged one applied exactly once, no entry twice, and every client's
 * room-state document equal to what SQLite holds.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const CLIENTS = 20;
const COMMANDS_EACH = 200;

let outDir: string;
let dataDir: string;
let clientDir: string;
let port: number;
let child: ChildProcess | undefined;
const serverLines: string[] = [];
let upgrades = 0;
const upgradeMs: number[] = [];

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function startChild(): Promise<void> {
  const proc = spawn(process.execPath, [join(outDir, 'main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      CLIENT_DIR: clientDir,
      LOG_LEVEL: 'debug',
      REGISTER_PER_IP_PER_HOUR: '1000',
      SYNC_COMPACT_MS: '500',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${serverLines.slice(-20).join('\n')}`)), 20_000);
    let buffered = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        // Keep what matters; the access log of thousands of requests is drained and dropped.
        if (line.includes('"msg":"upgrade"')) {
          upgrades += 1;
          upgradeMs.push(Number(/"ms":(\d+)/.exec(line)?.[1] ?? 0));
        }
        else if (!line.includes('"msg":"request"')) serverLines.push(line);
        if (line.includes('"msg":"listening"')) {
          clearTimeout(timer);
          resolve();
        }
      }
    });
    proc.stderr!.on('data', (chunk: Buffer) => serverLines.push(chunk.toString()));
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? signal})`));
    });
  });
  proc.removeAllListeners('exit');
}

async function killChild(signal: NodeJS.Signals) {
  const proc = child;
  if (!proc || proc.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill(signal);
  await exited;
}

beforeAll(async () => {
  outDir = join(ROOT, 'dist', `.chaos-server-${process.pid}`);
  await build({ configFile: join(ROOT, 'vite.server.config.ts'), root: ROOT, logLevel: 'silent', build: { outDir, emptyOutDir: true, sourcemap: false } });
  dataDir = mkdtempSync(join(tmpdir(), 'patchroom-chaos-'));
  clientDir = mkdtempSync(join(tmpdir(), 'patchroom-chaos-client-'));
  mkdirSync(join(clientDir, 'sandbox'));
  writeFileSync(join(clientDir, 'play.html'), '<!doctype html><title>player</title>');
  writeFileSync(join(clientDir, 'sandbox', 'frame.html'), '<!doctype html><title>frame</title>');
  port = await freePort();
  await startChild();
}, 60_000);

afterAll(async () => {
  await killChild('SIGTERM');
  for (const dir of [outDir, dataDir, clientDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

it(`${CLIENTS} clients × ${COMMANDS_EACH} commands, socket kills, aborted requests and a server SIGKILL: every acknowledged command applied once`, async () => {
  const url = `http://127.0.0.1:${port}`;
  const owner = await signUp(url, 'chaos');
  const roomId = await createRoom(owner);
  const people: Person[] = [owner];
  for (let i = 1; i < CLIENTS; i++) {
    const performer = await signUp(url, 'chaosp');
    await invite(owner, roomId, performer, 'performer');
    people.push(performer);
  }
  const items = await seedMedia(owner, 8);
  const docs = await roomDocuments(owner, roomId);

  const clients = await Promise.all(
    people.map(async (person, i) => {
      const random = seeded(1000 + i);
      // Not below the handshake time: automerge-repo 2.5.6 replaces a socket still connecting at each retry tick.
      const sync: SyncClient = syncClient(url, person, { retryMs: 1000 });
      const handle: DocHandle<RoomStateDoc> = await sync.find<RoomStateDoc>(docs.stateDocId);
      // Half the clients, while their socket is down, name their room-state heads and apply the
      // changes answers carry, as the studio does; the other half rely on the sync alone.
      const syncing = () => (sync.adapter.socket as unknown as { readyState?: number } | undefined)?.readyState === 1;
      const outbox = new CommandOutbox(url, person, roomId, { abortChance: 0.15, abortWithinMs: 15, random }, i % 2 === 0 ? { handle, syncing } : undefined);
      return { person, random, sync, handle, outbox, sent: 0 };
    }),
  );

  let running = true;
  let socketKills = 0;
  let serverKilled = false;
  const answered = () => clients.reduce((n, c) => n + c.outbox.answers.size, 0);

  // Random socket kills: clean closes and abrupt terminations, while commands flow.
  const killer = (async () => {
    const random = seeded(7);
    while (running) {
      await new Promise((resolve) => setTimeout(resolve, 150 + random() * 200));
      const victim = clients[Math.floor(random() * clients.length)]!;
      const socket = victim.sync.adapter.socket as unknown as { close(): void; terminate?(): void } | undefined;
      if (!socket) continue;
      socketKills += 1;
      if (random() < 0.5 && socket.terminate) socket.terminate();
      else socket.close();
    }
  })();

  // Half way through, the server dies without warning and comes back on the same data.
  const restart = (async () => {
    while (running && answered() < (CLIENTS * COMMANDS_EACH) / 2) await new Promise((resolve) => setTimeout(resolve, 20));
    if (!running) return;
    await killChild('SIGKILL');
    serverKilled = true;
    await new Promise((resolve) => setTimeout(resolve, 300));
    await startChild();
  })();

  const started = performance.now();
  await Promise.all(
    clients.map(async (client, i) => {
      for (let k = 0; k < COMMANDS_EACH; k++) {
        const state = client.handle.isReady() ? readRoomState(client.handle.doc()) : undefined;
        client.outbox.add(randomCommand(client.random, `c${i}-${k}-${randomUUID().slice(0, 8)}`, state, items));
        client.sent += 1;
        void client.outbox.flush();
        await new Promise((resolve) => setTimeout(resolve, client.random() * 12));
      }
      while (client.outbox.pending.size > 0) await client.outbox.flush(Date.now() + 60_000);
    }),
  );
  running = false;
  await Promise.all([killer, restart]);
  const commandsMs = performance.now() - started;

  // What SQLite holds is the truth.
  const db = new Database(join(dataDir, 'patchroom.db'), { readonly: true });
  const row = db.prepare<[string], { seq: number; queue: string; now_playing: string | null; active_preset: string | null }>('SELECT seq, queue, now_playing, active_preset FROM sync_rooms WHERE room_id = ?').get(roomId)!;
  const truth = { seq: row.seq, queue: JSON.parse(row.queue) as QueueEntry[], nowPlaying: (row.now_playing ? JSON.parse(row.now_playing) : null) as NowPlaying | null, activePreset: row.active_preset };
  const appliedIds = new Set(
    db
      .prepare<[string], { command_id: string }>("SELECT command_id FROM sync_commands WHERE room_id = ? AND status = 'ack'")
      .all(roomId)
      .map((r) => r.command_id),
  );
  const telemetryTwice = db
    .prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM (SELECT correlation_id FROM server_telemetry_events WHERE name = 'queue_cmd_applied' GROUP BY correlation_id HAVING COUNT(*) > 1)")
    .get()!.n;
  const closeCodes = Object.fromEntries(
    db
      .prepare<[], { code: number; n: number }>("SELECT json_extract(event, '$.code') AS code, COUNT(*) AS n FROM server_telemetry_events WHERE name IN ('socket_disconnect', 'socket_connect') GROUP BY name, code")
      .all()
      .map((r) => [r.code, r.n]),
  );
  db.close();
  const closedBy: Record<string, number> = {};
  for (const line of serverLines) if (line.includes('sync socket closed')) closedBy[/"why":"([^"]*)"/.exec(line)?.[1] ?? '?'] = (closedBy[/"why":"([^"]*)"/.exec(line)?.[1] ?? '?'] ?? 0) + 1;
  console.log(`chaos: commands done in ${Math.round(commandsMs)} ms; ${upgrades} upgrades (p50 ${[...upgradeMs].sort((a, b) => a - b)[upgradeMs.length >> 1]} ms, max ${Math.max(...upgradeMs)} ms); telemetry ${JSON.stringify(closeCodes)}; server closed sockets: ${JSON.stringify(closedBy)}; seq ${truth.seq}`);

  // Every client's room-state document converges on it.
  const converged = performance.now();
  await eventually(
    () => {
      for (const client of clients) {
        const doc = readRoomState(client.handle.doc());
        expect({ seq: doc?.seq, queue: doc?.queue, nowPlaying: doc?.nowPlaying, activePreset: doc?.activePreset }).toEqual(truth);
      }
    },
    30_000,
    100,
  );
  const convergeMs = performance.now() - converged;

  const sent = clients.reduce((n, c) => n + c.sent, 0);
  const answers = clients.flatMap((c) => [...c.outbox.answers.values()]);
  const acked = answers.filter((a) => a.status === 'ack');
  const lost = sent - answers.length + acked.filter((a) => !appliedIds.has(a.id)).length;
  const entryIds = [...truth.queue.map((e) => e.entryId), ...(truth.nowPlaying ? [truth.nowPlaying.entry.entryId] : [])];
  const duplicates = entryIds.length - new Set(entryIds).size + telemetryTwice + clients.reduce((n, c) => n + c.outbox.conflicts, 0);
  const counts = {
    sent,
    answered: answers.length,
    acknowledged: acked.length,
    rejected: answers.length - acked.length,
    applied: appliedIds.size,
    duplicates,
    lost,
    final_seq: truth.seq,
    queue_length: truth.queue.length,
    requests: clients.reduce((n, c) => n + c.outbox.requests, 0),
    aborted_requests: clients.reduce((n, c) => n + c.outbox.aborted, 0),
    failed_requests: clients.reduce((n, c) => n + c.outbox.failed, 0),
    states_in_answers: clients.reduce((n, c) => n + c.outbox.statesApplied, 0),
    states_unreadable: clients.reduce((n, c) => n + c.outbox.statesRefused, 0),
    socket_kills: socketKills,
    server_sigkill: serverKilled,
    commands_ms: Math.round(commandsMs),
    converge_ms: Math.round(convergeMs),
  };
  console.log(`chaos: ${JSON.stringify(counts)}`);

  expect(serverKilled).toBe(true);
  expect(counts.answered).toBe(sent);
  expect(lost).toBe(0);
  expect(duplicates).toBe(0);
  // seq counts applications: one per acknowledged id, none twice, none lost in the crash.
  expect(acked.length).toBe(appliedIds.size);
  expect(truth.seq).toBe(appliedIds.size);
  expect(acked.length).toBeGreaterThan(sent / 3);
  expect(counts.states_in_answers).toBeGreaterThan(0);
  expect(counts.states_unreadable).toBe(0);
  // Taking state from answers never makes a client look like a writer to the server.
  expect(Object.keys(closedBy).filter((why) => why.includes('may only read'))).toEqual([]);
  expect(serverLines.filter((line) => line.includes('"level":"error"'))).toEqual([]);

  await Promise.all(clients.map((c) => c.sync.close()));
}, 240_000);
