import { useStore } from 'zustand';
import { useOnline } from '../online';
import { QueueAdd, queueDragProps, ShowInRoom } from '../sync/QueueAdd';
import type { LibraryItem, LibraryQuery } from './library-api';

/** The listed items (the last answer, kept while a newer search loads), the empty state and "Load more". */
export function LibraryResults({ opening, onPick }: { opening: string | undefined; onPick(item: LibraryItem): void }) {
  const { library } = useOnline();
  const items = useStore(library, (s) => s.items);
  const shown = useStore(library, (s) => s.shown);
  const nextCursor = useStore(library, (s) => s.nextCursor);
  const loadingMore = useStore(library, (s) => s.loadingMore);
  const activeTags = useStore(library, (s) => s.query.tags);

  if (shown && items.length === 0) {
    return (
      <p className="pr-empty" data-testid="library-empty">
        {describeEmpty(shown)}
      </p>
    );
  }
  return (
    <div className="pr-library-results">
      <ul className="pr-library-list" data-testid="library-results">
        {items.map((item) => (
          <li key={item.id}>
            <button
              type="button"
              className="pr-library-item"
              onClick={() => onPick(item)}
              aria-busy={opening === item.id}
              data-testid="library-item"
              data-item-id={item.id}
              {...(item.kind === 'media' ? queueDragProps(item) : {})}
            >
              <span className="pr-library-item-title">
                <strong>{item.title}</strong>
                <small className="pr-badge">{item.kind === 'preset' ? `${item.presetKind} preset` : item.mimeType}</small>
                {opening === item.id && <small className="pr-spinner" aria-label="Opening" />}
              </span>
              {item.description && <small className="pr-library-item-text">{item.description}</small>}
            </button>
            {item.kind === 'media' ? <QueueAdd item={item} /> : <ShowInRoom item={item} />}
            {item.tags.length > 0 && (
              <span className="pr-tags">
                {item.tags.map((tag) => (
                  <button key={tag} type="button" className={`pr-tag${activeTags.includes(tag) ? ' is-active' : ''}`} onClick={() => library.toggleTag(tag)} title={`Only items tagged ${tag}`}>
                    #{tag}
                  </button>
                ))}
              </span>
            )}
          </li>
        ))}
      </ul>
      {nextCursor && (
        <button type="button" className="pr-load-more" disabled={loadingMore} onClick={() => void library.loadMore()} data-testid="library-more">
          {loadingMore ? 'Loading…' : 'Load more'}
        </button>
      )}
    </div>
  );
}

function describeEmpty(query: LibraryQuery): string {
  const what = query.kind === 'preset' ? 'presets' : query.kind === 'media' ? 'media' : 'items';
  const tags = query.tags.length ? ` tagged ${query.tags.map((t) => `#${t}`).join(' ')}` : '';
  if (query.q.trim()) return `No results for “${query.q.trim()}”${query.kind !== 'all' || tags ? ` among ${what}${tags}` : ''}.`;
  return `No ${what}${tags} in the library yet.`;
}
