import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestClient, type TestServer } from '../../server/test-harness';

let server: TestServer;
let ada: TestClient;
let bob: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  ada = server.client();
  bob = server.client();
  expect((await ada.post('/api/auth/register', { username: 'ada', password: 'password for tests' })).status).toBe(201);
  expect((await bob.post('/api/auth/register', { username: 'bob', password: 'password for tests' })).status).toBe(201);
  const imported = await ada.post('/api/library/media/import', {
    items: [
      { title: 'Neon Grid Flythrough', url: 'https://archive.org/download/neon/grid.mp4', mimeType: 'video/mp4', duration: 62.5, size: 48_000_000, tags: ['Synthwave', 'grid'], source: 'archive.org', licence: 'CC-BY-4.0' },
      { title: 'Ocean Waves at Dusk', url: 'https://archive.org/download/ocean/waves.webm', mimeType: 'video/webm', duration: 300, size: 120_000_000, tags: ['nature', 'water'], description: 'Slow waves, neon-free.' },
      { title: 'Grid Study No. 2', url: 'https://archive.org/download/grid/study2.mp4', mimeType: 'video/mp4', duration: 12, tags: ['grid'] },
      { title: 'Café Ambience', url: 'https://archive.org/download/cafe/ambience.mp3', mimeType: 'audio/mpeg', duration: 1800, tags: ['ambient'] },
    ],
  });
  expect(imported.body).toMatchObject({ imported: 4, failed: 0 });
});

afterAll(async () => {
  await server.destroy();
});

const titles = (res: { body: { items: Array<{ title: string }> } }) => res.body.items.map((i) => i.title);

describe('library: starter presets', () => {
  it('seeds the starter presets from presets/ with their metadata', async () => {
    const res = await ada.get('/api/library/items?kind=preset&sort=title&limit=100');
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBe(16);
    const ember = res.body.items.find((i: { id: string }) => i.id === 's_ember-weave');
    expect(ember).toMatchObject({ kind: 'preset', title: 'Ember Weave', presetKind: 'patch', builtin: true, author: 'Patchroom', tags: ['sources', 'blending', 'colour', 'modulation'] });
    const full = await ada.get('/api/library/items/s_ember-weave');
    expect(full.body.item.patch).toMatchObject({ version: 1, nodes: expect.any(Array) });
    const code = await ada.get('/api/library/items/s_tidal-glass');
    expect(code.body.item.code).toContain('osc(18, 0.06, 1.4)');
  });

  it('does not duplicate them when the server starts again on the same data', async () => {
    const again = await startTestServer({ dataDir: `${server.dataDir}-second` });
    try {
      const client = again.client();
      await client.post('/api/auth/register', { username: 'carol', password: 'password for tests' });
      expect((await client.get('/api/library/items?kind=preset&limit=100')).body.items.length).toBe(16);
      await again.close();
      const third = await startTestServer({ dataDir: again.dataDir });
      const same = third.client();
      await same.post('/api/auth/login', { username: 'carol', password: 'password for tests' });
      expect((await same.get('/api/library/items?kind=preset&limit=100')).body.items.length).toBe(16);
      await third.destroy();
    } finally {
      await again.close();
    }
  });
});

