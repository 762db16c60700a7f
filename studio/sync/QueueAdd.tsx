import { useStore } from 'zustand';
import { useStudio } from '../app/studio';
import type { MediaItem, PresetItem } from '../library/library-api';
import { LIBRARY_ITEM_DRAG, pendingTitles, presetTitles } from './queue-shared';
import type { RoomSync } from './room-sync';

/** A library media item can be dragged onto the queue (anywhere: the queue only accepts it in a live room). */
export function queueDragProps(item: MediaItem) {
  return {
    draggable: true,
    onDragStart: (event: React.DragEvent) => {
      event.dataTransfer.setData(LIBRARY_ITEM_DRAG, JSON.stringify({ id: item.id, title: item.title }));
      event.dataTransfer.effectAllowed = 'copy';
    },
  };
}

/** "+" beside a library media item: adds it at the end of the live room's queue (performers and owners). */
export function QueueAdd({ item }: { item: MediaItem }) {
  const { sync } = useStudio();
  return sync ? <AddButton sync={sync} item={item} /> : null;
}

function AddButton({ sync, item }: { sync: RoomSync; item: MediaItem }) {
  const canAdd = useStore(sync, (s) => s.mode === 'room' && (s.role === 'owner' || s.role === 'performer'));
  if (!canAdd) return null;
  return (
    <button
      type="button"
      className="pr-queue-add"
      onClick={() => {
        pendingTitles.set(item.id, item.title);
        sync.send({ type: 'add', itemId: item.id });
      }}
      title="Add to the room's queue"
      aria-label={`Add ${item.title} to the queue`}
      data-testid="library-queue-add"
    >
      + Queue
    </button>
  );
}

/** "▶ Room" beside a library preset: the room (and its audience's players) shows that preset. */
export function ShowInRoom({ item }: { item: PresetItem }) {
  const { sync } = useStudio();
  return sync ? <ShowButton sync={sync} item={item} /> : null;
}

function ShowButton({ sync, item }: { sync: RoomSync; item: PresetItem }) {
  const canSet = useStore(sync, (s) => s.mode === 'room' && (s.role === 'owner' || s.role === 'performer'));
  const active = useStore(sync, (s) => s.roomState?.activePreset === item.id);
  if (!canSet) return null;
  return (
    <button
      type="button"
      className="pr-queue-add"
      aria-pressed={active}
      onClick={() => {
        presetTitles.set(item.id, item.title);
        sync.send({ type: 'set_preset', presetId: active ? null : item.id });
      }}
      title={active ? 'The room shows this preset: click to show the room’s patch again' : 'Show this preset in the room (the audience sees it)'}
      data-testid="library-show-in-room"
    >
      {active ? '■ Room' : '▶ Room'}
    </button>
  );
}
