import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { Preset } from '../../runtime/presets/preset';
import { SignInFirst } from '../account/SignInFirst';
import { useStudio } from '../app/studio';
import { useOnline } from '../online';
import { ErrorNote } from '../ui/ErrorNote';
import { keepKeysInside } from '../ui/keys';
import { useAction } from '../ui/use-action';
import type { KindFilter, LibraryItem, MediaItem } from './library-api';
import { libraryPreset } from './library-preset';
import { LibraryResults } from './LibraryResults';
import { MediaDetails } from './MediaDetails';

const KINDS: Array<[KindFilter, string]> = [
  ['all', 'All'],
  ['preset', 'Presets'],
  ['media', 'Media'],
];

/** The shared library beside the editor (L): search as you type, filter, open presets, inspect media. */
export function LibraryPanel({ onOpenPreset, onUseVideo }: { onOpenPreset(preset: Preset): void; onUseVideo?: (item: MediaItem) => void }) {
  const { library, account } = useOnline();
  const open = useStore(library, (s) => s.open);
  const signedIn = useStore(account, (s) => s.status === 'signed-in');
  if (!open) return null;
  return (
    <aside
      className="pr-library"
      aria-label="Library"
      data-testid="library"
      onKeyDown={(e) => {
        keepKeysInside(e, true);
        if (e.key === 'Escape') library.close();
      }}
    >
      <header className="pr-pane-title">
        <strong>Library</strong>
        <small>presets and media</small>
        <span className="pr-spacer" />
        <button type="button" className="pr-dialog-close" aria-label="Close the library" title="Close (L or Esc)" onClick={() => library.close()}>
          ×
        </button>
      </header>
      {signedIn ? <LibraryBrowser onOpenPreset={onOpenPreset} {...(onUseVideo ? { onUseVideo } : {})} /> : <SignInFirst why="The shared library of presets and media needs an account. Starter patches are always on the empty canvas." />}
    </aside>
  );
}

function LibraryBrowser({ onOpenPreset, onUseVideo }: { onOpenPreset(preset: Preset): void; onUseVideo?: (item: MediaItem) => void }) {
  const { library, libraryApi } = useOnline();
  const { registry, ui } = useStudio();
  const query = useStore(library, (s) => s.query);
  const shown = useStore(library, (s) => s.shown);
  const loading = useStore(library, (s) => s.loading);
  const error = useStore(library, (s) => s.error);
  const [media, setMedia] = useState<MediaItem>();
  const [opening, setOpening] = useState<string>();
  const opener = useAction();
  const search = useRef<HTMLInputElement>(null);

  useEffect(() => {
    search.current?.focus();
    // First opening (or after signing in): browse everything, newest first.
    if (!library.getState().shown && !library.getState().loading) void library.search();
  }, [library]);

  const pick = async (item: LibraryItem) => {
    if (item.kind === 'media') return setMedia(item);
    setOpening(item.id);
    const full = await opener.run(() => libraryApi.item(item.id));
    setOpening(undefined);
    if (!full || full.kind !== 'preset') return;
    const read = libraryPreset(full, registry);
    if (!read.ok) return ui.toast(read.message, 'error');
    onOpenPreset(read.preset);
  };

  if (media) return <MediaDetails item={media} onBack={() => setMedia(undefined)} {...(onUseVideo ? { onUseVideo } : {})} />;
  return (
    <div className="pr-library-body">
      <div className="pr-library-controls">
        <input
          ref={search}
          type="search"
          placeholder="Search presets and media"
          aria-label="Search the library"
          value={query.q}
          maxLength={200}
          onChange={(e) => library.type(e.target.value)}
          data-testid="library-search"
        />
        <div className="pr-segmented" role="group" aria-label="Kind">
          {KINDS.map(([kind, label]) => (
            <button key={kind} type="button" aria-pressed={query.kind === kind} onClick={() => library.setKind(kind)} data-testid={`library-kind-${kind}`}>
              {label}
            </button>
          ))}
        </div>
        {query.tags.length > 0 && (
          <div className="pr-tags" aria-label="Tag filters">
            {query.tags.map((tag) => (
              <button key={tag} type="button" className="pr-tag is-active" onClick={() => library.toggleTag(tag)} title="Remove this filter" data-testid="library-tag-filter">
                #{tag} ×
              </button>
            ))}
          </div>
        )}
      </div>
      <div className={`pr-progress${loading ? ' is-active' : ''}`} role="progressbar" aria-label="Searching" aria-hidden={!loading} data-testid={loading ? 'library-loading' : undefined} />
      <ErrorNote error={error} testId="library-error" />
      <ErrorNote error={opener.error} />
      {shown && <LibraryResults opening={opening} onPick={(item) => void pick(item)} />}
    </div>
  );
}
