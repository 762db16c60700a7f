import type { Migration } from '../runtime/plugin/server';
import type { TelemetryEvent, TelemetrySink } from '../runtime/telemetry/events';
import type { Db } from './db';

/** The server's own tables, migrated like a plugin's under the reserved owner "server". */
export const serverMigrations: readonly Migration<Db>[] = [
  {
    version: 1,
    up: `CREATE TABLE server_telemetry_events (
      event_id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      timestamp INTEGER NOT NULL,
      session_id TEXT,
      user_id TEXT,
      room_id TEXT,
      correlation_id TEXT,
      event TEXT NOT NULL
    );
    CREATE INDEX server_telemetry_events_by_name ON server_telemetry_events (name, timestamp);`,
  },
];

/**
 * Server-side telemetry (auth events…) stored in SQLite. The telemetry plugin will read and
 * aggregate these rows; an event id seen twice is stored once. The events of one turn of the event
 * loop are written together, in one transaction after it (setImmediate), before any answer sent in
 * that turn can reach its client: a storm of requests costs one commit per turn, not one per event.
 * `flush` writes what waits now (at shutdown, before the database closes).
 */
export function createTelemetryStore(db: Db): TelemetrySink & { flush(): void } {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO server_telemetry_events (event_id, name, timestamp, session_id, user_id, room_id, correlation_id, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  let waiting: TelemetryEvent[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  const write = db.transaction((events: TelemetryEvent[]) => {
    for (const event of events) {
      insert.run(event.event_id, event.name, event.timestamp, event.session_id, event.user_id ?? null, event.room_id ?? null, event.correlation_id, JSON.stringify(event));
    }
  });
  const flush = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    const events = waiting;
    waiting = [];
    if (events.length > 0 && db.open) write(events);
  };
  const sink = (event: TelemetryEvent) => {
    waiting.push(event);
    scheduled ??= setImmediate(flush);
  };
  return Object.assign(sink, { flush });
}
