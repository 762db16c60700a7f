import { formatBytes, formatDuration } from '../ui/format';
import type { MediaItem } from './library-api';

/** What is known of a media item; a video can go into the patch as a video node. */
export function MediaDetails({ item, onBack, onUseVideo }: { item: MediaItem; onBack(): void; onUseVideo?: (item: MediaItem) => void }) {
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
      {onUseVideo && item.mimeType.startsWith('video/') ? (
        <button type="button" className="pr-button" onClick={() => onUseVideo(item)} data-testid="media-use-video">
          Add as a video node
        </button>
      ) : (
        <p className="pr-note">Only videos can go into a video node.</p>
      )}
    </div>
  );
}
