import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/api-error';
import type { LibraryItem, LibraryPage, LibraryQuery } from './library-api';
import { createLibraryStore, SEARCH_DEBOUNCE_MS } from './library-store';

/** A server stand-in whose answers the test releases one by one, in any order (to stage slow and fast answers). */
function pendingServer() {
  const calls: Array<{ query: LibraryQuery; cursor: string | null; signal: AbortSignal; answer(page: LibraryPage): void; fail(error: unknown): void }> = [];
  const fetchPage = (query: LibraryQuery, cursor: string | null, signal: AbortSignal) =>
    new Promise<LibraryPage>((resolve, reject) => {
      calls.push({ query, cursor, signal, answer: resolve, fail: reject });
      signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    });
  return { calls, fetchPage };
}

const item = (title: string): LibraryItem => ({
  id: `s_${title.toLowerCase()}`,
  kind: 'preset',
  title,
  description: '',
  tags: [],
  source: null,
  licence: null,
  createdBy: null,
  createdAt: 0,
  presetKind: 'patch',
  author: null,
  builtin: true,
});
const page = (titles: string[], nextCursor: string | null = null): LibraryPage => ({ items: titles.map(item), nextCursor });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('library search as you type', () => {
  it('waits for a pause in typing, then sends one search for the latest text', async () => {
    const server = pendingServer();
    const library = createLibraryStore(server.fetchPage);
    for (const q of ['e', 'em', 'emb', 'embe', 'ember']) {
      library.type(q);
      await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS - 50);
    }
    expect(server.calls).toHaveLength(0);
    expect(library.getState().loading).toBe(true);
    await vi.advanceTimersByTimeAsync(50);
    expect(server.calls.map((c) => c.query.q)).toEqual(['ember']);
    server.calls[0]!.answer(page(['Ember Weave']));
    await vi.runAllTimersAsync();
    expect(library.getState()).toMatchObject({ loading: false, shown: { q: 'ember' } });
    expect(library.getState().items.map((i) => i.title)).toEqual(['Ember Weave']);
  });

  it('keeps the last results on screen while the next search loads', async () => {
    const server = pendingServer();
    const library = createLibraryStore(server.fetchPage);
    void library.search();
    server.calls[0]!.answer(page(['Aurora', 'Ember Weave']));
    await vi.runAllTimersAsync();
    library.type('emb');
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    expect(library.getState().loading).toBe(true);
    expect(library.getState().items).toHaveLength(2);
    expect(library.getState().shown?.q).toBe('');
  });

  it('cancels the stale request: a slow old answer never replaces a newer one', async () => {
    const server = pendingServer();
    const library = createLibraryStore(server.fetchPage);
    library.type('em');
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    library.type('ember');
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    const [old, latest] = server.calls;
    expect(old!.signal.aborted).toBe(true);
    expect(latest!.signal.aborted).toBe(false);
    latest!.answer(page(['Ember Weave']));
    old!.answer(page(['Emerald', 'Ember Weave']));
    await vi.runAllTimersAsync();
    expect(library.getState().items.map((i) => i.title)).toEqual(['Ember Weave']);
    expect(library.getState().error).toBeUndefined();
  });

  it('filters by kind and tags at once (no debounce), at most five tags', async () => {
    const server = pendingServer();
    const library = createLibraryStore(server.fetchPage);
    library.setKind('media');
    for (const tag of ['a', 'b', 'c', 'd', 'e', 'f']) library.toggleTag(tag);
    library.toggleTag('b');
    expect(library.getState().query).toEqual({ q: '', kind: 'media', tags: ['a', 'c', 'd', 'e'] });
    expect(server.calls.at(-1)!.query).toEqual({ q: '', kind: 'media', tags: ['a', 'c', 'd', 'e'] });
    expect(server.calls.slice(0, -1).every((c) => c.signal.aborted)).toBe(true);
  });

  it('loads more with the cursor, for the query on screen', async () => {
    const server = pendingServer();
    const library = createLibraryStore(server.fetchPage);
    void library.search();
    server.calls[0]!.answer(page(['A', 'B'], 'bzI='));
    await vi.runAllTimersAsync();
    void library.loadMore();
    void library.loadMore(); // a second click while loading does nothing
    expect(server.calls).toHaveLength(2);
    expect(server.calls[1]).toMatchObject({ cursor: 'bzI=', query: { q: '' } });
    expect(library.getState().loadingMore).toBe(true);
    server.calls[1]!.answer(page(['C']));
    await vi.runAllTimersAsync();
    expect(library.getState()).toMatchObject({ loadingMore: false, nextCursor: null });
    expect(library.getState().items.map((i) => i.title)).toEqual(['A', 'B', 'C']);
  });

  it('shows errors, and clears them with the next search', async () => {
    const server = pendingServer();
    const library = createLibraryStore(server.fetchPage);
    void library.search();
    server.calls[0]!.fail(new ApiError(0, 'network', 'offline'));
    await vi.runAllTimersAsync();
    expect(library.getState()).toMatchObject({ loading: false, error: { code: 'network' } });
    void library.search();
    expect(library.getState().error).toBeUndefined();
  });

  it('clear() forgets results and cancels what is in flight (signing out)', async () => {
    const server = pendingServer();
    const library = createLibraryStore(server.fetchPage);
    void library.search();
    library.clear();
    expect(server.calls[0]!.signal.aborted).toBe(true);
    expect(library.getState()).toMatchObject({ items: [], shown: undefined, loading: false });
  });
});
