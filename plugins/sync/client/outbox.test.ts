import { describe, expect, it } from 'vitest';
import { createMemorySink, createTelemetry } from '../../../runtime/telemetry/events';
import type { CommandResult, CommandsResponse, QueueCommand } from '../protocol';
import { createOutbox, type SendFailure } from './outbox';
import { memoryOutboxStorage } from './outbox-storage';

/**
 * A stand-in for the server's command endpoint with the properties the outbox relies on: each id
 * applied at most once, a resend answered with the first answer, seq counting applications.
 */
function fakeServer() {
  const answers = new Map<string, CommandResult>();
  const queue: string[] = [];
  const requests: string[][] = [];
  let seq = 0;
  let failNext: SendFailure[] = [];
  let loseAnswers = 0;
  return {
    queue,
    requests,
    get seq() {
      return seq;
    },
    failWith: (...failures: SendFailure[]) => (failNext = failures),
    /** The server applies the next request but the answer never arrives. */
    loseNextAnswer: () => (loseAnswers += 1),
    async send(commands: QueueCommand[]): Promise<CommandsResponse> {
      requests.push(commands.map((c) => c.id));
      const failure = failNext.shift();
      if (failure) throw failure;
      const results = commands.map((c): CommandResult => {
        const known = answers.get(c.id);
        if (known) return known;
        let answer: CommandResult;
        if (c.type === 'add' && c.itemId === 'missing') answer = { id: c.id, status: 'rejected', code: 'unknown_item', message: 'That library item does not exist.' };
        else {
          if (c.type === 'add') queue.push(c.itemId);
          answer = { id: c.id, status: 'ack', seq: ++seq };
        }
        answers.set(c.id, answer);
        return answer;
      });
      if (loseAnswers > 0) {
        loseAnswers -= 1;
        throw { status: 0, code: 'network' } satisfies SendFailure;
      }
      return { results };
    },
  };
}

/** Timers the test runs by hand, so that retries happen when the test says. */
function manualTimers() {
  const timers = new Map<number, { fn: () => void; ms: number }>();
  let next = 1;
  return {
    setTimer: (fn: () => void, ms: number) => {
      timers.set(next, { fn, ms });
      return next++;
    },
    clearTimer: (t: unknown) => void timers.delete(t as number),
    delays: () => [...timers.values()].map((t) => t.ms),
    fire() {
      const all = [...timers.values()];
      timers.clear();
      for (const t of all) t.fn();
    },
  };
}

function setup(overrides: { storage?: ReturnType<typeof memoryOutboxStorage>; server?: ReturnType<typeof fakeServer> } = {}) {
  const storage = overrides.storage ?? memoryOutboxStorage();
  const server = overrides.server ?? fakeServer();
  const memory = createMemorySink();
  const timers = manualTimers();
  const rejected: string[] = [];
  let ids = 0;
  const outbox = createOutbox({
    roomId: 'room1',
    storage,
    send: (commands) => server.send(commands),
    telemetry: createTelemetry(memory.sink),
    onRejected: (command, code, message) => rejected.push(`${command.id} ${code}: ${message}`),
    newId: () => `cmd-${++ids}-${Math.random().toString(36).slice(2, 6)}`,
    setTimer: timers.setTimer,
    clearTimer: timers.clearTimer,
  });
  const events = (name: string) => memory.events().filter((e) => e.name === name);
  return { outbox, storage, server, timers, rejected, events };
}

const settle = async (outbox: { flush(): Promise<void> }) => {
  await outbox.flush();
  await new Promise((r) => setTimeout(r, 0));
  await outbox.flush();
};

