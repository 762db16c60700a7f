import { describe, expect, it } from 'vitest';
import { parsePatch, type ParseResult } from './parse';
import { PATCH_LIMITS, PATCH_VERSION } from './schema';

const patch = (extra: Record<string, unknown> = {}) => ({ version: PATCH_VERSION, nodes: [], edges: [], ...extra });
const withNode = (node: Record<string, unknown>) => patch({ nodes: [{ id: 'n1', type: 'hydra-core/osc', ...node }] });

function failure(result: ParseResult) {
  if (result.ok) throw new Error('expected the patch to be refused');
  return result.issues;
}
const codes = (result: ParseResult) => failure(result).map((i) => i.code);

describe('parsePatch: accepted input', () => {
  it('parses a JSON string into a patch with every kind of parameter value', () => {
    const source = JSON.stringify({
      version: 1,
      name: 'Ember',
      nodes: [
        { id: 'osc-1', type: 'hydra-core/osc', position: { x: 10, y: -20.5 }, params: { frequency: 20, sync: [0.1, 0.2], offset: { expr: '() => time' } } },
        { id: 'out_1', type: 'hydra-core/out', params: { output: 'o1' } },
      ],
      edges: [{ from: { node: 'osc-1', port: 'out' }, to: { node: 'out_1', port: 'in' } }],
    });
    const result = parsePatch(source);
    expect(result).toEqual({
      ok: true,
      migrated: [],
      patch: {
        version: 1,
        name: 'Ember',
        nodes: [
          { id: 'osc-1', type: 'hydra-core/osc', position: { x: 10, y: -20.5 }, params: { frequency: 20, sync: [0.1, 0.2], offset: { expr: '() => time' } } },
          { id: 'out_1', type: 'hydra-core/out', params: { output: 'o1' } },
        ],
        edges: [{ from: { node: 'osc-1', port: 'out' }, to: { node: 'out_1', port: 'in' } }],
      },
    });
  });

  it('accepts an already parsed object and drops fields it does not know', () => {
    const result = parsePatch({
      ...patch(),
      extra: 'ignored',
      nodes: [{ id: 'a', type: 't', junk: true }],
      edges: [{ from: { node: 'a', port: 'out', x: 1 }, to: { node: 'b', port: 'in' }, colour: 'red' }],
    });
    expect(result.ok && result.patch).toEqual({
      version: 1,
      nodes: [{ id: 'a', type: 't' }],
      edges: [{ from: { node: 'a', port: 'out' }, to: { node: 'b', port: 'in' } }],
    });
  });

  it('accepts exactly the limits', () => {
    const nodes = Array.from({ length: PATCH_LIMITS.nodes }, (_, i) => ({ id: `n${i}`, type: 't' }));
    expect(parsePatch(patch({ nodes })).ok).toBe(true);
    expect(parsePatch(withNode({ id: 'x'.repeat(PATCH_LIMITS.idLength) })).ok).toBe(true);
    expect(parsePatch(withNode({ params: { a: 't'.repeat(PATCH_LIMITS.textLength) } })).ok).toBe(true);
    expect(parsePatch(withNode({ params: { a: new Array(PATCH_LIMITS.arrayLength).fill(1) } })).ok).toBe(true);
    expect(parsePatch(patch({ name: 'n'.repeat(PATCH_LIMITS.nameLength) })).ok).toBe(true);
  });
});

