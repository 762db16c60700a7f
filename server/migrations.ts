import type { Migration } from '../runtime/plugin/server';
import { PluginLoadError } from '../runtime/plugin/registry';
import type { Db } from './db';

/**
 * Applies a plugin's migrations that the database has not seen, each in its own transaction, and
 * records them in `migrations` (plugin, version). Fails loudly, naming the plugin, on versions out of
 * order, a database ahead of the code, or a schema object not named `<plugin>_…`.
 */
export function migrate(db: Db, owner: string, migrations: readonly Migration<Db>[]): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS migrations (plugin TEXT NOT NULL, version INTEGER NOT NULL, applied_at INTEGER NOT NULL, PRIMARY KEY (plugin, version))');
  let previous = 0;
  for (const { version } of migrations) {
    if (!Number.isInteger(version) || version <= previous) {
      throw new PluginLoadError(owner, `migration versions must be whole numbers from 1, increasing; got ${String(version)} after ${previous}`);
    }
    previous = version;
  }
  const row = db.prepare('SELECT MAX(version) AS version FROM migrations WHERE plugin = ?').get(owner) as { version: number | null };
  const applied = row.version ?? 0;
  if (applied > previous) {
    throw new PluginLoadError(owner, `the database is at migration ${applied}, newer than this code knows (${previous}); run the newer version or restore a backup`);
  }
  const prefix = `${owner.replace(/-/g, '_')}_`;
  const ran: number[] = [];
  for (const migration of migrations.filter((m) => m.version > applied)) {
    db.transaction(() => {
      const before = schemaNames(db);
      if (typeof migration.up === 'string') db.exec(migration.up);
      else migration.up(db);
      const foreign = [...schemaNames(db)].filter((name) => !before.has(name) && !name.startsWith(prefix));
      if (foreign.length) throw new PluginLoadError(owner, `migration ${migration.version} created ${foreign.join(', ')}; name tables, indexes and triggers "${prefix}…"`);
      db.prepare('INSERT INTO migrations (plugin, version, applied_at) VALUES (?, ?, ?)').run(owner, migration.version, Date.now());
    })();
    ran.push(migration.version);
  }
  return ran;
}

function schemaNames(db: Db): Set<string> {
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index', 'trigger', 'view') AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>;
  return new Set(rows.map((r) => r.name));
}
