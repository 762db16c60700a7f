import type { Classification } from './classify';

/** What one proxied media response did: the `video_proxy_response` event, also kept for `GET /records/:cid`. */
export interface ProxyRecord {
  correlation_id: string;
  /** sha256 of the upstream URL, hex, first 16 characters (never the URL itself). */
  media_url_hash: string;
  method: string;
  /** The client's Range header, as sent. */
  range: string | null;
  status: number;
  upstream_status: number | null;
  content_range: string | null;
  content_length: number | null;
  /** The media type answered (null for error answers, which are JSON). */
  content_type: string | null;
  /** Body bytes written to the client. */
  bytes_sent: number;
  /** Body bytes read from upstream. */
  bytes_received: number;
  cache: 'HIT' | 'MISS' | 'BYPASS';
  /** Null when nothing went wrong. */
  classification: Classification | null;
  /** complete | client_aborted | failed (headers were sent, then the body broke) | refused (an error answer). */
  outcome: 'complete' | 'client_aborted' | 'failed' | 'refused';
  layout: string | null;
  range_emulated: boolean;
  redirects: number;
  timings: { dns?: number; connect?: number; tls?: number; ttfb?: number; cache_fill?: number; total: number };
  /** Milliseconds since the epoch when the response ended. */
  at: number;
}

/**
 * The latest records per correlation id, in memory, bounded: the least recently written ids are
 * forgotten first. A client learns here what happened after the headers it saw (a truncation).
 */
export class RecordLog {
  private readonly byId = new Map<string, ProxyRecord[]>();
  constructor(
    private readonly maxIds: number,
    private readonly perId = 20,
  ) {}

  add(record: ProxyRecord): void {
    const list = this.byId.get(record.correlation_id) ?? [];
    this.byId.delete(record.correlation_id);
    list.push(record);
    if (list.length > this.perId) list.splice(0, list.length - this.perId);
    this.byId.set(record.correlation_id, list);
    while (this.byId.size > this.maxIds) this.byId.delete(this.byId.keys().next().value!);
  }

  get(correlationId: string): readonly ProxyRecord[] {
    return this.byId.get(correlationId) ?? [];
  }

  get size(): number {
    return this.byId.size;
  }
}
