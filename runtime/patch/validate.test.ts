import { describe, expect, it } from 'vitest';
import { hydraCore } from '../../plugins/hydra-core/manifest';
import { createRegistry } from '../plugin/registry';
import type { PatchIssue } from './issues';
import { expressionProblem, findCycle, validatePatch } from './validate';
import type { Patch, PatchEdge, PatchNode } from './schema';

const registry = () => createRegistry([hydraCore]);
const n = (id: string, type: string, params?: PatchNode['params']): PatchNode => ({ id, type: `hydra-core/${type}`, ...(params ? { params } : {}) });
const e = (from: string, fromPort: string, to: string, toPort: string): PatchEdge => ({ from: { node: from, port: fromPort }, to: { node: to, port: toPort } });
const patch = (nodes: PatchNode[], edges: PatchEdge[] = []): Patch => ({ version: 1, nodes, edges });
const errors = (issues: PatchIssue[]) => issues.filter((i) => i.severity === 'error');

describe('validatePatch with hydra-core', () => {
  it('finds nothing wrong with a well-formed chain', () => {
    const p = patch(
      [n('a', 'osc', { frequency: 20, sync: [0.1, 0.2], offset: { expr: '() => Math.sin(time)' } }), n('b', 'kaleid'), n('c', 'out', { output: 'o1' }), n('l', 'lfo')],
      [e('a', 'out', 'b', 'in'), e('b', 'out', 'c', 'in'), e('l', 'value', 'b', 'nSides')],
    );
    expect(validatePatch(p, registry())).toEqual([]);
  });

  it('reports an unknown node type, naming node and type', () => {
    const issues = validatePatch(patch([{ id: 'x', type: 'hydra-core/nope' }]), registry());
    expect(issues).toEqual([
      { severity: 'error', code: 'unknown-node-type', message: 'Node "x" has type "hydra-core/nope", but no loaded plugin provides it.', node: 'x' },
    ]);
  });

  it('says a node type is unknown because its plugin was disabled, with the reason', () => {
    const reg = registry();
    reg.disable('hydra-core', 'osc threw');
    const [first] = validatePatch(patch([n('a', 'osc')]), reg);
    expect(first?.message).toBe('Node "a" has type "hydra-core/osc", but its plugin "hydra-core" is disabled (osc threw).');
  });

  it('reports two nodes with the same id', () => {
    const issues = validatePatch(patch([n('a', 'osc'), n('a', 'noise')]), registry());
    expect(issues).toEqual([{ severity: 'error', code: 'duplicate-node-id', message: 'Two nodes share the id "a".', node: 'a' }]);
  });

  it('reports an edge to a missing node', () => {
    const issues = validatePatch(patch([n('a', 'osc')], [e('a', 'out', 'ghost', 'in')]), registry());
    expect(issues).toEqual([
      { severity: 'error', code: 'edge-missing-node', message: 'Edge a.out → ghost.in refers to node "ghost", which does not exist.', node: 'ghost' },
    ]);
  });

  it('reports an unknown output or input port, naming node and port', () => {
    const outIssues = validatePatch(patch([n('a', 'osc'), n('b', 'out')], [e('a', 'value', 'b', 'in')]), registry());
    expect(outIssues).toEqual([
      { severity: 'error', code: 'unknown-port', message: 'Node "a" (hydra-core/osc) has no output "value".', node: 'a', port: 'value' },
    ]);
    const inIssues = validatePatch(patch([n('a', 'osc'), n('b', 'kaleid')], [e('a', 'out', 'b', 'texture')]), registry());
    expect(inIssues).toEqual([
      { severity: 'error', code: 'unknown-port', message: 'Node "b" (hydra-core/kaleid) has no input "texture".', node: 'b', port: 'texture' },
    ]);
  });

  it('refuses a texture output into a number input (osc.frequency), naming both types', () => {
    const issues = validatePatch(patch([n('a', 'noise'), n('b', 'osc')], [e('a', 'out', 'b', 'frequency')]), registry());
    expect(issues).toEqual([
      {
        severity: 'error',
        code: 'port-type-mismatch',
        message: 'Cannot connect a.out → b.frequency: "out" gives a texture, "frequency" takes a number.',
        node: 'b',
        port: 'frequency',
      },
    ]);
  });

  it('refuses a number output (lfo) into a texture input', () => {
    const issues = validatePatch(patch([n('l', 'lfo'), n('b', 'kaleid')], [e('l', 'value', 'b', 'in')]), registry());
    expect(issues.map((i) => i.code)).toEqual(['port-type-mismatch']);
  });

  it('refuses a second edge into one input', () => {
    const p = patch([n('a', 'osc'), n('b', 'noise'), n('c', 'out')], [e('a', 'out', 'c', 'in'), e('b', 'out', 'c', 'in')]);
    expect(validatePatch(p, registry())).toEqual([
      { severity: 'error', code: 'input-taken', message: 'Input "in" of node "c" has more than one edge.', node: 'c', port: 'in' },
    ]);
  });

  it('allows one output to feed several inputs', () => {
    const p = patch([n('a', 'osc'), n('b', 'blend'), n('c', 'out')], [e('a', 'out', 'b', 'in'), e('a', 'out', 'b', 'texture'), e('b', 'out', 'c', 'in')]);
    expect(validatePatch(p, registry())).toEqual([]);
  });

  it('reports a cycle, naming every node on it in edge order', () => {
    const p = patch(
      [n('src', 'osc'), n('a', 'blend'), n('b', 'kaleid'), n('c', 'rotate'), n('out', 'out')],
      [e('src', 'out', 'a', 'in'), e('a', 'out', 'b', 'in'), e('b', 'out', 'c', 'in'), e('c', 'out', 'a', 'texture'), e('c', 'out', 'out', 'in')],
    );
    const issues = validatePatch(p, registry());
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'error', code: 'cycle', node: 'a', nodes: ['a', 'b', 'c'] });
    expect(issues[0]!.message).toBe('These nodes form a cycle: a → b → c → a. Use src(o0…o3) for feedback instead of an edge.');
  });

  it('reports a node wired into itself as a cycle', () => {
    const issues = validatePatch(patch([n('a', 'modulate')], [e('a', 'out', 'a', 'texture')]), registry());
    expect(issues.map((i) => [i.code, i.nodes])).toEqual([['cycle', ['a']]]);
  });

  it('refuses a choice value that is not one of the options, listing them', () => {
    const issues = validatePatch(patch([n('a', 'src', { tex: 'o9' })]), registry());
    expect(issues).toEqual([
      {
        severity: 'error',
        code: 'bad-param',
        message: 'Parameter "tex" of node "a" must be one of o0, o1, o2, o3.',
        node: 'a',
        port: 'tex',
      },
    ]);
  });

  it('refuses text for a number parameter and a number for a choice', () => {
    const issues = validatePatch(patch([n('a', 'osc', { frequency: '60' }), n('b', 'out', { output: 1 })]), registry());
    expect(issues.map((i) => [i.node, i.port, i.message])).toEqual([
      ['a', 'frequency', 'Parameter "frequency" of node "a" must be a number, a list of numbers or an expression.'],
      ['b', 'output', 'Parameter "output" of node "b" must be text.'],
    ]);
  });

  it('refuses an expression that smuggles statements after itself', () => {
    const issues = validatePatch(patch([n('a', 'osc', { frequency: { expr: '1); evil(' } })]), registry());
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'bad-param', node: 'a', port: 'frequency' });
    expect(issues[0]!.message).toBe('Parameter "frequency" of node "a" has text after its expression: "); evil(".');
  });

  it('refuses an expression that does not parse, quoting the parser', () => {
    const [first] = validatePatch(patch([n('a', 'osc', { frequency: { expr: '() => {' } })]), registry());
    expect(first?.message).toMatch(/^Parameter "frequency" of node "a" is not a valid expression: /);
  });

  it('reports an unknown parameter as a warning only', () => {
    const issues = validatePatch(patch([n('a', 'osc', { speed: 3 })]), registry());
    expect(issues).toEqual([
      {
        severity: 'warning',
        code: 'unknown-param',
        message: 'Node "a" (hydra-core/osc) has no parameter "speed"; it is ignored.',
        node: 'a',
        port: 'speed',
      },
    ]);
    expect(errors(issues)).toEqual([]);
  });
});