describe('library: browse', () => {
  it('pages through everything with a cursor, without overlaps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await ada.get(`/api/library/items?sort=title&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.items.map((i) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(20);
    expect(new Set(seen).size).toBe(20);
  });

  it('filters by kind and tags and sorts by the given field', async () => {
    expect(titles(await ada.get('/api/library/items?kind=media&sort=-duration'))).toEqual(['Café Ambience', 'Ocean Waves at Dusk', 'Neon Grid Flythrough', 'Grid Study No. 2']);
    expect(titles(await ada.get('/api/library/items?tag=grid&sort=title'))).toEqual(['Grid Study No. 2', 'Neon Grid Flythrough']);
    // unknown durations (presets) come last both ways
    expect(titles(await ada.get('/api/library/items?sort=duration&limit=4'))).toEqual(['Grid Study No. 2', 'Neon Grid Flythrough', 'Ocean Waves at Dusk', 'Café Ambience']);
    expect(titles(await ada.get('/api/library/items?sort=-duration&limit=4'))).toEqual(['Café Ambience', 'Ocean Waves at Dusk', 'Neon Grid Flythrough', 'Grid Study No. 2']);
    expect(titles(await ada.get('/api/library/items?kind=media&sort=created'))).toEqual(['Neon Grid Flythrough', 'Ocean Waves at Dusk', 'Grid Study No. 2', 'Café Ambience']);
    expect(titles(await ada.get('/api/library/items?kind=media'))).toEqual(['Café Ambience', 'Grid Study No. 2', 'Ocean Waves at Dusk', 'Neon Grid Flythrough']);
    expect(titles(await ada.get('/api/library/items?tag=grid&tag=SYNTHWAVE'))).toEqual(['Neon Grid Flythrough']);
    const media = (await ada.get('/api/library/items?kind=media&tag=synthwave')).body.items[0];
    expect(media).toEqual({
      id: expect.stringMatching(/^m_/),
      kind: 'media',
      title: 'Neon Grid Flythrough',
      description: '',
      tags: ['synthwave', 'grid'],
      url: 'https://archive.org/download/neon/grid.mp4',
      mimeType: 'video/mp4',
      duration: 62.5,
      size: 48_000_000,
      source: 'archive.org',
      licence: 'CC-BY-4.0',
      createdBy: expect.stringMatching(/^u_/),
      createdAt: expect.any(Number),
    });
  });
});

describe('library: search', () => {
  it('matches words as prefixes, ranks title matches first, and reports its server-side time', async () => {
    const res = await ada.get('/api/library/items?q=neo');
    expect(titles(res)).toEqual(['Neon Grid Flythrough', 'Ocean Waves at Dusk']);
    expect(res.headers.get('server-timing')).toMatch(/search;dur=\d+\.\d+/);
    expect(titles(await ada.get('/api/library/items?q=grid%20stu'))).toEqual(['Grid Study No. 2']);
    expect(titles(await ada.get('/api/library/items?q=cafe'))).toEqual(['Café Ambience']);
    expect(titles(await ada.get('/api/library/items?q=ember%20we'))).toEqual(['Ember Weave']);
    expect(titles(await ada.get('/api/library/items?q=grid&kind=media&sort=-duration'))).toEqual(['Neon Grid Flythrough', 'Grid Study No. 2']);
    expect(titles(await ada.get('/api/library/items?q=zzzzqqq'))).toEqual([]);
  });

  it.each([
    "' OR 1=1 --",
    "'; DROP TABLE library_items; --",
    '" OR ""="',
    'title:*',
    'NEAR(grid neon)',
    '*',
    '"',
    '%',
    ') OR (',
    'grid" OR "1',
    'neon AND NOT grid',
    '\u0000',
    '𝔫𝔢𝔬𝔫 🎛️',
  ])('treats %j as text', async (q) => {
    const res = await ada.get(`/api/library/items?q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(200);
    // Only items containing every word of the query as text can match; none of these holds "drop" or "or"…
    for (const item of res.body.items as Array<{ title: string; description: string; tags: string[]; source: string }>) {
      const text = `${item.title} ${item.description} ${item.tags.join(' ')} ${item.source}`.toLowerCase();
      for (const word of q.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) expect(text).toMatch(new RegExp(`(^|[^\\p{L}\\p{N}])${word}`, 'u'));
    }
    expect((await ada.get('/api/library/items?limit=100')).body.items.length).toBe(20);
  });

  it('records every search for the SLO', async () => {
    const before = (await ada.get('/api/library/stats')).body.search.count;
    await ada.get('/api/library/items?q=wave');
    await ada.get('/api/library/items?q=grid');
    const after = (await ada.get('/api/library/stats?window=600')).body.search;
    expect(after.count).toBe(before + 2);
    expect(after.p95Ms).toBeGreaterThan(0);
  });

  it.each([
    'limit=0',
    'limit=101',
    'limit=ten',
    'sort=random',
    'kind=video',
    'cursor=garbage',
    `cursor=${Buffer.from('o99999').toString('base64url')}`,
    `q=${'x'.repeat(201)}`,
    'q=a&q=b',
    'tag=a&tag=b&tag=c&tag=d&tag=e&tag=f',
    'tag=no%20spaces%3F',
    'window=1',
  ])('refuses %s with a 400 naming the field', async (query) => {
    const res = await ada.get(`/api/library/${query.startsWith('window') ? 'stats' : 'items'}?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'invalid_input', message: expect.stringMatching(/"(limit|sort|kind|cursor|q|tag|window)"/) });
  });
});

