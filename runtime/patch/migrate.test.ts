import { describe, expect, it } from 'vitest';
import { migratePatch, patchMigrations, type PatchMigration } from './migrate';
import { PATCH_VERSION } from './schema';

/** A made-up history: v1 called nodes "boxes", v2 called edges "wires", v3 is current in these tests. */
const history: PatchMigration[] = [
  {
    from: 2,
    describe: 'wires are now edges',
    migrate: ({ wires, ...rest }) => ({ ...rest, edges: wires }),
  },
  {
    from: 1,
    describe: 'boxes are now nodes',
    migrate: ({ boxes, ...rest }) => ({ ...rest, nodes: boxes, wires: [] }),
  },
];

describe('migratePatch', () => {
  it('passes a current patch through untouched, applying nothing', () => {
    const raw = { version: PATCH_VERSION, nodes: [], edges: [] };
    expect(migratePatch(raw)).toEqual({ ok: true, patch: raw, applied: [] });
    expect(patchMigrations.every((m) => m.from < PATCH_VERSION)).toBe(true);
  });

  it('migrates an old patch through every step in order, whatever order the steps are listed in', () => {
    const result = migratePatch({ version: 1, name: 'old', boxes: [{ id: 'a' }] }, history, 3);
    expect(result).toEqual({
      ok: true,
      patch: { version: 3, name: 'old', nodes: [{ id: 'a' }], edges: [] },
      applied: ['boxes are now nodes', 'wires are now edges'],
    });
  });

  it('starts at the patch version, skipping older steps', () => {
    const result = migratePatch({ version: 2, nodes: [], wires: [{ x: 1 }] }, history, 3);
    expect(result).toEqual({ ok: true, patch: { version: 3, nodes: [], edges: [{ x: 1 }] }, applied: ['wires are now edges'] });
  });

  it('sets the version itself after each step, even when a step forgets to', () => {
    const seen: unknown[] = [];
    const steps: PatchMigration[] = [1, 2, 3].map((from) => ({
      from,
      describe: `step ${from}`,
      migrate: (p) => {
        seen.push(p.version);
        return { ...p, version: 99 };
      },
    }));
    const result = migratePatch({ version: 1 }, steps, 4);
    expect(seen).toEqual([1, 2, 3]);
    expect(result.ok && result.patch.version).toBe(4);
  });

  it('refuses a newer version with a message saying which formats this build reads', () => {
    const result = migratePatch({ version: 5 }, history, 3);
    expect(result).toEqual({
      ok: false,
      code: 'newer-version',
      message: 'This patch was made by a newer Patchroom (format 5; this one reads up to 3). Update Patchroom to open it.',
    });
  });

  it('refuses a version that is missing, fractional, zero, negative or not a number', () => {
    for (const version of [undefined, 1.5, 0, -1, '1', null, Number.NaN]) {
      const result = migratePatch({ version }, history, 3);
      expect(result).toEqual({ ok: false, code: 'bad-version', message: 'The patch has no valid "version" field.' });
    }
  });

  it('fails clearly when a step of the chain is missing', () => {
    const result = migratePatch({ version: 1, boxes: [] }, history.filter((m) => m.from !== 2), 3);
    expect(result).toEqual({ ok: false, code: 'migration-failed', message: 'No migration from patch format 2 to 3.' });
  });

  it('fails clearly, quoting the error, when a step throws', () => {
    const steps: PatchMigration[] = [
      history[1]!,
      {
        from: 2,
        describe: 'needs wires',
        migrate: (p) => {
          if (!Array.isArray(p.wires) || p.wires.length === 0) throw new Error('wires must not be empty');
          return p;
        },
      },
    ];
    const result = migratePatch({ version: 1, boxes: [] }, steps, 3);
    expect(result).toEqual({ ok: false, code: 'migration-failed', message: 'Migrating from format 2 failed: wires must not be empty' });
  });

  it('does not change the object it was given', () => {
    const raw = { version: 1, boxes: [{ id: 'a' }] };
    const copy = structuredClone(raw);
    migratePatch(raw, history, 3);
    expect(raw).toEqual(copy);
  });
});
