import { useStore } from 'zustand';
import type { PeerPresence } from '../../plugins/sync/client';
import { useStudio } from '../app/studio';
import type { RoomSync } from './room-sync';

/** Toolbar: who else is in the live room (one avatar per person, however many tabs), their role, what they edit. */
export function PresenceAvatars() {
  const { sync } = useStudio();
  if (!sync) return null;
  return <Avatars sync={sync} />;
}

function Avatars({ sync }: { sync: RoomSync }) {
  const mode = useStore(sync, (s) => s.mode);
  const peers = useStore(sync, (s) => s.peers);
  if (mode !== 'room') return null;
  const people = new Map<string, PeerPresence & { editingAll: string[] }>();
  for (const peer of peers) {
    const known = people.get(peer.principal);
    if (known) known.editingAll = [...new Set([...known.editingAll, ...peer.editing])];
    else people.set(peer.principal, { ...peer, editingAll: peer.editing });
  }
  return (
    <span className="pr-presence" aria-label="In this room" data-testid="presence">
      {people.size === 0 && <small className="pr-presence-alone">only you here</small>}
      {[...people.values()].map((p) => (
        <span
          key={p.principal}
          className={`pr-avatar pr-role-${p.role}`}
          style={{ ['--avatar' as string]: colourFor(p.principal) }}
          title={`${p.name} (${p.role})${p.editingAll.length ? ` — editing ${p.editingAll.join(', ')}` : ''}`}
          data-testid="presence-peer"
          data-name={p.name}
          data-role={p.role}
        >
          {initials(p.name)}
        </span>
      ))}
    </span>
  );
}

export function initials(name: string): string {
  const parts = name.split(/[\s._-]+/).filter(Boolean);
  const letters = parts.length > 1 ? parts[0]![0]! + parts[1]![0]! : name.slice(0, 2);
  return letters.toUpperCase();
}

/** A stable colour per person, the same in every studio. */
export function colourFor(key: string): string {
  let hash = 0;
  for (const ch of key) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360} 70% 62%)`;
}
