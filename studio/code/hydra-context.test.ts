import { describe, expect, it } from 'vitest';
import { createClientRegistry } from '../plugins';
import { callAt, completionPlace, docForCall, docForWord, docsAt } from './hydra-context';
import { hydraDocs } from './hydra-docs';

const docs = hydraDocs(createClientRegistry());

describe('completionPlace', () => {
  it('offers sources and globals at the top level and inside arguments', () => {
    expect(completionPlace('os')).toEqual({ kind: 'top' });
    expect(completionPlace('osc(10).blend(no')).toEqual({ kind: 'top' });
    expect(completionPlace('')).toEqual({ kind: 'top' });
  });

  it('offers chain methods after a dot, also on a new line', () => {
    expect(completionPlace('osc(10).')).toEqual({ kind: 'method' });
    expect(completionPlace('osc(10).kal')).toEqual({ kind: 'method' });
    expect(completionPlace('osc(10)\n  .')).toEqual({ kind: 'method' });
    expect(completionPlace('const c = osc()\nc.')).toEqual({ kind: 'method' });
  });

  it('offers members of object globals, nothing after numbers or JS objects', () => {
    expect(completionPlace('s0.')).toEqual({ kind: 'member', of: 's0' });
    expect(completionPlace('() => a.f')).toEqual({ kind: 'member', of: 'a' });
    expect(completionPlace('osc(10.')).toEqual({ kind: 'none' });
    expect(completionPlace('Math.')).toEqual({ kind: 'none' });
    expect(completionPlace('foo..')).toEqual({ kind: 'none' });
  });

  it('filters the docs by place', () => {
    const top = docsAt(docs, { kind: 'top' }).map((d) => d.name);
    expect(top).toEqual(expect.arrayContaining(['osc', 'noise', 'src', 'o0', 'time', 'render']));
    expect(top).not.toContain('kaleid');
    const methods = docsAt(docs, { kind: 'method' }).map((d) => d.name);
    expect(methods).toEqual(expect.arrayContaining(['kaleid', 'blend', 'out', 'modulate']));
    expect(methods).not.toContain('osc');
  });
});

describe('docForWord', () => {
  it('tells the a() method from the audio global by the dot', () => {
    expect(docForWord(docs, 'osc().', 'a')?.kind).toBe('method');
    expect(docForWord(docs, '() => ', 'a')?.kind).toBe('global');
    expect(docForWord(docs, '', 'osc')?.signature).toContain('frequency = 60');
    expect(docForWord(docs, '', 'kaleid')).toBeUndefined();
  });
});

describe('callAt', () => {
  it('finds the innermost open call and the argument index', () => {
    expect(callAt('osc(10, ')).toMatchObject({ name: 'osc', argument: 1 });
    expect(callAt('osc(10).blend(noise(3), ')).toMatchObject({ name: 'blend', argument: 1 });
    expect(callAt('osc(10).blend(noise(')).toMatchObject({ name: 'noise', argument: 0 });
    expect(callAt('osc([1, 2, 3], ')).toMatchObject({ name: 'osc', argument: 1 });
    expect(callAt('osc(10)')).toBeUndefined();
  });

  it('ignores brackets and commas in strings and comments', () => {
    expect(callAt("s0.initImage('a(b, c', ")).toMatchObject({ name: 'initImage', argument: 1 });
    expect(callAt('osc(1, // (x, y\n')).toMatchObject({ name: 'osc', argument: 1 });
    expect(callAt('setFunction({ name: ')).toBeUndefined();
  });

  it('maps the call to its doc', () => {
    expect(docForCall(docs, callAt('osc(10).kaleid(')!)?.signature).toBe('kaleid(nSides = 4)');
    expect(docForCall(docs, callAt('s0.initImage(')!)?.kind).toBe('member');
    expect(docForCall(docs, callAt('Math.sin(')!)).toBeUndefined();
  });
});
