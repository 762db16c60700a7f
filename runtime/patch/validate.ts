import { parseExpressionAt } from 'acorn';
import type { Registry } from '../plugin/registry';
import type { ParamDefinition } from '../plugin/types';
import { issue, warning, type PatchIssue } from './issues';
import { isExpr, type ParamValue, type Patch, type PatchEdge } from './schema';

/**
 * Checks a parsed patch against the loaded plugins. Every issue names the node and, where there is
 * one, the port or parameter: unknown node types, bad parameter values, edges to missing ports,
 * port type mismatches, two edges into one input, and cycles (with the nodes on the cycle).
 */
export function validatePatch(patch: Patch, registry: Registry): PatchIssue[] {
  const issues: PatchIssue[] = [];
  const ids = new Set<string>();
  for (const node of patch.nodes) {
    if (ids.has(node.id)) issues.push(issue('duplicate-node-id', `Two nodes share the id "${node.id}".`, { node: node.id }));
    ids.add(node.id);
    const def = registry.node(node.type);
    if (!def) {
      const plugin = registry.pluginOf(node.type);
      const why = plugin && registry.disabled().has(plugin)
        ? `its plugin "${plugin}" is disabled (${registry.disabled().get(plugin)})`
        : 'no loaded plugin provides it';
      issues.push(issue('unknown-node-type', `Node "${node.id}" has type "${node.type}", but ${why}.`, { node: node.id }));
      continue;
    }
    const defs = new Map(def.params.map((p) => [p.id, p]));
    for (const [key, value] of Object.entries(node.params ?? {})) {
      const paramDef = defs.get(key);
      if (!paramDef) {
        issues.push(warning('unknown-param', `Node "${node.id}" (${node.type}) has no parameter "${key}"; it is ignored.`, { node: node.id, port: key }));
        continue;
      }
      const problem = paramValueProblem(paramDef, value);
      if (problem) issues.push(issue('bad-param', `Parameter "${key}" of node "${node.id}" ${problem}.`, { node: node.id, port: key }));
    }
  }

  const byId = new Map(patch.nodes.map((n) => [n.id, n]));
  const taken = new Map<string, PatchEdge>();
  const valid: PatchEdge[] = [];
  for (const edge of patch.edges) {
    const from = byId.get(edge.from.node);
    const to = byId.get(edge.to.node);
    const label = `${edge.from.node}.${edge.from.port} → ${edge.to.node}.${edge.to.port}`;
    if (!from || !to) {
      const missing = from ? edge.to.node : edge.from.node;
      issues.push(issue('edge-missing-node', `Edge ${label} refers to node "${missing}", which does not exist.`, { node: missing }));
      continue;
    }
    const fromDef = registry.node(from.type);
    const toDef = registry.node(to.type);
    if (!fromDef || !toDef) continue; // already reported as unknown type
    const out = fromDef.outputs.find((p) => p.id === edge.from.port);
    if (!out) {
      issues.push(issue('unknown-port', `Node "${from.id}" (${from.type}) has no output "${edge.from.port}".`, { node: from.id, port: edge.from.port }));
      continue;
    }
    const input = registry.inputPorts(to.type).find((p) => p.id === edge.to.port);
    if (!input) {
      issues.push(issue('unknown-port', `Node "${to.id}" (${to.type}) has no input "${edge.to.port}".`, { node: to.id, port: edge.to.port }));
      continue;
    }
    if (out.type !== input.type) {
      issues.push(
        issue('port-type-mismatch', `Cannot connect ${label}: "${edge.from.port}" gives a ${out.type}, "${edge.to.port}" takes a ${input.type}.`, {
          node: to.id,
          port: edge.to.port,
        }),
      );
      continue;
    }
    const key = `${to.id}\u0000${edge.to.port}`;
    if (taken.has(key)) {
      issues.push(issue('input-taken', `Input "${edge.to.port}" of node "${to.id}" has more than one edge.`, { node: to.id, port: edge.to.port }));
      continue;
    }
    taken.set(key, edge);
    valid.push(edge);
  }

  const cycle = findCycle(patch.nodes.map((n) => n.id), valid);
  if (cycle) {
    issues.push(
      issue('cycle', `These nodes form a cycle: ${cycle.join(' → ')} → ${cycle[0]}. Use src(o0…o3) for feedback instead of an edge.`, {
        node: cycle[0],
        nodes: cycle,
      }),
    );
  }
  return issues;
}

function paramValueProblem(def: ParamDefinition, value: ParamValue): string | undefined {
  if (def.type === 'number') {
    if (typeof value === 'number' || Array.isArray(value)) return undefined;
    if (isExpr(value)) return expressionProblem(value.expr);
    return 'must be a number, a list of numbers or an expression';
  }
  if (typeof value !== 'string') return 'must be text';
  if (def.type === 'choice' && !def.options.includes(value)) return `must be one of ${def.options.join(', ')}`;
  if (def.type === 'text' && value.length > def.maxLength) return `is longer than ${def.maxLength} characters`;
  return undefined;
}

/** An expression must parse as exactly one JavaScript expression (no statements smuggled after it). */
export function expressionProblem(source: string): string | undefined {
  try {
    // preserveParens: otherwise `(1)` parses as the literal inside and the closing ")" looks like extra text.
    const node = parseExpressionAt(source, 0, { ecmaVersion: 'latest', preserveParens: true });
    if (source.slice(node.end).trim() !== '') return `has text after its expression: "${source.slice(node.end).trim().slice(0, 40)}"`;
    // `1, 2` is one expression, but placed in a call (`osc(1, 2)`) it becomes two arguments.
    if (node.type === 'SequenceExpression') return 'must be a single expression, not a comma-separated list (wrap it in parentheses)';
    return undefined;
  } catch (error) {
    return `is not a valid expression: ${(error as Error).message}`;
  }
}

/** Returns the nodes of one cycle in edge order, or undefined. Iterative, so deep graphs cannot overflow the stack. */
export function findCycle(nodeIds: readonly string[], edges: readonly PatchEdge[]): string[] | undefined {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    const list = next.get(e.from.node) ?? [];
    list.push(e.to.node);
    next.set(e.from.node, list);
  }
  const state = new Map<string, 1 | 2>(); // 1 = on the current path, 2 = done
  for (const start of nodeIds) {
    if (state.has(start)) continue;
    const path: string[] = [];
    const stack: Array<{ id: string; i: number }> = [{ id: start, i: 0 }];
    state.set(start, 1);
    path.push(start);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const targets = next.get(top.id) ?? [];
      if (top.i < targets.length) {
        const to = targets[top.i++]!;
        const s = state.get(to);
        if (s === 1) return path.slice(path.indexOf(to));
        if (s === undefined) {
          state.set(to, 1);
          path.push(to);
          stack.push({ id: to, i: 0 });
        }
      } else {
        state.set(top.id, 2);
        path.pop();
        stack.pop();
      }
    }
  }
  return undefined;
}
