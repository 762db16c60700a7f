import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../runtime/telemetry/events';
import { closeDatabase, openDatabase, type Db } from './db';
import { migrate } from './migrations';
import { createTelemetryStore, serverMigrations } from './telemetry-store';

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) closeDatabase(db);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function store() {
  const dir = mkdtempSync(join(tmpdir(), 'patchroom-telemetry-'));
  dirs.push(dir);
  const db = openDatabase(dir);
  dbs.push(db);
  migrate(db, 'server', serverMigrations);
  const rows = () => db.prepare<[], { event_id: string; name: string }>('SELECT event_id, name FROM server_telemetry_events ORDER BY event_id').all();
  return { db, sink: createTelemetryStore(db), rows };
}

const event = (id: string, name = 'auth_login_success'): TelemetryEvent =>
  ({ event_id: id, name, timestamp: Date.now(), session_id: 's1', correlation_id: `c-${id}` }) as unknown as TelemetryEvent;

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('server telemetry store', () => {
  it('writes the events of one turn together after it, each event id once', async () => {
    const { sink, rows } = store();
    sink(event('e1'));
    sink(event('e2', 'queue_cmd_applied'));
    sink(event('e1')); // the same event reported twice
    expect(rows()).toEqual([]);
    await turn();
    expect(rows()).toEqual([
      { event_id: 'e1', name: 'auth_login_success' },
      { event_id: 'e2', name: 'queue_cmd_applied' },
    ]);
    sink(event('e3'));
    await turn();
    expect(rows().map((r) => r.event_id)).toEqual(['e1', 'e2', 'e3']);
  });

  it('flush writes what waits at once (shutdown), and nothing fails once the database is closed', async () => {
    const { db, sink, rows } = store();
    sink(event('e1'));
    sink.flush();
    expect(rows().map((r) => r.event_id)).toEqual(['e1']);
    sink(event('e2'));
    closeDatabase(db);
    expect(() => sink.flush()).not.toThrow();
    await turn();
  });
});
