import { describe, expect, it } from 'vitest';
import { clientInfo, createMemorySink, createTelemetry, randomId, type TelemetryEvent } from './events';

const UA = {
  chrome: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  headless: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.33 Safari/537.36',
  firefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  safari: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15',
  iphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  edge: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51',
  opera: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 OPR/108.0.0.0',
  android: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36',
};

describe('clientInfo', () => {
  it.each([
    ['chrome', 'chrome 124', 'windows'],
    ['headless', 'chrome 131', 'linux'],
    ['firefox', 'firefox 125', 'linux'],
    ['safari', 'safari 17', 'macos'],
    ['iphone', 'safari 17', 'ios'],
    ['edge', 'edge 124', 'windows'],
    ['opera', 'opera 108', 'macos'],
    ['android', 'chrome 124', 'android'],
  ] as const)('reads %s as %s on %s', (ua, browser, platform) => {
    expect(clientInfo(UA[ua])).toEqual({ browser, platform });
  });

  it('says node in Node and other for unknown agents', () => {
    expect(clientInfo('node')).toEqual({ browser: 'node', platform: 'other' });
    expect(clientInfo('curl/8.4.0')).toEqual({ browser: 'other', platform: 'other' });
    expect(clientInfo()).toEqual(clientInfo(globalThis.navigator?.userAgent ?? 'node'));
  });
});

describe('createTelemetry', () => {
  it('gives every event the common fields', () => {
    const memory = createMemorySink();
    const telemetry = createTelemetry(memory.sink, { session_id: 's-1', browser: 'firefox 125', platform: 'linux' });
    const before = Date.now();
    const event = telemetry.emit('hydra_preset_eval_start', 'c-1', { preset_id: 'ember-weave' });
    expect(event).toEqual({
      name: 'hydra_preset_eval_start',
      event_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      session_id: 's-1',
      browser: 'firefox 125',
      platform: 'linux',
      timestamp: expect.any(Number),
      correlation_id: 'c-1',
      preset_id: 'ember-weave',
    });
    expect(event.timestamp).toBeGreaterThanOrEqual(before);
    expect(event.timestamp).toBeLessThanOrEqual(Date.now());
    expect(memory.events()).toEqual([event]);
  });

  it('makes a session id and reads browser and platform when not given', () => {
    const telemetry = createTelemetry(() => {});
    const a = telemetry.emit('socket_connect', 'x');
    const b = telemetry.emit('socket_disconnect', 'x');
    expect(a.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.session_id).toBe(a.session_id);
    expect(a.browser).toBe(clientInfo().browser);
    expect(a.platform).toBe(clientInfo().platform);
    expect(createTelemetry(() => {}).emit('socket_connect', 'x').session_id).not.toBe(a.session_id);
  });

  it('gives every event a unique id', () => {
    const telemetry = createTelemetry(() => {});
    const ids = new Set(Array.from({ length: 1000 }, () => telemetry.emit('queue_cmd_sent', 'c').event_id));
    expect(ids.size).toBe(1000);
  });

  it('carries room and user after setContext, in every later event', () => {
    const memory = createMemorySink();
    const telemetry = createTelemetry(memory.sink, { session_id: 's' });
    const anonymous = telemetry.emit('socket_connect', 'c');
    expect(anonymous).not.toHaveProperty('room_id');
    expect(anonymous).not.toHaveProperty('user_id');
    telemetry.setContext({ room_id: 'room-1' });
    telemetry.setContext({ user_id: 'u-7' });
    const later = telemetry.emit('queue_cmd_ack', 'c');
    expect(later).toMatchObject({ room_id: 'room-1', user_id: 'u-7', session_id: 's' });
    expect(memory.events()[0]).not.toHaveProperty('room_id');
  });

  it('does not let event fields overwrite the common ones', () => {
    const telemetry = createTelemetry(() => {}, { session_id: 's', room_id: 'r' });
    const event = telemetry.emit('video_init_start', 'corr', { session_id: 'forged', room_id: 'other', event_id: 'dup', correlation_id: 'x', media_url_hash: 'abc' });
    expect(event).toMatchObject({ session_id: 's', room_id: 'r', correlation_id: 'corr', media_url_hash: 'abc' });
    expect(event.event_id).not.toBe('dup');
  });

  it('ties an action’s events together with one correlation id', () => {
    const memory = createMemorySink();
    const telemetry = createTelemetry(memory.sink);
    const corr = telemetry.newCorrelationId();
    telemetry.emit('queue_cmd_sent', corr);
    telemetry.emit('queue_cmd_ack', corr);
    telemetry.emit('queue_cmd_applied', corr);
    telemetry.emit('queue_cmd_sent', telemetry.newCorrelationId());
    const events = memory.events();
    expect(events.filter((e) => e.correlation_id === corr).map((e) => e.name)).toEqual(['queue_cmd_sent', 'queue_cmd_ack', 'queue_cmd_applied']);
    expect(events[3]!.correlation_id).not.toBe(corr);
  });

  it('keeps working when the sink throws', () => {
    let calls = 0;
    const telemetry = createTelemetry(() => {
      calls++;
      throw new Error('network down');
    });
    expect(() => telemetry.emit('hydra_preset_eval_error', 'c', { message: 'x' })).not.toThrow();
    const event = telemetry.emit('hydra_fallback_applied', 'c');
    expect(event.name).toBe('hydra_fallback_applied');
    expect(calls).toBe(2);
  });
});

describe('createMemorySink', () => {
  const event = (i: number) => ({ name: 'web_vitals', event_id: String(i) }) as TelemetryEvent;

  it('keeps only the last `limit` events, oldest first', () => {
    const memory = createMemorySink(3);
    for (let i = 0; i < 10; i++) memory.sink(event(i));
    expect(memory.events().map((e) => e.event_id)).toEqual(['7', '8', '9']);
  });

  it('holds 2000 events by default', () => {
    const memory = createMemorySink();
    for (let i = 0; i < 2500; i++) memory.sink(event(i));
    expect(memory.events()).toHaveLength(2000);
    expect(memory.events()[0]!.event_id).toBe('500');
  });

  it('returns a copy that callers cannot change', () => {
    const memory = createMemorySink();
    memory.sink(event(1));
    memory.events().pop();
    expect(memory.events()).toHaveLength(1);
  });
});

describe('randomId', () => {
  it('makes UUIDs', () => {
    expect(randomId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
