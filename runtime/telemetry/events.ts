/** Event names from the reliability playbook. */
export type TelemetryName =
  | 'hydra_preset_eval_start'
  | 'hydra_preset_eval_success'
  | 'hydra_preset_eval_error'
  | 'hydra_fallback_applied'
  | 'video_init_start'
  | 'video_init_bound'
  | 'video_init_frame_ready'
  | 'video_init_error'
  /** A playing video presented no new frame for over 3 s (`phase: start`), and when it resumed (`phase: end`). */
  | 'video_stall'
  | 'video_proxy_response'
  | 'queue_cmd_sent'
  | 'queue_cmd_ack'
  | 'queue_cmd_applied'
  | 'queue_cmd_rejected'
  | 'socket_connect'
  | 'socket_disconnect'
  | 'socket_reconnect'
  | 'socket_resync'
  | 'auth_login_start'
  | 'auth_login_success'
  | 'auth_login_failure'
  | 'auth_login_refresh'
  | 'web_vitals';

export interface TelemetryContext {
  session_id: string;
  room_id?: string;
  user_id?: string;
  browser: string;
  platform: string;
}

/** One event: the fields every event carries, plus what is particular to it. */
export interface TelemetryEvent extends TelemetryContext {
  name: TelemetryName;
  event_id: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** Ties an action's events together (an evaluation's start → success/error → fallback). */
  correlation_id: string;
  preset_id?: string;
  media_url_hash?: string;
  [field: string]: unknown;
}

export type TelemetrySink = (event: TelemetryEvent) => void;

export interface Telemetry {
  emit(name: TelemetryName, correlationId: string, fields?: Record<string, unknown>): TelemetryEvent;
  /** Updates the context later events carry (sign-in, joining a room). */
  setContext(patch: Partial<TelemetryContext>): void;
  newCorrelationId(): string;
}

export function createTelemetry(sink: TelemetrySink, context: Partial<TelemetryContext> = {}): Telemetry {
  const ctx: TelemetryContext = { session_id: context.session_id ?? randomId(), ...clientInfo(), ...context };
  return {
    emit(name, correlationId, fields = {}) {
      const event: TelemetryEvent = {
        ...fields,
        ...ctx,
        name,
        event_id: randomId(),
        timestamp: Date.now(),
        correlation_id: correlationId,
      };
      try {
        sink(event);
      } catch {
        // telemetry must never break what it observes
      }
      return event;
    },
    setContext(patch) {
      Object.assign(ctx, patch);
    },
    newCorrelationId: randomId,
  };
}

/** Keeps the last `limit` events in memory (the player exposes them for tests and monitoring). */
export function createMemorySink(limit = 2000) {
  const events: TelemetryEvent[] = [];
  return {
    sink: ((event) => {
      events.push(event);
      if (events.length > limit) events.splice(0, events.length - limit);
    }) as TelemetrySink,
    events: () => events.slice(),
  };
}

export function randomId(): string {
  return globalThis.crypto.randomUUID();
}

/** Browser name and major version, and platform, from the user agent. */
export function clientInfo(userAgent: string = globalThis.navigator?.userAgent ?? 'node'): Pick<TelemetryContext, 'browser' | 'platform'> {
  // By priority, not by position: Edge and Opera user agents also carry "Chrome/…" earlier in the string.
  const match = ['Firefox', 'Edg', 'OPR', 'Chrome', 'Chromium', 'Version']
    .map((token) => new RegExp(`(${token})\\/(\\d+)`).exec(userAgent))
    .find((m) => m !== null);
  let browser = 'other';
  if (match) {
    const name = { Edg: 'edge', OPR: 'opera', Version: /Safari/.test(userAgent) ? 'safari' : 'other' }[match[1]!] ?? match[1]!.toLowerCase();
    browser = `${name} ${match[2]}`;
  } else if (userAgent === 'node') {
    browser = 'node';
  }
  const platform = /Windows/.test(userAgent)
    ? 'windows'
    : /Android/.test(userAgent)
      ? 'android'
      : /iPhone|iPad/.test(userAgent)
        ? 'ios'
        : /Mac OS X/.test(userAgent)
          ? 'macos'
          : /Linux/.test(userAgent)
            ? 'linux'
            : 'other';
  return { browser, platform };
}
