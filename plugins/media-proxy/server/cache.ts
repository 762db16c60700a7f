import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../../runtime/plugin/server';
import { faststart, Mp4Error, verifyMp4 } from './mp4-boxes';

export interface CacheEntry {
  key: string;
  path: string;
  size: number;
  contentType: string;
  /** Strong validator of the cached bytes (they never change under one key). */
  etag: string;
  lastModified: Date;
  /** rewritten: moov was moved to the front; unchanged: it already was; failed: served as downloaded. */
  faststart: 'rewritten' | 'unchanged' | 'failed';
  lastUsed: number;
}

interface Meta {
  key: string;
  size: number;
  contentType: string;
  etag: string;
  lastModified: string;
  faststart: CacheEntry['faststart'];
}

/** Downloads a URL's body into `path`; rejects with the reason it could not. */
export type Download = (path: string) => Promise<{ contentType: string; lastModified?: string }>;

/**
 * Media files on disk under `dir`, one per URL key, evicted least-recently-used first when their
 * total passes `maxBytes`. A key is filled once: concurrent requests for it share one download.
 */
export class MediaCache {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly filling = new Map<string, Promise<CacheEntry>>();
  private total = 0;
  private readonly tmp: string;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
    private readonly log: Logger,
  ) {
    this.tmp = join(dir, 'tmp');
  }

  /** Reads what an earlier run left (a file whose metadata does not match is dropped) and clears half-written files. */
  init(): void {
    rmSync(this.tmp, { recursive: true, force: true });
    mkdirSync(this.tmp, { recursive: true, mode: 0o700 });
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith('.json')) continue;
      const key = name.slice(0, -5);
      const path = join(this.dir, `${key}.media`);
      try {
        const meta = JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as Meta;
        const info = statSync(path);
        if (meta.key !== key || info.size !== meta.size) throw new Error('size mismatch');
        this.entries.set(key, { ...meta, path, lastModified: new Date(meta.lastModified), lastUsed: info.mtimeMs });
        this.total += meta.size;
      } catch {
        rmSync(path, { force: true });
        rmSync(join(this.dir, name), { force: true });
      }
    }
    // Oldest use first, so eviction order survives a restart.
    const sorted = [...this.entries.values()].sort((a, b) => a.lastUsed - b.lastUsed);
    this.entries.clear();
    for (const entry of sorted) this.entries.set(entry.key, entry);
    this.evict();
  }

  get(key: string): CacheEntry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    entry.lastUsed = Date.now();
    this.entries.delete(key);
    this.entries.set(key, entry);
    const now = new Date();
    void utimes(entry.path, now, now).catch(() => undefined);
    return entry;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The fill in progress for a key, if any. */
  pending(key: string): Promise<CacheEntry> | undefined {
    return this.filling.get(key);
  }

  /** Fills a key (or joins the fill in progress): download, faststart, verify, then publish. */
  fill(key: string, download: Download): Promise<CacheEntry> {
    const existing = this.entries.get(key);
    if (existing) return Promise.resolve(existing);
    let running = this.filling.get(key);
    if (!running) {
      running = this.build(key, download).finally(() => this.filling.delete(key));
      this.filling.set(key, running);
    }
    return running;
  }

  get bytes(): number {
    return this.total;
  }

  get count(): number {
    return this.entries.size;
  }

  private async build(key: string, download: Download): Promise<CacheEntry> {
    const raw = join(this.tmp, `${key}.${randomUUID()}.raw`);
    const moved = `${raw}.faststart`;
    try {
      const info = await download(raw);
      let final = raw;
      let state: CacheEntry['faststart'] = 'unchanged';
      try {
        const result = await faststart(raw, moved);
        if (result.rewritten) {
          await verifyMp4(moved, raw);
          final = moved;
          state = 'rewritten';
        }
      } catch (error) {
        if (!(error instanceof Mp4Error)) throw error;
        // Served as downloaded: a moov-at-end file still plays, only later.
        state = 'failed';
        this.log.warn('faststart failed; serving the file as downloaded', { key: key.slice(0, 16), error: error.message });
      }
      const size = (await stat(final)).size;
      const path = join(this.dir, `${key}.media`);
      const entry: CacheEntry = {
        key,
        path,
        size,
        contentType: info.contentType,
        etag: `"${key.slice(0, 16)}-${size.toString(16)}-${Date.now().toString(16)}"`,
        lastModified: info.lastModified && !Number.isNaN(Date.parse(info.lastModified)) ? new Date(info.lastModified) : new Date(),
        faststart: state,
        lastUsed: Date.now(),
      };
      await rename(final, path);
      const meta: Meta = { key, size, contentType: entry.contentType, etag: entry.etag, lastModified: entry.lastModified.toUTCString(), faststart: state };
      await writeFile(join(this.dir, `${key}.json`), JSON.stringify(meta));
      this.entries.set(key, entry);
      this.total += size;
      this.evict(key);
      return entry;
    } finally {
      await rm(raw, { force: true });
      await rm(moved, { force: true });
    }
  }

  /** Drops least recently used files until the total fits (never the one just added). */
  private evict(keep?: string): void {
    for (const entry of this.entries.values()) {
      if (this.total <= this.maxBytes) break;
      if (entry.key === keep) continue;
      this.entries.delete(entry.key);
      this.total -= entry.size;
      // A reader that has the file open keeps reading it: unlinking does not cut it off.
      rmSync(entry.path, { force: true });
      rmSync(join(this.dir, `${entry.key}.json`), { force: true });
      this.log.info('media cache evicted a file', { key: entry.key.slice(0, 16), size: entry.size });
    }
  }
}