describe('library: import', () => {
  it('imports the valid rows and reports each invalid one with its row and field', async () => {
    const res = await bob.post('/api/library/media/import', {
      items: [
        { title: 'Good one', url: 'https://archive.org/download/x/good.mp4', mimeType: 'video/mp4' },
        { title: '', url: 'https://archive.org/download/x/a.mp4', mimeType: 'video/mp4' },
        { title: 'No scheme', url: 'javascript:alert(1)', mimeType: 'video/mp4' },
        { title: 'Wrong type', url: 'https://archive.org/download/x/b.exe', mimeType: 'application/x-msdownload' },
        { title: 'Negative', url: 'https://archive.org/download/x/c.mp4', mimeType: 'video/mp4', duration: -1 },
        { title: 'Dup in file', url: 'https://archive.org/download/x/good.mp4', mimeType: 'video/mp4' },
        { title: 'Dup in library', url: 'https://archive.org/download/neon/grid.mp4', mimeType: 'video/mp4' },
        'not an object',
        { title: 'Creds', url: 'https://user:pw@archive.org/x.mp4', mimeType: 'video/mp4' },
        { title: 'Too many tags', url: 'https://archive.org/download/x/d.mp4', mimeType: 'video/mp4', tags: Array.from({ length: 17 }, (_, i) => `t${i}`) },
        { title: 'Also good', url: 'https://archive.org/download/x/also.ogg', mimeType: 'Audio/Ogg', size: 1234, tags: ['Field Recording'] },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ imported: 2, failed: 9, errorsTruncated: false });
    expect(res.body.items.map((i: { row: number }) => i.row)).toEqual([0, 10]);
    expect(res.body.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([
      [1, 'title'],
      [2, 'url'],
      [3, 'mimeType'],
      [4, 'duration'],
      [5, 'url'],
      [6, 'url'],
      [7, ''],
      [8, 'url'],
      [9, 'tags'],
    ]);
    const added = await bob.get(`/api/library/items/${res.body.items[1].id}`);
    expect(added.body.item).toMatchObject({ mimeType: 'audio/ogg', size: 1234, tags: ['field-recording'] });
    await bob.request('DELETE', `/api/library/items/${res.body.items[0].id}`);
    await bob.request('DELETE', `/api/library/items/${res.body.items[1].id}`);
  });

  it('refuses a manifest that is not a list of 1 to 5000 items', async () => {
    for (const body of [{}, { items: [] }, { items: 'x' }, [], { items: Array.from({ length: 5001 }, () => ({})) }]) {
      const res = await bob.post('/api/library/media/import', body);
      expect(res.status).toBe(400);
    }
  });
});

describe('library: saving and deleting', () => {
  it('saves patch and code presets, validating the patch', async () => {
    const patch = { version: 1, nodes: [{ id: 'a', type: 'hydra-core/osc' }, { id: 'o', type: 'hydra-core/out' }], edges: [{ from: { node: 'a', port: 'out' }, to: { node: 'o', port: 'in' } }] };
    const saved = await ada.post('/api/library/presets', { kind: 'patch', title: 'My osc', tags: ['Mine'], patch });
    expect(saved.status).toBe(201);
    expect(saved.body.item).toMatchObject({ kind: 'preset', presetKind: 'patch', title: 'My osc', builtin: false, tags: ['mine'], patch: { version: 1 } });
    const code = await ada.post('/api/library/presets', { kind: 'code', title: 'My code', code: 'osc().out()' });
    expect(code.body.item).toMatchObject({ presetKind: 'code', code: 'osc().out()' });
    expect(titles(await ada.get('/api/library/items?q=my&kind=preset'))).toEqual(expect.arrayContaining(['My osc', 'My code']));
    const bad = await ada.post('/api/library/presets', { kind: 'patch', title: 'Broken', patch: { version: 1, nodes: 'x', edges: [] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_patch');
    expect((await ada.post('/api/library/presets', { kind: 'code', title: 'Huge', code: 'x'.repeat(64 * 1024 + 1) })).status).toBe(400);
    expect((await ada.post('/api/library/presets', { kind: 'code', title: 'No code' })).status).toBe(400);
    // only the author deletes; starter presets stay
    expect((await bob.request('DELETE', `/api/library/items/${saved.body.item.id}`)).status).toBe(403);
    expect((await ada.request('DELETE', `/api/library/items/${saved.body.item.id}`)).status).toBe(204);
    expect((await ada.request('DELETE', `/api/library/items/${code.body.item.id}`)).status).toBe(204);
    expect((await ada.request('DELETE', '/api/library/items/s_ember-weave')).status).toBe(403);
    expect((await ada.get(`/api/library/items/${saved.body.item.id}`)).status).toBe(404);
  });

  it('adds one media item and refuses the same URL twice', async () => {
    const item = { title: 'Single', url: 'https://archive.org/download/single/one.mp4', mimeType: 'video/mp4' };
    const added = await bob.post('/api/library/media', item);
    expect(added.status).toBe(201);
    expect((await bob.post('/api/library/media', item)).status).toBe(409);
    expect((await bob.request('DELETE', `/api/library/items/${added.body.item.id}`)).status).toBe(204);
  });

  it('is for signed-in accounts only', async () => {
    const guest = server.client();
    expect((await guest.get('/api/library/items')).status).toBe(401);
    await guest.post('/api/auth/guest');
    expect((await guest.get('/api/library/items')).status).toBe(401);
    expect((await guest.post('/api/library/media', {})).status).toBe(401);
  });
});

describe('library: bounded ranking', () => {
  it('ranks the newest matches of a broad query, then lists older ones, paging through all without repeats', async () => {
    const local = await startTestServer({ env: { LIBRARY_RANK_WINDOW: '24' } });
    try {
      const client = local.client();
      await client.post('/api/auth/register', { username: 'ranker', password: 'password for tests' });
      const items = Array.from({ length: 60 }, (_, i) => ({
        title: i === 0 || i === 59 ? `Breaking wave ${i}` : `Clip ${i}`,
        description: i === 0 || i === 59 ? '' : 'a wave in the description',
        url: `https://archive.org/download/rank/${i}.mp4`,
        mimeType: 'video/mp4',
        tags: i % 2 ? ['odd'] : ['even'],
      }));
      expect((await client.post('/api/library/media/import', { items })).body.imported).toBe(60);
      const first = await client.get('/api/library/items?q=wave&limit=10');
      // the title match among the newest 24 comes first
      expect(first.body.items[0].title).toBe('Breaking wave 59');
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: Array<{ title: string }>; nextCursor: string | null } } = await client.get(`/api/library/items?q=wave&limit=10${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...res.body.items.map((i) => i.title));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen.length).toBe(60);
      expect(new Set(seen).size).toBe(60);
      // the oldest title match sits past the window, so it comes after the ranked ones…
      expect(seen.indexOf('Breaking wave 0')).toBeGreaterThanOrEqual(24);
      // …until the query is narrowed enough to be ranked exactly
      expect((await client.get('/api/library/items?q=breaking%20wave')).body.items.map((i: { title: string }) => i.title)).toEqual(['Breaking wave 59', 'Breaking wave 0']);
      // filters apply inside the search
      const odd = await client.get('/api/library/items?q=wave&tag=odd&kind=media&limit=100');
      expect(odd.body.items.length).toBe(30);
      expect(odd.body.items.every((i: { tags: string[] }) => i.tags.includes('odd'))).toBe(true);
      expect((await client.get('/api/library/items?q=wave&kind=preset')).body.items).toEqual([]);
    } finally {
      await local.destroy();
    }
  });
});
