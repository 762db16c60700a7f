import { createStore } from 'zustand/vanilla';
import { isAbort, type ApiError } from '../api/api-error';
import { asApiError } from '../api/error-text';
import { MAX_TAG_FILTERS, type KindFilter, type LibraryItem, type LibraryPage, type LibraryQuery } from './library-api';

export interface LibraryState {
  open: boolean;
  /** What the person asks for now (the search box, kind, tags). */
  query: LibraryQuery;
  /** The query the listed items answer: while a newer one loads, the last results stay visible. */
  shown: LibraryQuery | undefined;
  items: LibraryItem[];
  nextCursor: string | null;
  loading: boolean;
  loadingMore: boolean;
  error: ApiError | undefined;
}

export type FetchPage = (query: LibraryQuery, cursor: string | null, signal: AbortSignal) => Promise<LibraryPage>;

/** Search as you type waits this long after the last key (server/API.md suggests ~150 ms). */
export const SEARCH_DEBOUNCE_MS = 150;

/**
 * The library browser's state and its search-as-you-type: debounced, each search cancelling the one
 * before (AbortController) so an old, slower answer can never replace a newer one.
 */
export function createLibraryStore(fetchPage: FetchPage, debounceMs = SEARCH_DEBOUNCE_MS) {
  const store = createStore<LibraryState>(() => ({
    open: false,
    query: { q: '', kind: 'all', tags: [] },
    shown: undefined,
    items: [],
    nextCursor: null,
    loading: false,
    loadingMore: false,
    error: undefined,
  }));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: AbortController | undefined;

  /** Starts a request, cancelling whatever was in flight; resolves with its page, or undefined if superseded. */
  const fetchLatest = async (query: LibraryQuery, cursor: string | null): Promise<LibraryPage | undefined> => {
    current?.abort();
    const controller = (current = new AbortController());
    try {
      const page = await fetchPage(query, cursor, controller.signal);
      return controller === current ? page : undefined;
    } catch (error) {
      if (controller !== current || isAbort(error)) return undefined;
      store.setState({ error: asApiError(error), loading: false, loadingMore: false });
      return undefined;
    }
  };

  const search = async () => {
    clearTimeout(timer);
    const query = store.getState().query;
    store.setState({ loading: true, loadingMore: false, error: undefined });
    const page = await fetchLatest(query, null);
    if (page) store.setState({ items: page.items, nextCursor: page.nextCursor, shown: query, loading: false });
  };

  const schedule = () => {
    clearTimeout(timer);
    store.setState({ loading: true });
    timer = setTimeout(() => void search(), debounceMs);
  };

  const setQuery = (patch: Partial<LibraryQuery>, debounce: boolean) => {
    store.setState((s) => ({ query: { ...s.query, ...patch } }));
    if (debounce) schedule();
    else void search();
  };

  return {
    ...store,
    search,
    /** Typing: searched after a short pause. */
    type(q: string) {
      setQuery({ q }, true);
    },
    setKind(kind: KindFilter) {
      setQuery({ kind }, false);
    },
    toggleTag(tag: string) {
      const tags = store.getState().query.tags;
      if (tags.includes(tag)) setQuery({ tags: tags.filter((t) => t !== tag) }, false);
      else if (tags.length < MAX_TAG_FILTERS) setQuery({ tags: [...tags, tag] }, false);
    },
    async loadMore() {
      const { shown, nextCursor, loading, loadingMore } = store.getState();
      if (!shown || !nextCursor || loading || loadingMore) return;
      store.setState({ loadingMore: true, error: undefined });
      const page = await fetchLatest(shown, nextCursor);
      if (page) store.setState((s) => ({ items: [...s.items, ...page.items], nextCursor: page.nextCursor, loadingMore: false }));
    },
    toggle() {
      store.setState((s) => ({ open: !s.open }));
    },
    close() {
      store.setState({ open: false });
    },
    /** Signed out: nothing of the shared library stays on screen. */
    clear() {
      clearTimeout(timer);
      current?.abort();
      current = undefined;
      store.setState({ shown: undefined, items: [], nextCursor: null, loading: false, loadingMore: false, error: undefined });
    },
  };
}

export type LibraryStore = ReturnType<typeof createLibraryStore>;
