import { definePlugin } from '../../runtime/plugin/define';

export const WHEN = ['item-started', 'item-ended', 'every-beats'] as const;
export const ACTIONS = ['switch-preset', 'set-param', 'advance-queue'] as const;
export type TriggerWhen = (typeof WHEN)[number];
export type TriggerAction = (typeof ACTIONS)[number];

export const ON_QUEUE = 'queue-trigger/on-queue';

/**
 * Queue triggers: a node that fires when the room's queue starts or ends an item, or every N beats,
 * and then switches the room's preset, sets a parameter of the patch, or advances the queue.
 *
 * Where they run: in the studio of one performer of a live room (the host page, see client.ts),
 * never in the renderer. The renderer runs untrusted code in a sandbox with no network rights; a
 * trigger's actions are queue commands (HTTP, through the outbox) and patch edits (the room
 * document), which only the host may make. The node compiles to nothing: it is not part of the
 * picture, so the player ignores it.
 */
export const queueTrigger = definePlugin({
  name: 'queue-trigger',
  version: '1.0.0',
  description: 'Nodes that act on queue events: switch presets, set parameters or advance the queue when an item starts or ends, or on the beat.',
  nodes: [
    {
      type: ON_QUEUE,
      kind: 'trigger',
      label: 'queue trigger',
      description: 'When the queue starts or ends an item, or every N beats: switch the room to a preset, set a parameter (node.param), or skip to the next item. Runs in one performer’s studio.',
      inputs: [],
      outputs: [],
      params: [
        { id: 'when', type: 'choice', label: 'when', default: 'item-started', options: WHEN },
        { id: 'beats', type: 'number', label: 'every N beats', default: 16, min: 1, max: 256, step: 1 },
        { id: 'bpm', type: 'number', label: 'bpm', default: 120, min: 20, max: 300, step: 1 },
        { id: 'action', type: 'choice', label: 'then', default: 'switch-preset', options: ACTIONS },
        { id: 'preset', type: 'text', label: 'preset id', default: '', maxLength: 64, description: 'A library preset id, e.g. s_ember-weave' },
        { id: 'target', type: 'text', label: 'node.param', default: '', maxLength: 130, description: 'The parameter to set, e.g. osc1.frequency' },
        { id: 'value', type: 'number', label: 'value', default: 0, min: -100, max: 100 },
      ],
      keywords: ['queue', 'trigger', 'beat', 'event', 'preset', 'skip'],
      compile: () => '',
    },
  ],
});

export default queueTrigger;
