import { describe, expect, it } from 'vitest';
import { ProgramScope, type ScopeFailure } from './program-scope';

function make(id = 1) {
  const reports: Array<[number, ScopeFailure]> = [];
  const scope = new ProgramScope(id, (i, f) => reports.push([i, f]));
  return { scope, reports };
}

/** A resource that counts how often it was released. */
function resource(kind: 'destroy' | 'close' | 'both' | 'throws' = 'destroy') {
  const calls = { destroy: 0, close: 0 };
  const r: { destroy?: () => void; close?: () => void } = {};
  if (kind === 'destroy' || kind === 'both') r.destroy = () => void calls.destroy++;
  if (kind === 'close' || kind === 'both') r.close = () => void calls.close++;
  if (kind === 'throws')
    r.destroy = () => {
      calls.destroy++;
      throw new Error('already gone');
    };
  return { r, calls };
}

describe('ProgramScope: failures', () => {
  it('collects failures while applying, without reporting them', () => {
    const { scope, reports } = make();
    const site = new Error('site');
    scope.fail(new Error('a'), site);
    scope.fail('b');
    expect(scope.failures).toEqual([{ error: new Error('a'), site }, { error: 'b' }]);
    expect(reports).toEqual([]);
  });

  it('reports failures with its id once applied', () => {
    const { scope, reports } = make(7);
    scope.applying = false;
    const error = new Error('late');
    scope.fail(error);
    expect(reports).toEqual([[7, { error }]]);
    expect(scope.failures).toEqual([]);
  });

  it('ignores failures after it was disposed', () => {
    const { scope, reports } = make();
    scope.applying = false;
    scope.dispose();
    scope.fail(new Error('too late'));
    expect(reports).toEqual([]);
    expect(scope.alive).toBe(false);
  });

  it('forwards failures to the scope it was merged into, under that scope’s id', () => {
    const running = make(1);
    running.scope.applying = false;
    const amend = make(2);
    amend.scope.applying = false;
    amend.scope.mergeInto(running.scope);
    running.scope.id = 2;
    const error = new Error('from amended code');
    amend.scope.fail(error);
    expect(running.reports).toEqual([[2, { error }]]);
    expect(amend.reports).toEqual([]);
    expect(amend.scope.resolve()).toBe(running.scope);
  });

  it('resolves through a chain of merges', () => {
    const a = make(1).scope;
    const b = make(2).scope;
    const c = make(3).scope;
    a.mergeInto(b);
    b.mergeInto(c);
    expect(a.resolve()).toBe(c);
    expect(c.resolve()).toBe(c);
  });
});

describe('ProgramScope: cleanups and resources', () => {
  it('runs every tracked cleanup on dispose, even when one throws', () => {
    const { scope } = make();
    const ran: string[] = [];
    scope.track('a', () => ran.push('a'));
    scope.track('b', () => {
      throw new Error('x');
    });
    scope.track('c', () => ran.push('c'));
    scope.dispose();
    expect(ran).toEqual(['a', 'c']);
    scope.dispose();
    expect(ran).toEqual(['a', 'c']);
  });

  it('replaces a cleanup tracked again under the same key', () => {
    const { scope } = make();
    const ran: string[] = [];
    scope.track('k', () => ran.push('first'));
    scope.track('k', () => ran.push('second'));
    scope.dispose();
    expect(ran).toEqual(['second']);
  });

  it('does not run untracked cleanups, and undo runs one now and only once', () => {
    const { scope } = make();
    const ran: string[] = [];
    scope.track('timer', () => ran.push('timer'));
    scope.track('listener', () => ran.push('listener'));
    scope.untrack('timer');
    scope.undo('listener');
    scope.undo('listener');
    scope.undo('unknown');
    expect(ran).toEqual(['listener']);
    scope.dispose();
    expect(ran).toEqual(['listener']);
  });

  it('releases owned resources once, with destroy or else close', () => {
    const { scope } = make();
    const texture = resource('destroy');
    const bitmap = resource('close');
    const both = resource('both');
    const broken = resource('throws');
    expect(scope.own(texture.r)).toBe(texture.r);
    scope.own(bitmap.r);
    scope.own(both.r);
    scope.own(broken.r);
    scope.own(texture.r);
    expect(scope.owns(texture.r)).toBe(true);
    scope.dispose();
    scope.dispose();
    expect(texture.calls).toEqual({ destroy: 1, close: 0 });
    expect(bitmap.calls).toEqual({ destroy: 0, close: 1 });
    expect(both.calls).toEqual({ destroy: 1, close: 0 });
    expect(broken.calls.destroy).toBe(1);
    expect(scope.owns(texture.r)).toBe(false);
  });

  it('releases one resource early, and never again', () => {
    const { scope } = make();
    const texture = resource();
    scope.own(texture.r);
    scope.release(texture.r);
    scope.release(texture.r);
    scope.dispose();
    expect(texture.calls.destroy).toBe(1);
    const stranger = resource();
    scope.release(stranger.r);
    expect(stranger.calls.destroy).toBe(0);
  });

  it('hands cleanups and resources to the scope it merges into', () => {
    const running = make(1).scope;
    const amend = make(2).scope;
    const ran: string[] = [];
    const texture = resource();
    running.track('old', () => ran.push('old'));
    amend.track('new', () => ran.push('new'));
    amend.own(texture.r);
    amend.mergeInto(running);
    expect(running.owns(texture.r)).toBe(true);
    expect(amend.owns(texture.r)).toBe(false);
    amend.dispose();
    expect(ran).toEqual([]);
    expect(texture.calls.destroy).toBe(0);
    running.dispose();
    expect(ran.sort()).toEqual(['new', 'old']);
    expect(texture.calls.destroy).toBe(1);
  });
});
