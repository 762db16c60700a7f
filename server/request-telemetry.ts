import type { Middleware } from 'koa';
import { clientInfo, createTelemetry, type TelemetrySink } from '../runtime/telemetry/events';

/** Ids a client may pass so server events join its own: letters, digits, dashes, at most 64. */
const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * Gives each API request `ctx.state.telemetry`: events it emits carry the client's telemetry
 * session (header `X-Telemetry-Session`, else the request id), browser and platform; and
 * `ctx.state.correlationId` (header `X-Correlation-Id`, else the request id) to tie them to the
 * client's action.
 */
export function requestTelemetry(sink: TelemetrySink): Middleware {
  return (ctx, next) => {
    const session = ctx.get('X-Telemetry-Session');
    const correlation = ctx.get('X-Correlation-Id');
    ctx.state.correlationId = CLIENT_ID.test(correlation) ? correlation : ctx.state.requestId;
    ctx.state.telemetry = createTelemetry(sink, {
      session_id: CLIENT_ID.test(session) ? session : ctx.state.requestId,
      ...clientInfo(ctx.get('User-Agent') || 'unknown'),
    });
    return next();
  };
}
