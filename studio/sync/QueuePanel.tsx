import { useState, type DragEvent, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import type { RoomConnection } from '../../plugins/sync/client';
import type { QueueEntry } from '../../plugins/sync/protocol';
import { useStudio } from '../app/studio';
import { LIBRARY_ITEM_DRAG, pendingTitles, presetTitles } from './queue-shared';
import type { RoomSync } from './room-sync';

/** Drag type of a queue entry (reordering). */
const ENTRY_DRAG = 'application/x-patchroom-entry';

/**
 * The room's media queue (live rooms only): now playing with Skip, the upcoming entries (drag to
 * reorder, or Alt+↑/↓; Delete removes), play now / play next / remove, and commands still waiting
 * for the server. Library media can be dropped here or added with their + button. Read-only for viewers.
 */
export function QueuePanel() {
  const { sync } = useStudio();
  return sync ? <LiveOnly sync={sync} /> : null;
}

function LiveOnly({ sync }: { sync: RoomSync }) {
  const mode = useStore(sync, (s) => s.mode);
  return mode === 'room' ? <Queue sync={sync} /> : null;
}

function Queue({ sync }: { sync: RoomSync }) {
  const roomState = useStore(sync, (s) => s.roomState);
  const role = useStore(sync, (s) => s.role);
  const connection = useStore(sync, (s) => s.connection);
  const canEdit = role === 'owner' || role === 'performer';
  const queue = roomState?.queue ?? [];
  const nowPlaying = roomState?.nowPlaying ?? null;
  const [dropAt, setDropAt] = useState<number>();

  const send = sync.send;
  const afterFor = (index: number): string | null => (index <= 0 ? null : queue[index - 1]!.entryId);

  const onDrop = (event: DragEvent, index: number) => {
    setDropAt(undefined);
    if (!canEdit) return;
    event.preventDefault();
    const entry = event.dataTransfer.getData(ENTRY_DRAG);
    if (entry) {
      const from = queue.findIndex((e) => e.entryId === entry);
      if (from < 0 || from === index || from === index - 1) return;
      // Dropped before row `index`: it goes after the entry above that row (skipping itself).
      const above = queue.slice(0, index).filter((e) => e.entryId !== entry).pop();
      send({ type: 'move', entryId: entry, after: above ? above.entryId : null });
      return;
    }
    const item = readItem(event);
    if (item) {
      pendingTitles.set(item.id, item.title);
      send({ type: 'add', itemId: item.id, ...(index < queue.length ? { after: afterFor(index) } : {}) });
    }
  };

  const onRowKey = (event: KeyboardEvent, index: number, entry: QueueEntry) => {
    if (!canEdit) return;
    if (event.altKey && event.key === 'ArrowUp' && index > 0) send({ type: 'move', entryId: entry.entryId, after: index >= 2 ? queue[index - 2]!.entryId : null });
    else if (event.altKey && event.key === 'ArrowDown' && index < queue.length - 1) send({ type: 'move', entryId: entry.entryId, after: queue[index + 1]!.entryId });
    else if (event.key === 'Delete' || event.key === 'Backspace') send({ type: 'remove', entryId: entry.entryId });
    else return;
    event.preventDefault();
    event.stopPropagation();
  };

  return (
    <section
      className="pr-queue"
      aria-label="Queue"
      data-testid="queue"
      data-readonly={!canEdit || undefined}
      onDragOver={(e) => canEdit && (e.dataTransfer.types.includes(LIBRARY_ITEM_DRAG) || e.dataTransfer.types.includes(ENTRY_DRAG)) && e.preventDefault()}
      onDrop={(e) => onDrop(e, queue.length)}
    >
      <header className="pr-pane-title">
        <strong>Queue</strong>
        <small>{queue.length === 0 ? 'empty' : `${queue.length} up next`}</small>
        <span className="pr-spacer" />
        {canEdit && queue.length > 0 && (
          <button type="button" className="pr-link" onClick={() => send({ type: 'clear' })} data-testid="queue-clear">
            Clear
          </button>
        )}
      </header>
      <div className="pr-queue-body">
        <div className="pr-now-playing" data-testid="room-shows">
          <small>Room shows</small>
          {roomState?.activePreset ? (
            <>
              <strong data-testid="room-preset">{presetTitles.get(roomState.activePreset) ?? roomState.activePreset}</strong>
              {canEdit && (
                <button type="button" onClick={() => send({ type: 'set_preset', presetId: null })} title="Show the room’s own patch again" data-testid="room-show-patch">
                  Show the patch
                </button>
              )}
            </>
          ) : (
            <strong>its patch</strong>
          )}
        </div>
        <div className="pr-now-playing" data-testid="now-playing">
          {nowPlaying ? (
            <>
              <small>Now playing</small>
              <strong data-testid="now-playing-title">{nowPlaying.entry.title}</strong>
              {canEdit && (
                <button type="button" onClick={() => send({ type: 'skip', entryId: nowPlaying.entry.entryId })} title="End this and play the next" data-testid="queue-skip">
                  Skip ⏭
                </button>
              )}
            </>
          ) : (
            <small>Nothing playing</small>
          )}
        </div>
        {queue.length === 0 ? (
          <p className="pr-empty" data-testid="queue-empty">
            {canEdit ? 'The queue is empty. Drag media here from the library (L), or use their + button.' : 'The queue is empty.'}
          </p>
        ) : (
          <ol className="pr-queue-list" data-testid="queue-list">
            {queue.map((entry, index) => (
              <li
                key={entry.entryId}
                className={`pr-queue-entry${dropAt === index ? ' is-drop-target' : ''}`}
                draggable={canEdit}
                tabIndex={0}
                data-testid="queue-entry"
                data-entry-id={entry.entryId}
                data-item-id={entry.itemId}
                onDragStart={(e) => {
                  e.dataTransfer.setData(ENTRY_DRAG, entry.entryId);
                  e.dataTransfer.effectAllowed = 'move';
                }}
                onDragOver={(e) => {
                  if (!canEdit) return;
                  e.preventDefault();
                  e.stopPropagation();
                  setDropAt(index);
                }}
                onDragLeave={() => setDropAt(undefined)}
                onDrop={(e) => {
                  e.stopPropagation();
                  onDrop(e, index);
                }}
                onKeyDown={(e) => onRowKey(e, index, entry)}
              >
                <span className="pr-queue-title" title={entry.url}>
                  {entry.title}
                  {entry.duration !== null && <small> {formatDuration(entry.duration)}</small>}
                </span>
                {canEdit && (
                  <span className="pr-queue-actions">
                    <button type="button" onClick={() => send({ type: 'play_now', entryId: entry.entryId })} title="Play now" aria-label={`Play ${entry.title} now`} data-testid="queue-play-now">
                      ▶
                    </button>
                    {index > 0 && (
                      <button type="button" onClick={() => send({ type: 'play_next', entryId: entry.entryId })} title="Play next" aria-label={`Play ${entry.title} next`} data-testid="queue-play-next">
                        ⤒
                      </button>
                    )}
                    <button type="button" onClick={() => send({ type: 'remove', entryId: entry.entryId })} title="Remove (Delete)" aria-label={`Remove ${entry.title}`} data-testid="queue-remove">
                      ×
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ol>
        )}
        {connection && <PendingCommands connection={connection} />}
      </div>
    </section>
  );
}

/** Commands made here that the server has not confirmed: kept in this browser, sent when it can. */
function PendingCommands({ connection }: { connection: RoomConnection }) {
  const pending = useStore(connection.outbox, (s) => s.pending);
  if (pending.length === 0) return null;
  return (
    <ul className="pr-queue-pending" aria-label="Waiting for the server" data-testid="queue-pending-list">
      {pending.map(({ command }) => (
        <li key={command.id} data-testid="queue-pending" data-command-type={command.type}>
          <span className="pr-spinner" aria-hidden="true" /> {command.type === 'add' ? `Adding “${pendingTitles.get(command.itemId) ?? command.itemId}”` : command.type.replace('_', ' ')} — waiting for the server
        </li>
      ))}
    </ul>
  );
}

function readItem(event: DragEvent): { id: string; title: string } | undefined {
  try {
    const value = JSON.parse(event.dataTransfer.getData(LIBRARY_ITEM_DRAG)) as { id?: unknown; title?: unknown };
    return typeof value.id === 'string' ? { id: value.id, title: typeof value.title === 'string' ? value.title : value.id } : undefined;
  } catch {
    return undefined;
  }
}

function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
