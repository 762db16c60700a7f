import { parse, type Node, type Options } from 'acorn';
import { base, recursive, simple } from 'acorn-walk';

export interface InstrumentedCode {
  ok: true;
  code: string;
  /** True when the code uses `await` at top level and must run as an async function. */
  async: boolean;
}

export interface CodeSyntaxError {
  ok: false;
  message: string;
  line: number;
  column: number;
}

const BASE: Options = { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, locations: true };

/**
 * Checks the syntax of untrusted code and inserts a call to `guard(line)` at the top of every loop
 * body, so a loop that runs away can be stopped with an error at its line instead of freezing the
 * renderer. Insertions never add line breaks: line numbers in errors stay those of the user's code.
 */
export function instrument(code: string, guard: string): InstrumentedCode | CodeSyntaxError {
  let ast: Node;
  let isAsync = false;
  try {
    ast = parse(code, BASE);
    // `await (x)` also parses as a call to a function named `await`: look again with top-level await allowed.
    if (/\bawait\b/.test(code)) {
      try {
        const awaiting = parse(code, { ...BASE, allowAwaitOutsideFunction: true });
        if (hasTopLevelAwait(awaiting)) {
          ast = awaiting;
          isAsync = true;
        }
      } catch {
        // `await` is an ordinary identifier in this code
      }
    }
  } catch (first) {
    try {
      ast = parse(code, { ...BASE, allowAwaitOutsideFunction: true });
      isAsync = true;
    } catch {
      return syntaxError(first);
    }
  }

  const inserts: Array<{ at: number; text: string }> = [];
  const guardBody = (body: Node & { loc?: { start: { line: number } } | null }, loopLine: number) => {
    if (body.type === 'BlockStatement') {
      inserts.push({ at: body.start + 1, text: `${guard}(${loopLine});` });
    } else {
      inserts.push({ at: body.start, text: `{${guard}(${loopLine});` });
      inserts.push({ at: body.end, text: '}' });
    }
  };
  const loop = (node: Node & { body: Node; loc?: { start: { line: number } } | null }) => guardBody(node.body, node.loc?.start.line ?? 0);
  simple(ast, {
    ForStatement: loop as never,
    ForInStatement: loop as never,
    ForOfStatement: loop as never,
    WhileStatement: loop as never,
    DoWhileStatement: loop as never,
  });

  inserts.sort((a, b) => b.at - a.at);
  let out = code;
  for (const { at, text } of inserts) out = out.slice(0, at) + text + out.slice(at);
  return { ok: true, code: out, async: isAsync };
}

/** Whether code parsed with top-level await allowed awaits at top level and never uses `await` as a name. */
function hasTopLevelAwait(ast: Node): boolean {
  let found = false;
  let named = false;
  const name = (node: Node) => {
    if ((node as { name?: string }).name === 'await') named = true;
  };
  type Visit = (node: Node, state: unknown, c: (node: Node, state: unknown, override?: string) => void) => void;
  const walk = base as unknown as Record<string, Visit>;
  const visitors: Record<string, Visit> = {
    // await inside a function is that function's business
    Function(node) {
      const id = (node as { id?: Node | null }).id;
      if (id) name(id);
    },
    Identifier: name,
    VariablePattern: name, // acorn-walk visits declared names under this pseudo-type
    AwaitExpression(node, state, c) {
      found = true;
      walk.AwaitExpression!(node, state, c);
    },
    ForOfStatement(node, state, c) {
      if ((node as { await?: boolean }).await) found = true;
      walk.ForOfStatement!(node, state, c);
    },
  };
  recursive(ast, undefined, visitors as never, base);
  return found && !named;
}

function syntaxError(error: unknown): CodeSyntaxError {
  const e = error as { message?: string; loc?: { line: number; column: number } };
  const message = (e.message ?? 'Syntax error').replace(/\s*\(\d+:\d+\)\s*$/, '');
  return { ok: false, message: `Syntax error: ${message}`, line: e.loc?.line ?? 1, column: (e.loc?.column ?? 0) + 1 };
}