describe('expressionProblem', () => {
  it.each(['1', '() => Math.sin(time) * 2', 'a.fft[0]', '[1, 2, 3].fast(2)', '(() => { for (;;) {} })', '`x${1}`', ' 1 '])('accepts %s', (source) => {
    expect(expressionProblem(source)).toBeUndefined();
  });

  it.each(['1; 2', '1) + (2', '1 // comment', 'a = 1; b', '1\n2', 'return 1', 'var x = 1'])('refuses %j', (source) => {
    expect(expressionProblem(source)).toBeDefined();
  });

  it('refuses a comma list, which would become several arguments of the call it is placed in', () => {
    expect(expressionProblem('1, evil()')).toMatch(/single expression/);
    expect(expressionProblem('() => 1, 2')).toMatch(/single expression/);
    expect(expressionProblem('(1, 2)')).toBeUndefined();
  });
});

describe('findCycle', () => {
  it('returns undefined for a DAG with shared branches', () => {
    const edges = [e('a', 'o', 'b', 'i'), e('a', 'o', 'c', 'i'), e('b', 'o', 'd', 'i'), e('c', 'o', 'd', 'j')];
    expect(findCycle(['a', 'b', 'c', 'd'], edges)).toBeUndefined();
  });

  it('finds a cycle not reachable from the first node', () => {
    const edges = [e('a', 'o', 'b', 'i'), e('x', 'o', 'y', 'i'), e('y', 'o', 'z', 'i'), e('z', 'o', 'x', 'i')];
    expect(findCycle(['a', 'b', 'x', 'y', 'z'], edges)).toEqual(['x', 'y', 'z']);
  });

  it('handles a chain of 10,000 nodes without overflowing the stack, and finds the cycle closing it', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `n${i}`);
    const chain = ids.slice(1).map((id, i) => e(ids[i]!, 'out', id, 'in'));
    expect(findCycle(ids, chain)).toBeUndefined();
    const cycle = findCycle(ids, [...chain, e('n9999', 'out', 'n5000', 'in')]);
    expect(cycle).toHaveLength(5000);
    expect(cycle![0]).toBe('n5000');
    expect(cycle!.at(-1)).toBe('n9999');
  });

  it('validatePatch also copes with a deep chain', () => {
    const nodes = [n('n0', 'osc'), ...Array.from({ length: 1999 }, (_, i) => n(`n${i + 1}`, 'rotate'))];
    const edges = nodes.slice(1).map((node, i) => e(nodes[i]!.id, 'out', node.id, 'in'));
    expect(validatePatch(patch(nodes, edges), registry())).toEqual([]);
  });
});

describe('expressionProblem: parentheses', () => {
  it.each(['(1)', '(() => time)', ' (time) ', '((a) => a)(2)'])('accepts the fully parenthesised expression %j', (source) => {
    expect(expressionProblem(source)).toBeUndefined();
  });
});
