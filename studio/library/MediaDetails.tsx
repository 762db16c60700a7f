import { formatBytes, formatDuration } from '../ui/format';
import type { MediaItem } from './library-api';

/** What is known of a media item. Binding it to a video node is a later issue, and the text says so. */
export function MediaDetails({ item, onBack }: { item: MediaItem; onBack(): void }) {
  const rows: Array<[string, string]> = [
    ['Type', item.mimeType],
    ['Duration', formatDuration(item.duration)],
    ['Size', formatBytes(item.size)],
    ['Licence', item.licence || 'not stated'],
    ['Source', item.source || 'not stated'],
    ['Tags', item.tags.length ? item.tags.map((t) => `#${t}`).join(' ') : 'none'],
  ];
  return (
    <div className="pr-library-body pr-media-details" data-testid="media-details">
      <button type="button" className="pr-link" onClick={onBack} data-testid="media-back">
        ← Back to the results
      </button>
      <h3>{item.title}</h3>
      {item.description && <p>{item.description}</p>}
      <dl>
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
        <div>
          <dt>URL</dt>
          <dd>
            <a href={item.url} target="_blank" rel="noreferrer noopener">
              {item.url}
            </a>
          </dd>
        </div>
      </dl>
      <p className="pr-note">Playing media in a video node comes with the media queue, in a later release: for now the library lists and describes media.</p>
    </div>
  );
}
