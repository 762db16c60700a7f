import { afterEach, describe, expect, it, vi } from 'vitest';
import { compilePatch } from '../../runtime/compiler/compile';
import type { Patch } from '../../runtime/patch/schema';
import { validatePatch } from '../../runtime/patch/validate';
import { createRegistry } from '../../runtime/plugin/registry';
import { hydraCore } from '../hydra-core/manifest';
import { createTriggerRunner, isTriggerLeader, MIN_GAP_MS, type TriggerCommand } from './client';
import { ON_QUEUE, queueTrigger } from './manifest';

afterEach(() => vi.useRealTimers());

function host(patch: Patch, leader = true) {
  const sent: TriggerCommand[] = [];
  const params: Array<[string, string, number]> = [];
  let clock = 0;
  const runner = createTriggerRunner({
    patch: () => patch,
    send: (c) => sent.push(c),
    setParam: (n, p, v) => params.push([n, p, v]),
    isLeader: () => leader,
    now: () => clock,
  });
  return { runner, sent, params, advance: (ms: number) => (clock += ms) };
}

const trigger = (id: string, params: Record<string, string | number>) => ({ id, type: ON_QUEUE, params });
const withTriggers = (...nodes: ReturnType<typeof trigger>[]): Patch => ({
  version: 1,
  nodes: [{ id: 'osc1', type: 'hydra-core/osc', params: { frequency: 10 } }, { id: 'out1', type: 'hydra-core/out' }, ...nodes],
  edges: [{ from: { node: 'osc1', port: 'out' }, to: { node: 'out1', port: 'in' } }],
});
const playing = (entryId: string | null, queue: string[] = []) => ({ nowPlaying: entryId ? { entryId } : null, queue: queue.map((entryId) => ({ entryId })) });

describe('queue triggers', () => {
  it('are valid nodes that add nothing to the picture', () => {
    const registry = createRegistry([hydraCore, queueTrigger]);
    const patch = withTriggers(trigger('qt1', { when: 'item-started', action: 'switch-preset', preset: 's_ember-weave' }));
    expect(validatePatch(patch, registry).filter((i) => i.severity === 'error')).toEqual([]);
    expect(compilePatch(patch, registry).code).toBe(compilePatch(withTriggers(), registry).code);
  });

  it('switch the preset when an item starts, and set a parameter when one ends', () => {
    const { runner, sent, params, advance } = host(
      withTriggers(trigger('qt1', { when: 'item-started', action: 'switch-preset', preset: 's_ember-weave' }), trigger('qt2', { when: 'item-ended', action: 'set-param', target: 'osc1.frequency', value: 42 })),
    );
    runner.noteQueue(playing('e1', ['e2'])); // already playing when the studio arrived: no event
    expect(sent).toEqual([]);
    advance(5000);
    runner.noteQueue(playing('e2'));
    expect(sent).toEqual([{ type: 'set_preset', presetId: 's_ember-weave' }]);
    expect(params).toEqual([['osc1', 'frequency', 42]]);
  });

  it('advance the queue: skip what plays (naming it), or start the first entry', () => {
    const { runner, sent, advance } = host(withTriggers(trigger('qt1', { when: 'item-ended', action: 'advance-queue' })));
    runner.noteQueue(playing('e1', ['e2', 'e3']));
    runner.noteQueue(playing(null, ['e2', 'e3']));
    expect(sent).toEqual([{ type: 'play_now', entryId: 'e2' }]);
    advance(MIN_GAP_MS);
    runner.noteQueue(playing('e2', ['e3']));
    runner.noteQueue(playing('e3'));
    expect(sent.at(-1)).toEqual({ type: 'skip', entryId: 'e3' });
  });

  it('an advance on "item started" does not run down the whole queue', () => {
    const { runner, sent } = host(withTriggers(trigger('qt1', { when: 'item-started', action: 'advance-queue' })));
    runner.noteQueue(playing(null, ['e1', 'e2', 'e3']));
    runner.noteQueue(playing('e1', ['e2', 'e3']));
    runner.noteQueue(playing('e2', ['e3']));
    runner.noteQueue(playing('e3'));
    expect(sent).toEqual([{ type: 'skip', entryId: 'e1' }]);
  });

  it('fire every N beats at the node’s tempo, and follow the patch', () => {
    vi.useFakeTimers();
    let patch = withTriggers(trigger('qt1', { when: 'every-beats', beats: 8, bpm: 120, action: 'set-param', target: 'osc1.frequency', value: 3 }));
    const params: unknown[] = [];
    let clock = 0;
    const runner = createTriggerRunner({ patch: () => patch, send: () => {}, setParam: (...a) => params.push(a), isLeader: () => true, now: () => clock });
    runner.refresh();
    clock += 4000;
    vi.advanceTimersByTime(4000); // 8 beats at 120 bpm
    expect(params).toHaveLength(1);
    clock += 4000;
    vi.advanceTimersByTime(4000);
    expect(params).toHaveLength(2);
    patch = withTriggers();
    runner.refresh();
    vi.advanceTimersByTime(20_000);
    expect(params).toHaveLength(2);
    runner.close();
  });

  it('act in one studio only: the leader', () => {
    const follower = host(withTriggers(trigger('qt1', { when: 'item-started', action: 'switch-preset', preset: 'p_1' })), false);
    follower.runner.noteQueue(playing(null));
    follower.runner.noteQueue(playing('e1'));
    expect(follower.sent).toEqual([]);
    expect(isTriggerLeader('u:a:1', true, [{ peerId: 'u:b:1', role: 'performer' }, { peerId: 'g:x:0', role: 'viewer' }])).toBe(true);
    expect(isTriggerLeader('u:b:1', true, [{ peerId: 'u:a:1', role: 'owner' }])).toBe(false);
    expect(isTriggerLeader('u:a:1', false, [])).toBe(false);
  });

  it('ignore what they cannot do: no preset, an unknown node, another trigger', () => {
    const { runner, sent, params } = host(
      withTriggers(
        trigger('qt1', { when: 'item-started', action: 'switch-preset', preset: '' }),
        trigger('qt2', { when: 'item-started', action: 'set-param', target: 'nope.frequency', value: 1 }),
        trigger('qt3', { when: 'item-started', action: 'set-param', target: 'qt1.beats', value: 1 }),
      ),
    );
    runner.noteQueue(playing(null));
    runner.noteQueue(playing('e1'));
    expect(sent).toEqual([]);
    expect(params).toEqual([]);
  });
});
