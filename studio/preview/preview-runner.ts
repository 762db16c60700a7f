import { patchToProgram } from '../../runtime/compiler/compile';
import type { Program } from '../../runtime/compiler/program';
import { Executor } from '../../runtime/executor/executor';
import { FALLBACK_PROGRAM } from '../../runtime/executor/fallback';
import type { Patch } from '../../runtime/patch/schema';
import type { Registry } from '../../runtime/plugin/registry';
import type { Telemetry } from '../../runtime/telemetry/events';
import { clientPlugins } from '../plugin-views';
import type { RunStore } from '../state/run-store';
import { upstreamPatch } from './subgraph';

const SANDBOX_URL = '/sandbox/frame.html';

/**
 * The studio's preview: the same runtime as /play (one sandboxed renderer for the session), fed
 * with the patch's compiled program on every change, or with code on Ctrl+Enter. Live edits keep
 * the outputs' feedback (no clearing); errors go to the run store, where the node, the code line
 * and the status bar pick them up.
 */
export function createPreviewRunner(container: HTMLElement, registry: Registry, telemetry: Telemetry, run: RunStore) {
  const executor = new Executor({ container, sandboxUrl: SANDBOX_URL, fallback: FALLBACK_PROGRAM, telemetry });
  let wanted: Program | undefined;

  executor.on((event) => {
    if (event.type === 'state') run.setState({ status: event.state });
    else if (event.type === 'error') {
      // Errors of a program we no longer want (a newer edit already replaced it) are old news.
      if (event.program === wanted || event.phase !== 'apply') run.setState({ error: { ...event.error, phase: event.phase } });
    } else if (event.type === 'applied' && event.program === wanted) run.setState({ error: undefined });
    else if (event.type === 'fatal') run.setState({ error: { kind: 'invalid', message: event.message, phase: 'apply' } });
    for (const plugin of clientPlugins) {
      try {
        plugin.onExecutorEvent?.(event);
      } catch {
        // a plugin's view state must not break the preview
      }
    }
  });

  function apply(program: Program) {
    wanted = program;
    run.setState({ code: program.code });
    return executor.apply(program, { clear: false });
  }

  return {
    executor,
    /** Compiles and plays a patch; returns false (and reports why) when it cannot compile. */
    playPatch(patch: Patch, name = 'Patch'): boolean {
      const compiled = patchToProgram(patch, registry, { name, presetId: 'studio' });
      run.setState({ issues: compiled.issues });
      if (!compiled.ok) {
        const first = compiled.issues.find((i) => i.severity === 'error');
        run.setState({ error: first ? { kind: 'invalid', message: first.message, ...(first.node ? { node: first.node } : {}), phase: 'compile' } : undefined });
        return false;
      }
      void apply(compiled.program);
      return true;
    },
    playCode(code: string, name = 'Code') {
      run.setState({ issues: [] });
      return apply({ code, name, presetId: 'studio' });
    },
    dispose: () => executor.dispose(),
  };
}

/**
 * The small live picture of the selected node: a second renderer playing that node's upstream
 * graph. It starts when a node is first selected, not with the studio.
 */
export function createThumbnailRunner(container: HTMLElement, registry: Registry, telemetry: Telemetry) {
  let executor: Executor | undefined;
  let last = '';
  return {
    show(patch: Patch, nodeId: string | undefined): boolean {
      const sub = nodeId ? upstreamPatch(patch, nodeId, registry) : undefined;
      const compiled = sub && patchToProgram(sub, registry, { name: `Node ${nodeId}` });
      if (!compiled?.ok) return false;
      if (compiled.program.code !== last) {
        last = compiled.program.code;
        executor ??= new Executor({ container, sandboxUrl: SANDBOX_URL, fallback: { code: 'solid(0, 0, 0, 1).out()', name: 'Nothing' }, telemetry });
        void executor.apply(compiled.program, { clear: false });
      }
      return true;
    },
    dispose: () => executor?.dispose(),
  };
}