describe('parsePatch: refused input', () => {
  it('refuses text that is not JSON, quoting the parser', () => {
    const issues = failure(parsePatch('{"version": 1, "nodes": ['));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'error', code: 'invalid-json' });
    expect(issues[0]!.message).toMatch(/^The file is not valid JSON: ./);
  });

  it.each([
    ['null', null],
    ['an array', [1, 2]],
    ['a number', 42],
    ['a JSON string of an array', '[]'],
    ['a JSON string of a string', '"patch"'],
    ['undefined', undefined],
  ])('refuses %s as not a patch', (_what, input) => {
    expect(codes(parsePatch(input))).toEqual(['not-a-patch']);
  });

  it('refuses a patch without a valid version', () => {
    expect(codes(parsePatch({ nodes: [], edges: [] }))).toEqual(['bad-version']);
    expect(codes(parsePatch(patch({ version: '1' })))).toEqual(['bad-version']);
    expect(codes(parsePatch(patch({ version: 0 })))).toEqual(['bad-version']);
    expect(codes(parsePatch(patch({ version: 1.5 })))).toEqual(['bad-version']);
  });

  it('refuses nodes or edges that are not arrays', () => {
    expect(failure(parsePatch(patch({ nodes: {} })))[0]!.message).toBe('"nodes" must be an array.');
    expect(failure(parsePatch(patch({ edges: 'none' })))[0]!.message).toBe('"edges" must be an array.');
  });

  it('refuses more nodes or edges than the caps, before looking at any of them', () => {
    const nodes = Array.from({ length: PATCH_LIMITS.nodes + 1 }, () => 'not even an object');
    expect(failure(parsePatch(patch({ nodes })))).toEqual([
      { severity: 'error', code: 'too-many-nodes', message: `A patch may hold at most ${PATCH_LIMITS.nodes} nodes.` },
    ]);
    const edges = new Array(PATCH_LIMITS.edges + 1).fill(null);
    expect(codes(parsePatch(patch({ edges })))).toEqual(['too-many-edges']);
  });

  it('refuses a name that is too long or not text', () => {
    expect(codes(parsePatch(patch({ name: 'n'.repeat(PATCH_LIMITS.nameLength + 1) })))).toEqual(['bad-name']);
    expect(codes(parsePatch(patch({ name: 7 })))).toEqual(['bad-name']);
  });

  it.each([
    ['empty', ''],
    ['with a space', 'a b'],
    ['with a dot', 'a.b'],
    ['with a slash', 'a/b'],
    ['too long', 'x'.repeat(PATCH_LIMITS.idLength + 1)],
    ['a number', 7],
    ['with a reserved character', 'a\uE000'],
  ])('refuses a node id that is %s', (_what, id) => {
    const issues = failure(parsePatch(withNode({ id })));
    expect(issues.map((i) => i.code)).toEqual(['bad-node-id']);
    expect(issues[0]!.message).toBe(`nodes[0].id must be 1–${PATCH_LIMITS.idLength} letters, digits, "_" or "-".`);
  });

  it('refuses a node that is not an object or has no type, naming where it is', () => {
    const issues = failure(parsePatch(patch({ nodes: [{ id: 'ok', type: 't' }, 'x', { id: 'n2' }, { id: 'n3', type: 't'.repeat(129) }] })));
    expect(issues.map((i) => [i.code, i.message])).toEqual([
      ['bad-node', 'nodes[1] must be an object.'],
      ['bad-node-type', 'Node "n2" has no valid "type".'],
      ['bad-node-type', 'Node "n3" has no valid "type".'],
    ]);
  });

  it('refuses edges with bad ids, naming the edge', () => {
    const bad = [
      { from: { node: 'a', port: 'out' } },
      { from: { node: 'a b', port: 'out' }, to: { node: 'b', port: 'in' } },
      { from: { node: 'a', port: 'o\uE001' }, to: { node: 'b', port: 'in' } },
      { from: 'a.out', to: 'b.in' },
    ];
    const issues = failure(parsePatch(patch({ edges: bad })));
    expect(issues.map((i) => i.code)).toEqual(['bad-edge', 'bad-edge', 'bad-edge', 'bad-edge']);
    expect(issues.map((i) => i.message.slice(0, 9))).toEqual(['edges[0] ', 'edges[1] ', 'edges[2] ', 'edges[3] ']);
  });

  it('refuses a position that is not two finite numbers', () => {
    for (const position of [{ x: 1 }, { x: '1', y: 2 }, [1, 2], { x: 1, y: Number.NaN }]) {
      expect(codes(parsePatch(withNode({ position })))).toEqual(['bad-position']);
    }
  });

  it('refuses params that are not an object, or too many of them', () => {
    expect(codes(parsePatch(withNode({ params: [1] })))).toEqual(['bad-params']);
    const many = Object.fromEntries(Array.from({ length: PATCH_LIMITS.paramsPerNode + 1 }, (_, i) => [`p${i}`, i]));
    expect(codes(parsePatch(withNode({ params: many })))).toEqual(['bad-params']);
  });

  it.each([
    ['a non-finite number', Number.POSITIVE_INFINITY, 'must be a finite number'],
    ['NaN', Number.NaN, 'must be a finite number'],
    ['an over-long string', 's'.repeat(PATCH_LIMITS.textLength + 1), `is longer than ${PATCH_LIMITS.textLength} characters`],
    ['a string with a reserved character', 'o0\uE002', 'contains reserved characters'],
    ['the last reserved character', 'a\uE00F', 'contains reserved characters'],
    ['an empty array', [], `must hold 1–${PATCH_LIMITS.arrayLength} numbers`],
    ['an over-long array', new Array(PATCH_LIMITS.arrayLength + 1).fill(0), `must hold 1–${PATCH_LIMITS.arrayLength} numbers`],
    ['an array with a string', [1, '2'], 'must hold only finite numbers'],
    ['an array with null', [1, null], 'must hold only finite numbers'],
    ['an expression with extra keys', { expr: '1', evil: true }, 'must be {"expr": "..."} with nothing else'],
    ['an empty expression', { expr: '   ' }, 'has an empty expression'],
    ['an over-long expression', { expr: '1'.repeat(PATCH_LIMITS.exprLength + 1) }, `has an expression longer than ${PATCH_LIMITS.exprLength} characters`],
    ['an expression with a reserved character', { expr: 'time\uE000n1\uE001' }, 'contains reserved characters'],
    ['an object without expr', { value: 1 }, 'must be a number, a list of numbers, a string or {"expr": "..."}'],
    ['an expr that is not text', { expr: 1 }, 'must be a number, a list of numbers, a string or {"expr": "..."}'],
    ['a boolean', true, 'must be a number, a list of numbers, a string or {"expr": "..."}'],
    ['null', null, 'must be a number, a list of numbers, a string or {"expr": "..."}'],
  ])('refuses a parameter value that is %s', (_what, value, problem) => {
    const issues = failure(parsePatch(withNode({ params: { amount: value } })));
    expect(issues).toEqual([
      { severity: 'error', code: 'bad-param', message: `Parameter "amount" of node "n1" ${problem}.`, node: 'n1', port: 'amount' },
    ]);
  });

  it('accepts private-use characters just outside the reserved range', () => {
    expect(parsePatch(withNode({ params: { a: '\uE010', b: { expr: '"\uDFFF\uE010"' } } })).ok).toBe(true);
  });

  it('refuses a "__proto__" parameter instead of letting it replace the prototype of params', () => {
    const result = parsePatch('{"version":1,"nodes":[{"id":"n1","type":"t","params":{"__proto__":{"expr":"evil()"},"a":1}}],"edges":[]}');
    expect(codes(result)).toEqual(['bad-param']);
  });

  it('refuses parameter names that no node could declare', () => {
    expect(codes(parsePatch(withNode({ params: { 'a b': 1 } })))).toEqual(['bad-param']);
    expect(codes(parsePatch(withNode({ params: { ['k'.repeat(PATCH_LIMITS.idLength + 1)]: 1 } })))).toEqual(['bad-param']);
  });

  it('reports every bad node and edge at once', () => {
    const result = parsePatch(
      patch({
        nodes: [{ id: 'a', type: 't', params: { x: Number.NaN } }, { id: 'b c', type: 't' }],
        edges: [{ from: { node: 'a' }, to: { node: 'b', port: 'in' } }],
      }),
    );
    expect(codes(result)).toEqual(['bad-param', 'bad-node-id', 'bad-edge']);
  });
});

describe('parsePatch: versions', () => {
  it('refuses a patch from a newer Patchroom with a message saying to update', () => {
    const issues = failure(parsePatch(patch({ version: PATCH_VERSION + 1 })));
    expect(issues[0]!.code).toBe('newer-version');
    expect(issues[0]!.message).toContain(`format ${PATCH_VERSION + 1}`);
    expect(issues[0]!.message).toContain('Update Patchroom');
  });
});
