import type { ApiClient } from '../api/client';

interface ItemCommon {
  id: string;
  title: string;
  description: string;
  tags: string[];
  source: string | null;
  licence: string | null;
  createdBy: string | null;
  createdAt: number;
}

export interface MediaItem extends ItemCommon {
  kind: 'media';
  url: string;
  mimeType: string;
  /** Seconds. */
  duration: number | null;
  /** Bytes. */
  size: number | null;
}

export interface PresetItem extends ItemCommon {
  kind: 'preset';
  presetKind: 'patch' | 'code';
  author: string | null;
  builtin: boolean;
}

export type LibraryItem = MediaItem | PresetItem;

/** A preset in full (`GET /items/:id`): its patch JSON (untrusted until validated) or its code. */
export type FullPreset = PresetItem & { patch?: unknown; code?: string };

export type KindFilter = 'all' | 'preset' | 'media';

export interface LibraryQuery {
  q: string;
  kind: KindFilter;
  tags: string[];
}

export interface LibraryPage {
  items: LibraryItem[];
  nextCursor: string | null;
}

export const PAGE_SIZE = 24;
/** The server accepts at most this many tag filters. */
export const MAX_TAG_FILTERS = 5;

/** /api/library (server/API.md). */
export function libraryApi(api: ApiClient) {
  return {
    page(query: LibraryQuery, cursor: string | null, signal?: AbortSignal): Promise<LibraryPage> {
      return api.get<LibraryPage>('/api/library/items', {
        query: { q: query.q.trim(), kind: query.kind === 'all' ? undefined : query.kind, tag: query.tags, limit: PAGE_SIZE, cursor: cursor ?? undefined },
        ...(signal ? { signal } : {}),
      });
    },
    async item(id: string): Promise<LibraryItem | FullPreset> {
      return (await api.get<{ item: LibraryItem | FullPreset }>(`/api/library/items/${encodeURIComponent(id)}`)).item;
    },
  };
}

export type LibraryApi = ReturnType<typeof libraryApi>;