describe('queue command outbox', () => {
  it('stores a command before sending it, and forgets it once acknowledged', async () => {
    const { outbox, storage, server, events } = setup();
    let storedWhenSent = false;
    const send = server.send;
    server.send = async (commands) => {
      storedWhenSent = storage.entries().some((e) => e.command.id === commands[0]!.id);
      return send(commands);
    };
    await outbox.load();
    const id = await outbox.enqueue({ type: 'add', itemId: 'm_1' });
    await settle(outbox);
    expect(storedWhenSent).toBe(true);
    expect(server.queue).toEqual(['m_1']);
    expect(outbox.getState().pending).toEqual([]);
    expect(storage.entries()).toEqual([]);
    expect(events('queue_cmd_sent').map((e) => e.correlation_id)).toEqual([id]);
    expect(events('queue_cmd_ack').map((e) => e.correlation_id)).toEqual([id]);
  });

  it('counts a command as applied when the room state has reached its seq', async () => {
    const { outbox, events } = setup();
    await outbox.load();
    const id = await outbox.enqueue({ type: 'add', itemId: 'm_1' });
    await settle(outbox);
    expect(outbox.getState().awaiting).toEqual({ [id]: 1 });
    expect(events('queue_cmd_applied')).toEqual([]);
    outbox.noteSeq(1);
    expect(events('queue_cmd_applied').map((e) => [e.correlation_id, e.command_type])).toEqual([[id, 'add']]);
    expect(outbox.getState().awaiting).toEqual({});
  });

  it('keeps commands while offline and sends them in order, once, when back', async () => {
    const { outbox, server } = setup();
    await outbox.load();
    outbox.setOnline(false);
    for (const item of ['a', 'b', 'c']) await outbox.enqueue({ type: 'add', itemId: item });
    await settle(outbox);
    expect(server.requests).toEqual([]);
    expect(outbox.getState().pending).toHaveLength(3);
    outbox.setOnline(true);
    await settle(outbox);
    expect(server.queue).toEqual(['a', 'b', 'c']);
    expect(server.requests).toHaveLength(1);
    expect(outbox.getState().pending).toEqual([]);
  });

  it('resends after a lost answer; the server applies it once', async () => {
    const { outbox, server, timers } = setup();
    await outbox.load();
    server.loseNextAnswer();
    await outbox.enqueue({ type: 'add', itemId: 'a' });
    await settle(outbox);
    expect(outbox.getState().pending).toHaveLength(1);
    expect(timers.delays()).toHaveLength(1);
    timers.fire();
    await settle(outbox);
    expect(server.requests).toHaveLength(2);
    expect(server.queue).toEqual(['a']);
    expect(outbox.getState().pending).toEqual([]);
  });

  it('backs off with growing delays while the server is unreachable', async () => {
    const { outbox, server, timers } = setup();
    await outbox.load();
    server.failWith({ status: 0 }, { status: 503 }, { status: 0 }, { status: 0 });
    await outbox.enqueue({ type: 'clear' });
    const ceilings: number[] = [];
    for (let i = 0; i < 4; i++) {
      await settle(outbox);
      ceilings.push(...timers.delays());
      timers.fire();
    }
    await settle(outbox);
    expect(ceilings).toHaveLength(4);
    expect(Math.max(...ceilings)).toBeLessThanOrEqual(4000);
    expect(server.requests).toHaveLength(5);
    expect(outbox.getState().pending).toEqual([]);
  });

  it('waits as long as a 429 asks', async () => {
    const { outbox, server, timers } = setup();
    await outbox.load();
    server.failWith({ status: 429, code: 'rate_limited', retryAfter: 7 });
    await outbox.enqueue({ type: 'clear' });
    await settle(outbox);
    expect(timers.delays()).toEqual([7000]);
  });

  it('a rejected command is dropped and reported with its reason', async () => {
    const { outbox, rejected, events, storage } = setup();
    await outbox.load();
    const bad = await outbox.enqueue({ type: 'add', itemId: 'missing' });
    const good = await outbox.enqueue({ type: 'add', itemId: 'm_2' });
    await settle(outbox);
    expect(rejected).toEqual([`${bad} unknown_item: That library item does not exist.`]);
    expect(events('queue_cmd_rejected').map((e) => [e.correlation_id, e.code])).toEqual([[bad, 'unknown_item']]);
    expect(events('queue_cmd_ack').map((e) => e.correlation_id)).toEqual([good]);
    expect(storage.entries()).toEqual([]);
  });

  it('survives a reload: what was stored is sent by the next page, and only once', async () => {
    const storage = memoryOutboxStorage();
    const server = fakeServer();
    const first = setup({ storage, server });
    await first.outbox.load();
    first.outbox.setOnline(false);
    await first.outbox.enqueue({ type: 'add', itemId: 'x' });
    await first.outbox.enqueue({ type: 'add', itemId: 'y' });
    first.outbox.close();

    const second = setup({ storage, server });
    await second.outbox.load();
    await settle(second.outbox);
    expect(server.queue).toEqual(['x', 'y']);
    expect(storage.entries()).toEqual([]);

    // A page that loads the same (already answered) commands again gets the first answers.
    const third = setup({ storage, server });
    await storage.put({ roomId: 'room1', command: { id: server.requests[0]![0]!, type: 'add', itemId: 'x' }, createdAt: 1, attempts: 1 });
    await third.outbox.load();
    await settle(third.outbox);
    expect(server.queue).toEqual(['x', 'y']);
  });

  it('sends at most 100 commands a request', async () => {
    const { outbox, server } = setup();
    await outbox.load();
    outbox.setOnline(false);
    for (let i = 0; i < 230; i++) await outbox.enqueue({ type: 'add', itemId: `i${i}` });
    outbox.setOnline(true);
    await settle(outbox);
    expect(server.requests.map((r) => r.length)).toEqual([100, 100, 30]);
    expect(server.queue).toEqual(Array.from({ length: 230 }, (_, i) => `i${i}`));
  });

  it('holds commands it may not send (403) until something changes', async () => {
    const { outbox, server } = setup();
    await outbox.load();
    server.failWith({ status: 403, code: 'forbidden', message: 'Viewers cannot change the queue.' });
    await outbox.enqueue({ type: 'clear' });
    await settle(outbox);
    expect(outbox.getState().blocked?.code).toBe('forbidden');
    expect(outbox.getState().pending).toHaveLength(1);
    outbox.unblock();
    await settle(outbox);
    expect(outbox.getState().pending).toEqual([]);
  });

  it('a request the server can never take (400) rejects its commands instead of looping', async () => {
    const { outbox, server, rejected } = setup();
    await outbox.load();
    server.failWith({ status: 400, code: 'invalid_body', message: 'Bad request.' });
    const id = await outbox.enqueue({ type: 'clear' });
    await settle(outbox);
    expect(rejected).toEqual([`${id} invalid: Bad request.`]);
    expect(outbox.getState().pending).toEqual([]);
  });
});
