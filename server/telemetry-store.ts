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
 * aggregate these rows; an event id seen twice is stored once.
 */
export function createTelemetryStore(db: Db): TelemetrySink {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO server_telemetry_events (event_id, name, timestamp, session_id, user_id, room_id, correlation_id, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  return (event: TelemetryEvent) => {
    insert.run(event.event_id, event.name, event.timestamp, event.session_id, event.user_id ?? null, event.room_id ?? null, event.correlation_id, JSON.stringify(event));
  };
}
