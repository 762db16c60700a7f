// @vitest-environment happy-dom
import { act } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Preset } from '../../runtime/presets/preset';
import { startTestServer, type TestServer } from '../../server/test-harness';
import { click, press, renderOnline, typeInto, until } from '../ui/render-online';
import { LibraryPanel } from './LibraryPanel';
import { PAGE_SIZE } from './library-api';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  (globalThis as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${server.url}/studio`);
  // Media for the media filter, details and paging: more than one page of it.
  const librarian = server.client();
  await librarian.post('/api/auth/register', { username: 'librarian', password: 'password for tests' });
  const items = Array.from({ length: PAGE_SIZE + 6 }, (_, i) => ({
    title: `Neon Grid Flythrough ${i + 1}`,
    url: `https://archive.org/download/neon/grid-${i + 1}.mp4`,
    mimeType: 'video/mp4',
    duration: 62.5,
    size: 48_000_000,
    tags: ['synthwave', 'grid'],
    source: 'archive.org',
    licence: 'CC-BY-4.0',
  }));
  expect((await librarian.post('/api/library/media/import', { items })).body.imported).toBe(items.length);
});
afterAll(async () => {
  await server.destroy();
});
afterEach(() => {
  document.body.innerHTML = '';
  localStorage.clear();
});

let users = 0;
async function mountSignedIn() {
  const opened: Preset[] = [];
  const view = renderOnline(<LibraryPanel onOpenPreset={(p) => opened.push(p)} />);
  await act(() => view.online.account.signUp({ username: `reader${++users}`, password: 'password for tests' }));
  act(() => view.online.library.toggle());
  await until(() => expect(view.$$('library-item').length).toBeGreaterThan(0));
  return { ...view, opened };
}
const titles = (view: { $$(id: string): HTMLElement[] }) => view.$$('library-item').map((i) => i.querySelector('strong')?.textContent);

describe('library panel', () => {
  it('asks to sign in when signed out', async () => {
    const view = renderOnline(<LibraryPanel onOpenPreset={() => {}} />);
    act(() => view.online.library.toggle());
    expect(view.$('sign-in-first')?.textContent).toContain('needs an account');
    view.unmount();
  });

  it('searches as you type: the last results stay with a loading bar until the answer replaces them', async () => {
    const view = await mountSignedIn();
    expect(document.activeElement).toBe(view.$('library-search'));
    const before = titles(view);
    typeInto(view.$<HTMLInputElement>('library-search')!, 'emb');
    expect(view.$('library-loading')).not.toBeNull();
    expect(titles(view)).toEqual(before);
    await until(() => expect(titles(view)).toEqual(['Ember Weave']));
    expect(view.$('library-loading')).toBeNull();

    click(view.$('library-item'));
    await until(() => expect(view.opened).toHaveLength(1));
    const [preset] = view.opened;
    expect(preset).toMatchObject({ id: 's_ember-weave', name: 'Ember Weave', kind: 'patch' });
    expect(preset?.kind === 'patch' && preset.patch.nodes.length).toBeGreaterThan(1);

    typeInto(view.$<HTMLInputElement>('library-search')!, 'zzqx nothing');
    await until(() => expect(view.$('library-empty')?.textContent).toBe('No results for “zzqx nothing”.'));
    view.unmount();
  });

  it('filters by kind and tag, pages with "Load more", and shows a media item’s details', async () => {
    const view = await mountSignedIn();
    click(view.$('library-kind-media'));
    // Done loading, not only media on screen: the first page can be all media already, and "Load
    // more" does nothing while a search is still on its way.
    await until(() => {
      expect(view.$('library-loading')).toBeNull();
      expect(titles(view).every((t) => t?.startsWith('Neon Grid Flythrough'))).toBe(true);
    });
    expect(view.$$('library-item')).toHaveLength(PAGE_SIZE);
    click(view.$('library-more'));
    await until(() => expect(view.$$('library-item')).toHaveLength(PAGE_SIZE + 6));
    expect(view.$('library-more')).toBeNull();

    click([...view.host.querySelectorAll('.pr-tag')].find((t) => t.textContent === '#synthwave')!);
    await until(() => expect(view.$('library-tag-filter')?.textContent).toBe('#synthwave ×'));
    typeInto(view.$<HTMLInputElement>('library-search')!, 'flythrough 7');
    await until(() => expect(titles(view)).toEqual(['Neon Grid Flythrough 7']));

    click(view.$('library-item'));
    const details = view.$('media-details')!;
    for (const text of ['video/mp4', '1:03', '48 MB', 'CC-BY-4.0', 'archive.org', 'https://archive.org/download/neon/grid-7.mp4']) expect(details.textContent).toContain(text);
    // Without a place to put it (no studio), no button; the studio's panel offers one.
    expect(view.$('media-use-video')).toBeNull();
    click(view.$('media-back'));
    expect(titles(view)).toEqual(['Neon Grid Flythrough 7']);
    view.unmount();
  });

  it('a video item goes into the patch as a video node with its URL', async () => {
    const used: string[] = [];
    const view = renderOnline(<LibraryPanel onOpenPreset={() => {}} onUseVideo={(item) => used.push(item.url)} />);
    await act(() => view.online.account.signUp({ username: `reader${++users}`, password: 'password for tests' }));
    act(() => view.online.library.toggle());
    await until(() => expect(view.$$('library-item').length).toBeGreaterThan(0));
    click(view.$('library-kind-media'));
    typeInto(view.$<HTMLInputElement>('library-search')!, 'flythrough 7');
    await until(() => expect(titles(view)).toEqual(['Neon Grid Flythrough 7']));
    click(view.$('library-item'));
    click(view.$('media-use-video'));
    expect(used).toEqual(['https://archive.org/download/neon/grid-7.mp4']);
    view.unmount();
  });

  it('keeps keys inside (Space on a result does not reach the editor), Esc closes', async () => {
    const view = await mountSignedIn();
    const editorKeys = vi.fn();
    window.addEventListener('keydown', editorKeys);
    press(view.$('library-item'), ' ');
    press(view.$('library-item'), 'Escape');
    window.removeEventListener('keydown', editorKeys);
    expect(editorKeys).not.toHaveBeenCalled();
    expect(view.$('library')).toBeNull();
    view.unmount();
  });
});
