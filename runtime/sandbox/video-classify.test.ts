import { describe, expect, it } from 'vitest';
import { classifyFailure, diagnosisFromRecords, diagnosisFromResponse, retryDelayMs } from './video-classify';

describe('classifyFailure: the proxy knows best', () => {
  it.each([
    ['host_not_allowed', undefined, 'host_not_allowed', false],
    ['upstream_http_error', 404, 'upstream_http_error', false],
    ['upstream_http_error', 503, 'upstream_http_error', true],
    ['upstream_timeout', undefined, 'upstream_timeout', true],
    ['upstream_truncated', 200, 'truncated', true],
    ['range_violation', 206, 'range_violation', false],
    ['too_large_for_cache', 200, 'too_large_for_cache', false],
    ['private_address', undefined, 'host_not_allowed', false],
    ['port_not_allowed', undefined, 'host_not_allowed', false],
    ['upstream_unreachable', undefined, 'network', true],
    ['range_not_satisfiable', 416, 'range_violation', false],
    ['url_too_long', undefined, 'invalid_url', false],
    ['faststart_failed', 200, 'proxy_error', false],
  ])('proxy says %s (upstream %s) → %s, retry %s', (error, upstreamStatus, expected, retry) => {
    // Whatever the browser said: Chromium reports a 404 as "source not supported".
    const verdict = classifyFailure({ code: 4, detail: 'MEDIA_ELEMENT_ERROR: Format error', diagnosis: { status: 502, error, ...(upstreamStatus ? { upstreamStatus } : {}) } });
    expect(verdict.errorClass).toBe(expected);
    expect(verdict.retry).toBe(retry);
    expect(verdict.message).not.toMatch(/\n|at .*\(/); // words, never a stack
  });
});

describe('classifyFailure: from the browser, when the proxy served the file fine', () => {
  const fine = { status: 206, upstreamStatus: 206, contentType: 'video/webm' };
  it('source not supported → codec unsupported, naming the type served', () => {
    const v = classifyFailure({ code: 4, detail: 'DEMUXER_ERROR_NO_SUPPORTED_STREAMS', diagnosis: fine });
    expect(v).toMatchObject({ errorClass: 'codec_unsupported', retry: false });
    expect(v.message).toContain('video/webm');
  });
  it('the messages seen for an MPEG-4 Part 2 MP4 (fixtures/unsupported-codec.mp4) → codec unsupported', () => {
    // Chromium 156 and Firefox ESR 153, verbatim.
    for (const detail of ['PipelineStatus::DEMUXER_ERROR_NO_SUPPORTED_STREAMS: FFmpegDemuxer: no supported streams', 'Failed to open media']) {
      expect(classifyFailure({ code: 4, detail, diagnosis: fine }).errorClass, detail).toBe('codec_unsupported');
    }
  });
  it('a file the demuxer cannot open → damaged (decode), not codec', () => {
    expect(classifyFailure({ code: 4, detail: 'DEMUXER_ERROR_COULD_NOT_OPEN: FFmpegDemuxer: open context failed', diagnosis: fine }).errorClass).toBe('decode');
    expect(classifyFailure({ code: 3, detail: 'PIPELINE_ERROR_DECODE', diagnosis: fine }).errorClass).toBe('decode');
    expect(classifyFailure({ code: 3, detail: 'NS_ERROR_DOM_MEDIA_METADATA_ERR (0x806e0006)', diagnosis: fine }).errorClass).toBe('decode');
  });
  it('a decoder the browser lacks → codec unsupported', () => {
    expect(classifyFailure({ code: 3, detail: 'Failed to init decoder', diagnosis: fine }).errorClass).toBe('codec_unsupported');
  });
  it('network errors and an unreachable proxy are network, retried', () => {
    expect(classifyFailure({ code: 2, diagnosis: fine })).toMatchObject({ errorClass: 'network', retry: true });
    expect(classifyFailure({ code: 4 })).toMatchObject({ errorClass: 'network', retry: true });
  });
  it('the proxy refusing without a class (414, 431) → proxy error, not retried', () => {
    expect(classifyFailure({ code: 4, diagnosis: { status: 414, message: 'URL too long' } })).toMatchObject({ errorClass: 'proxy_error', retry: false });
  });
  it('an upstream error status passed through without a class → upstream HTTP error', () => {
    expect(classifyFailure({ code: 4, diagnosis: { status: 404, upstreamStatus: 404 } })).toMatchObject({ errorClass: 'upstream_http_error', retry: false });
  });
  it('no picture by the deadline → no_frame, retried', () => {
    const v = classifyFailure({ timedOut: true, deadlineMs: 20_000, diagnosis: fine });
    expect(v).toMatchObject({ errorClass: 'no_frame', retry: true });
    expect(v.message).toContain('20 s');
  });
});

describe('reading the proxy', () => {
  it('takes the newest record that names an error, in any envelope', () => {
    const records = [
      { cid: 'c', status: 206, upstream_status: 206 },
      { cid: 'c', status: 206, upstream_status: 206, error: 'upstream_truncated', bytes_sent: 10 },
      { cid: 'c', status: 206, upstream_status: 206 },
    ];
    for (const body of [{ records }, records, { items: records }]) {
      expect(diagnosisFromRecords(body)).toEqual({ status: 206, upstreamStatus: 206, error: 'upstream_truncated' });
    }
    expect(diagnosisFromRecords({ record: { status: 200, error: { code: 'host_not_allowed', message: 'no' } } })).toEqual({ status: 200, error: 'host_not_allowed', message: 'no' });
    expect(diagnosisFromRecords({ records: [] })).toBeUndefined();
  });

  it('reads the diagnostic headers and a JSON error body', () => {
    const headers: Record<string, string> = { 'x-proxy-error': 'range_violation', 'x-proxy-upstream-status': '206', 'content-type': 'application/json' };
    expect(diagnosisFromResponse(502, (n) => headers[n] ?? null, { error: { code: 'range_violation', message: 'bad Content-Range' } })).toEqual({
      status: 502,
      error: 'range_violation',
      upstreamStatus: 206,
      message: 'bad Content-Range',
    });
    expect(diagnosisFromResponse(206, (n) => ({ 'content-type': 'video/mp4' })[n] ?? null)).toEqual({ status: 206, contentType: 'video/mp4' });
  });

  it('backs off exponentially, with jitter', () => {
    expect(retryDelayMs(1, () => 0.5)).toBe(400);
    expect(retryDelayMs(3, () => 0.5)).toBe(1600);
    expect(retryDelayMs(2, () => 0)).toBe(640);
  });
});
