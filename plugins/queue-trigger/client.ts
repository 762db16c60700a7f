import type { Patch, PatchNode } from '../../runtime/patch/schema';
import { defineClientPlugin } from '../../runtime/plugin/define';
import { ACTIONS, ON_QUEUE, WHEN, queueTrigger, type TriggerAction, type TriggerWhen } from './manifest';

/** Browser entry: the manifest (no views: the generic parameter controls are enough). */
export default defineClientPlugin({ manifest: queueTrigger });

/** The queue as the trigger runner sees it (a slice of the room state). */
export interface QueueView {
  nowPlaying: { entryId: string } | null;
  queue: ReadonlyArray<{ entryId: string }>;
}

/** A command a trigger sends: the same shapes as the room's queue commands, minus the id the outbox adds. */
export type TriggerCommand = { type: 'set_preset'; presetId: string | null } | { type: 'skip'; entryId: string } | { type: 'play_now'; entryId: string };

/** What the studio gives the runner. Nothing here reaches the renderer. */
export interface TriggerHost {
  patch(): Patch;
  send(command: TriggerCommand): void;
  setParam(nodeId: string, paramId: string, value: number): void;
  /**
   * Only one studio of a room acts on triggers (else every performer's studio would fire each one):
   * the host says whether this is it.
   */
  isLeader(): boolean;
  now?(): number;
}

/** A trigger does not fire again within this time: an "advance" on "item started" must not run down the queue. */
export const MIN_GAP_MS = 2000;

interface Trigger {
  id: string;
  when: TriggerWhen;
  periodMs: number;
  action: TriggerAction;
  preset: string;
  target: string;
  value: number;
}

export function readTriggers(patch: Patch): Trigger[] {
  return patch.nodes.filter((n) => n.type === ON_QUEUE).map(readTrigger);
}

function readTrigger(node: PatchNode): Trigger {
  const p = node.params ?? {};
  const num = (key: string, fallback: number, min: number, max: number) => {
    const v = p[key];
    return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
  };
  const pick = <T extends string>(key: string, options: readonly T[]): T => (options.includes(p[key] as T) ? (p[key] as T) : options[0]!);
  const beats = num('beats', 16, 1, 256);
  const bpm = num('bpm', 120, 20, 300);
  return {
    id: node.id,
    when: pick('when', WHEN),
    periodMs: (beats * 60_000) / bpm,
    action: pick('action', ACTIONS),
    preset: typeof p.preset === 'string' ? p.preset.trim() : '',
    target: typeof p.target === 'string' ? p.target.trim() : '',
    value: num('value', 0, -1e6, 1e6),
  };
}

/**
 * Runs the patch's queue triggers in the studio: queue events come from the room state
 * (`noteQueue`), beats from timers kept in step with the patch (`refresh`). Returns what it did,
 * for the UI and tests.
 */
export function createTriggerRunner(host: TriggerHost) {
  const now = host.now ?? Date.now;
  const lastFired = new Map<string, number>();
  const timers = new Map<string, { periodMs: number; timer: ReturnType<typeof setInterval> }>();
  let queue: QueueView | undefined;
  const fired: Array<{ node: string; action: TriggerAction; at: number }> = [];

  function fire(trigger: Trigger) {
    if (!host.isLeader()) return;
    const at = now();
    if (at - (lastFired.get(trigger.id) ?? -Infinity) < MIN_GAP_MS) return;
    lastFired.set(trigger.id, at);
    if (act(trigger)) {
      fired.push({ node: trigger.id, action: trigger.action, at });
      if (fired.length > 50) fired.shift();
    }
  }

  function act(trigger: Trigger): boolean {
    switch (trigger.action) {
      case 'switch-preset':
        if (!trigger.preset) return false;
        host.send({ type: 'set_preset', presetId: trigger.preset });
        return true;
      case 'set-param': {
        const [nodeId, paramId] = trigger.target.split('.');
        const node = host.patch().nodes.find((n) => n.id === nodeId);
        if (!node || !paramId || node.type === ON_QUEUE) return false;
        host.setParam(nodeId!, paramId, trigger.value);
        return true;
      }
      case 'advance-queue': {
        if (queue?.nowPlaying) host.send({ type: 'skip', entryId: queue.nowPlaying.entryId });
        else if (queue?.queue[0]) host.send({ type: 'play_now', entryId: queue.queue[0].entryId });
        else return false;
        return true;
      }
    }
  }

  return {
    /** The room state changed: fire "item ended" for what stopped and "item started" for what started. */
    noteQueue(next: QueueView) {
      const before = queue;
      queue = next;
      if (!before) return; // what was already playing when we arrived is not an event
      const was = before.nowPlaying?.entryId;
      const is = next.nowPlaying?.entryId;
      if (was === is) return;
      const triggers = readTriggers(host.patch());
      if (was) for (const t of triggers) if (t.when === 'item-ended') fire(t);
      if (is) for (const t of triggers) if (t.when === 'item-started') fire(t);
    },
    /** The patch changed: beat timers follow its trigger nodes. */
    refresh() {
      const wanted = new Map(readTriggers(host.patch()).filter((t) => t.when === 'every-beats').map((t) => [t.id, t]));
      for (const [id, entry] of timers) {
        const want = wanted.get(id);
        if (!want || want.periodMs !== entry.periodMs) {
          clearInterval(entry.timer);
          timers.delete(id);
        }
      }
      for (const [id, t] of wanted) {
        if (timers.has(id)) continue;
        const timer = setInterval(() => {
          const current = readTriggers(host.patch()).find((x) => x.id === id);
          if (current) fire(current);
        }, Math.max(MIN_GAP_MS, t.periodMs));
        timers.set(id, { periodMs: t.periodMs, timer });
      }
    },
    fired: () => fired.slice(),
    close() {
      for (const { timer } of timers.values()) clearInterval(timer);
      timers.clear();
    },
  };
}

export type TriggerRunner = ReturnType<typeof createTriggerRunner>;

/** The studio that acts on triggers: the live performer (or owner) with the smallest peer id. */
export function isTriggerLeader(selfPeerId: string, selfCanEdit: boolean, others: ReadonlyArray<{ peerId: string; role: string }>): boolean {
  if (!selfCanEdit) return false;
  return others.every((p) => p.role === 'viewer' || p.peerId > selfPeerId);
}
