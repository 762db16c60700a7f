import { parse, type Options, type Program } from 'acorn';
import { hasErrors, issue, type PatchIssue } from '../patch/issues';
import { PATCH_LIMITS, PATCH_VERSION, type Patch } from '../patch/schema';
import { validatePatch } from '../patch/validate';
import type { Registry } from '../plugin/registry';
import { instrument } from '../sandbox/instrument';
import { canonicalPatch } from './canonical';
import { codeForms } from './code-forms';
import { compilePatch } from './compile';
import { identify } from './code-ids';
import { layout } from './code-layout';
import { at, readProgram } from './code-read';

export interface CodeToPatchOptions {
  /**
   * The patch the code was generated from, or the one in the editor: nodes in the same place keep
   * its ids and positions, and its nodes that are not wired to an output are kept as they are.
   */
  hint?: Patch;
}

/** `ok: false` means the code cannot become a patch: keep the current one and show the issues. */
export type CodeToPatchResult = { ok: true; patch: Patch; issues: PatchIssue[] } | { ok: false; issues: PatchIssue[] };

/**
 * Turns Hydra code back into a patch (the inverse of `compilePatch`). Chains of Hydra functions
 * ending in `.out()` become nodes and edges, `render()` a render node, numbers and lists number
 * parameters, arrow functions that are what an lfo compiles to lfo nodes, and other arguments
 * expressions. A texture no node expresses becomes a code node and other statements script nodes,
 * so nothing is lost: compiling the result gives back the same program. The patch is in canonical
 * form (`canonicalPatch`). Comments outside script nodes and expressions are not kept.
 */
export function codeToPatch(code: string, registry: Registry, options: CodeToPatchOptions = {}): CodeToPatchResult {
  // The same check and message the sandbox gives when it runs the code.
  const checked = instrument(code, '__patchroomGuard');
  if (!checked.ok) return fail('syntax-error', checked.message, { line: checked.line, column: checked.column });
  const reserved = /[\uE000-\uE00F]/.exec(code);
  if (reserved) return fail('reserved-character', 'The code contains a character from U+E000–U+E00F, which patches cannot hold.', at(code, reserved.index));
  const forms = codeForms(registry);
  if (!forms.hasCodeNodes) return fail('code-nodes-missing', 'The hydra-core plugin with its code and script nodes is not loaded, so code cannot become a patch.');

  code = withoutHintSetup(code, parseProgram(code), registry, options.hint);
  const read = readProgram(code, parseProgram(code), forms, (type) => registry.node(type)?.outputs[0]?.id ?? '');
  if (read.issues.length > 0) return { ok: false, issues: read.issues };
  const { nodes, edges, roots, carried } = identify(read.statements, registry, options.hint);
  if (nodes.length > PATCH_LIMITS.nodes || edges.length > PATCH_LIMITS.edges) {
    return fail('too-many-nodes', `This code makes ${nodes.length} nodes and ${edges.length} edges; a patch holds at most ${PATCH_LIMITS.nodes} and ${PATCH_LIMITS.edges}.`);
  }
  layout(nodes, edges, roots);
  const draft: Patch = { version: PATCH_VERSION, nodes, edges };
  if (options.hint?.name !== undefined) draft.name = options.hint.name;
  const patch = canonicalPatch(draft, registry);

  // Problems in nodes carried over from the hint are the editor's already; only new ones stop the change.
  const issues = validatePatch(patch, registry);
  const ours = issues.filter((i) => !(i.node !== undefined && carried.includes(i.node)));
  return hasErrors(ours) ? { ok: false, issues } : { ok: true, patch, issues };
}

/**
 * Blanks the top-level statements that are the hint's own set-up lines (`s0.initVideo(…)` of its
 * video nodes): they belong to those nodes, which the hint keeps, and read as scripts they would
 * bind the source twice. Blanked with spaces, so every position in the code stays where it was.
 */
function withoutHintSetup(code: string, program: Program, registry: Registry, hint: Patch | undefined): string {
  if (!hint) return code;
  const setup = new Set(compilePatch(hint, registry).setup);
  if (setup.size === 0) return code;
  let result = code;
  for (const statement of program.body) {
    if (statement.type !== 'ExpressionStatement') continue;
    const text = code.slice(statement.start, statement.end).replace(/;\s*$/, '').trim();
    if (setup.has(text)) result = result.slice(0, statement.start) + code.slice(statement.start, statement.end).replace(/[^\n]/g, ' ') + result.slice(statement.end);
  }
  return result;
}

const OPTIONS: Options = { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, preserveParens: true };

/** Parses code that `instrument` accepted, with top-level await only when the code needs it (as the sandbox does). */
function parseProgram(code: string): Program {
  try {
    return parse(code, OPTIONS);
  } catch {
    return parse(code, { ...OPTIONS, allowAwaitOutsideFunction: true });
  }
}

function fail(code: string, message: string, where: { line: number; column: number } | Record<string, never> = {}): CodeToPatchResult {
  return { ok: false, issues: [issue(code, message, where)] };
}
