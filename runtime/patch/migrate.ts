import { PATCH_VERSION } from './schema';

/**
 * One step of the migration chain: takes a patch object of version `from` and returns the same
 * patch as version `from + 1`. Steps receive untrusted JSON and must not assume its shape beyond
 * the version they are written for; `parsePatch` checks the result.
 */
export interface PatchMigration {
  from: number;
  describe: string;
  migrate(patch: Record<string, unknown>): Record<string, unknown>;
}

/** Version 1 is the first format; steps are added here when it changes. */
export const patchMigrations: readonly PatchMigration[] = [];

export type MigrationResult =
  | { ok: true; patch: Record<string, unknown>; applied: string[] }
  | { ok: false; code: 'newer-version' | 'bad-version' | 'migration-failed'; message: string };

/** Brings a patch object up to `target`, one step at a time. */
export function migratePatch(
  raw: Record<string, unknown>,
  migrations: readonly PatchMigration[] = patchMigrations,
  target: number = PATCH_VERSION,
): MigrationResult {
  const version = raw.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { ok: false, code: 'bad-version', message: 'The patch has no valid "version" field.' };
  }
  if (version > target) {
    return {
      ok: false,
      code: 'newer-version',
      message: `This patch was made by a newer Patchroom (format ${version}; this one reads up to ${target}). Update Patchroom to open it.`,
    };
  }
  let patch = raw;
  const applied: string[] = [];
  for (let v = version; v < target; v++) {
    const step = migrations.find((m) => m.from === v);
    if (!step) return { ok: false, code: 'migration-failed', message: `No migration from patch format ${v} to ${v + 1}.` };
    try {
      patch = { ...step.migrate(patch), version: v + 1 };
    } catch (error) {
      return { ok: false, code: 'migration-failed', message: `Migrating from format ${v} failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    applied.push(step.describe);
  }
  return { ok: true, patch, applied };
}
