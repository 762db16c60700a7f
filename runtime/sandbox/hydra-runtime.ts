import Hydra from 'hydra-synth';
import { checkArgs, type HydraInput } from './arg-guards';
import { describe } from './error-location';
import type { ProgramScope } from './program-scope';
import { installScopedSources, type HydraSourceLike } from './scoped-sources';
import type { VideoBindings } from './scoped-video';
import { createShaderCheck } from './shader-check';
import { createSilentAudio } from './silent-audio';

// hydra-synth is untyped JavaScript: `any` below is where its objects are handled.

export interface Staged {
  passes: Array<{ frag: string; uniforms: Record<string, unknown> }>;
  /** Created at the `.out()` call: its stack holds the user's line. */
  site: Error;
  /** hush(): the output is cleared, then not drawn any more. */
  blank?: boolean;
}

export class ShaderError extends Error {
  constructor(message: string) {
    super(`Shader did not compile: ${message}`);
    this.name = 'ShaderError';
  }
}

/** Names user code may not give to setFunction: they would replace hydra's own chain machinery. */
const RESERVED_FUNCTIONS = new Set(['out', 'glsl', 'compile', 'addTransform', 'constructor', 'render', 'src']);
const SET_FUNCTION_TYPES = new Set(['src', 'coord', 'color', 'combine', 'combineCoord']);
const MAX_RESOLUTION = 4096;
/** Globals hydra keeps updating itself; restoring them from a baseline would be wrong. */
const LIVE_GLOBALS = new Set(['time', 'width', 'height', 'stats', 'fps', 'speed', 'bpm', 'update', 'afterUpdate', 'mouse']);

/**
 * One hydra-synth instance on the renderer's OffscreenCanvas, with every entry point user code can
 * reach checked or scoped: function arguments validated, value functions guarded, `.out()` staged
 * so a program takes effect only when all of it succeeded, shaders checked before regl sees them,
 * sources and timers owned by the program that made them, and the function table restorable.
 */
export function createHydraRuntime(options: {
  canvas: OffscreenCanvas;
  /** A context already created on `canvas` (Firefox will not hand it out a second time). */
  gl?: WebGLRenderingContext | null;
  width: number;
  height: number;
  scope: () => ProgramScope | undefined;
  notice: (message: string) => void;
  /** Where `s0.initVideo()` gets its frames (the iframe); without it initVideo says it is unavailable. */
  videos?: VideoBindings;
}) {
  const g = globalThis as any;
  if (options.gl) {
    const early = options.gl;
    // regl asks the canvas for its context: give it the one that exists.
    Object.defineProperty(options.canvas, 'getContext', { value: (type: string) => (type === 'webgl' ? early : null), configurable: true });
  }
  const hydra = new Hydra({
    canvas: options.canvas,
    width: options.width,
    height: options.height,
    makeGlobal: true,
    detectAudio: false,
    enableStreamCapture: false,
    autoLoop: false,
  }) as any;
  const gl = hydra.regl._gl as WebGLRenderingContext;
  const generator = hydra.generator;
  const proto = generator.sourceClass.prototype;
  const synth = hydra.synth;
  const outputs: any[] = hydra.o;
  const checkShader = createShaderCheck(gl);
  const originalRender = synth.render;
  const originalSetFunction = synth.setFunction;
  const originalSolid = generator.generators.solid;

  let staging: Map<any, Staged> | null = null;

  const setGlobal = (name: string, value: unknown) => {
    synth[name] = value;
    g[name] = value;
  };

  const fail = (error: unknown, site: Error) => options.scope()?.fail(error, site);

  // Every hydra function: arguments checked where they are passed, value functions guarded.
  const wrapFunction = (name: string) => {
    const transform = generator.glslTransforms[name];
    if (!transform) return;
    const inputs = transform.inputs as HydraInput[];
    if (transform.type === 'src') {
      const original = generator.generators[name];
      const wrapped = (...args: unknown[]) => original(...checkArgs(name, inputs, args, fail));
      generator.generators[name] = wrapped;
      setGlobal(name, wrapped);
    } else {
      const original = proto[name];
      proto[name] = function (this: unknown, ...args: unknown[]) {
        return original.apply(this, checkArgs(name, inputs, args, fail));
      };
    }
  };
  Object.keys(generator.glslTransforms).forEach(wrapFunction);

  proto.out = function (this: any, output?: unknown) {
    const target = output ?? outputs[0];
    if (!outputs.includes(target)) throw new TypeError(`.out() takes an output: o0, o1, o2 or o3; got ${describe(output)}.`);
    const staged: Staged = { passes: this.glsl(target), site: new Error() };
    if (staging) {
      staging.set(target, staged);
      return;
    }
    // Outside an apply (a timer, update()): take effect now if it compiles.
    const error = commit(target, staged.passes);
    if (error) fail(error, staged.site);
  };

  setGlobal('render', (output?: unknown) => {
    if (output !== undefined && !outputs.includes(output)) throw new TypeError(`render() takes o0, o1, o2 or o3, or nothing for all four; got ${describe(output)}.`);
    originalRender(output);
  });

  setGlobal('setFunction', (definition: any) => {
    checkFunctionDefinition(definition);
    originalSetFunction(definition);
    wrapFunction(definition.name);
  });

  setGlobal('setResolution', (width: unknown, height: unknown) => {
    const max = Math.min(MAX_RESOLUTION, gl.getParameter(gl.MAX_TEXTURE_SIZE) as number);
    const ok = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max;
    if (!ok(width) || !ok(height)) {
      throw new RangeError(`setResolution(${describe(width)}, ${describe(height)}): width and height must be whole numbers from 1 to ${max}.`);
    }
    resize(width, height);
  });

  setGlobal('hush', () => {
    for (const s of hydra.s) s.clear();
    for (const o of outputs) {
      if (staging) staging.set(o, { passes: blankPasses(), site: new Error(), blank: true });
      else commit(o, blankPasses(), true);
    }
    originalRender(outputs[0]);
    g.update = () => {};
    g.afterUpdate = () => {};
  });

  setGlobal('loadScript', (url: unknown = '') => {
    if (!/^https?:\/\//i.test(String(url))) return Promise.reject(new TypeError(`loadScript() needs an http(s) URL; got ${describe(url)}.`));
    try {
      (g.importScripts as (u: string) => void)(String(url));
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(new Error(`loadScript(${JSON.stringify(String(url))}) failed: ${(error as Error).message}`));
    }
  });

  setGlobal('a', createSilentAudio());
  // hydra's own mouse tracker listens for DOM events the worker never gets; the iframe forwards
  // the pointer instead.
  const mouse = { x: 0, y: 0, buttons: 0 };
  setGlobal('mouse', mouse);
  // Sketches size things by the window; in the worker "the window" is the canvas.
  g.innerWidth = options.width;
  g.innerHeight = options.height;

  const sources = installScopedSources(hydra.s as HydraSourceLike[], options.scope, options.notice, options.videos);

  /** Empties every output's buffers: a preset's first frame must not show (or feed back) the last one's. */
  function clearOutputs() {
    for (const output of outputs) for (const fbo of output.fbos) hydra.regl.clear({ color: [0, 0, 0, 0], framebuffer: fbo });
  }

  function blankPasses(): Staged['passes'] {
    return originalSolid(0, 0, 0, 0).glsl(outputs[0]);
  }

  function resize(width: number, height: number) {
    hydra.canvas.width = width;
    hydra.canvas.height = height;
    hydra.width = width;
    hydra.height = height;
    hydra.sandbox.set('width', width);
    hydra.sandbox.set('height', height);
    for (const o of outputs) o.resize(width, height);
    for (const s of hydra.s) s.resize(width, height);
    hydra.regl._refresh();
  }

  /** Installs compiled passes on an output, or returns why the shader would not compile. */
  function commit(output: any, passes: Staged['passes'], blank = false): Error | undefined {
    const frag = passes[0]?.frag;
    if (typeof frag !== 'string') return new ShaderError('hydra produced no shader for this chain');
    const problem = checkShader(frag);
    if (problem) return new ShaderError(problem);
    output.render(passes);
    if (blank) blankDraws.add(output.draw);
    return undefined;
  }

  // Outputs a program does not use are cleared (both ping-pong buffers: two draws) and then not
  // drawn again. In software GL every full-screen pass counts; most presets use one output of four.
  const blankDraws = new WeakSet<object>();
  const blankDrawn = new Map<any, { draw: unknown; count: number }>();
  let timeSinceUpdate = 0;

  /**
   * Draws one frame, as hydra's own tick does, except that errors are thrown to the caller (hydra
   * prints them and carries on) and unused outputs are skipped.
   */
  function renderFrame(dt: number) {
    hydra.sandbox.tick();
    hydra.sandbox.set('time', (synth.time += dt * 0.001 * synth.speed));
    timeSinceUpdate += dt;
    if (synth.fps && timeSinceUpdate < 1000 / synth.fps) return;
    synth.stats.fps = Math.ceil(1000 / Math.max(timeSinceUpdate, 1));
    synth.update?.(timeSinceUpdate);
    for (const source of hydra.s) source.tick(synth.time);
    const props = frameProps();
    for (const output of outputs) {
      if (blankDraws.has(output.draw)) {
        const drawn = blankDrawn.get(output);
        const count = drawn && drawn.draw === output.draw ? drawn.count : 0;
        if (count >= 2) continue;
        blankDrawn.set(output, { draw: output.draw, count: count + 1 });
      }
      output.tick(props);
    }
    const resolution = [hydra.canvas.width, hydra.canvas.height];
    if (hydra.isRenderingAll) {
      const [tex0, tex1, tex2, tex3] = outputs.map((o) => o.getCurrent());
      hydra.renderAll({ tex0, tex1, tex2, tex3, resolution });
    } else {
      hydra.renderFbo({ tex0: hydra.output.getCurrent(), resolution });
    }
    synth.afterUpdate?.(timeSinceUpdate);
    timeSinceUpdate = 0;
  }

  function frameProps() {
    return { time: synth.time, mouse: synth.mouse, bpm: synth.bpm, resolution: [hydra.canvas.width, hydra.canvas.height] };
  }

  /** The function table and hydra's globals as they are now, to put back later. */
  function captureTable() {
    return {
      transforms: { ...generator.glslTransforms },
      generators: { ...generator.generators },
      proto: Object.fromEntries(Object.getOwnPropertyNames(proto).map((k) => [k, proto[k]])),
      globals: Object.fromEntries(Object.keys(synth).filter((k) => !LIVE_GLOBALS.has(k)).map((k) => [k, synth[k]])),
    };
  }
  type Table = ReturnType<typeof captureTable>;

  function restoreTable(table: Table) {
    for (const name of Object.keys(generator.glslTransforms)) {
      if (!(name in table.transforms)) {
        delete generator.glslTransforms[name];
        delete generator.generators[name];
        delete proto[name];
        delete synth[name];
        delete g[name];
      }
    }
    Object.assign(generator.glslTransforms, table.transforms);
    Object.assign(generator.generators, table.generators);
    for (const [k, v] of Object.entries(table.proto)) proto[k] = v;
    for (const [k, v] of Object.entries(table.globals)) setGlobal(k, v);
  }

  // Every built-in, wrapped: restored before each preset so that one preset's setFunction or
  // `osc = …` cannot break the next.
  const baseline = captureTable();

  return {
    hydra,
    gl,
    outputs,
    sources,
    commit,
    resize,
    renderFrame,
    clearOutputs,
    blankPasses,
    startStaging() {
      staging = new Map();
    },
    stopStaging(): Map<any, Staged> {
      const staged = staging ?? new Map();
      staging = null;
      return staged;
    },
    captureTable,
    restoreTable,
    baseline,
    /** Shows one output full-screen, or all four. */
    renderOutput: (output: unknown) => originalRender(output),
    pointer(x: number, y: number, buttons: number) {
      mouse.x = x;
      mouse.y = y;
      mouse.buttons = buttons;
    },
    /** The page size sketches see as innerWidth/innerHeight. */
    setViewport(width: number, height: number) {
      g.innerWidth = width;
      g.innerHeight = height;
    },
  };
}

export type HydraRuntime = ReturnType<typeof createHydraRuntime>;

function checkFunctionDefinition(def: any): void {
  if (!def || typeof def !== 'object') throw new TypeError('setFunction() takes an object: { name, type, inputs, glsl }.');
  if (typeof def.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(def.name)) {
    throw new TypeError(`setFunction(): "name" must be an identifier; got ${describe(def.name)}.`);
  }
  if (RESERVED_FUNCTIONS.has(def.name)) throw new TypeError(`setFunction(): "${def.name}" is reserved by hydra and cannot be replaced.`);
  if (!SET_FUNCTION_TYPES.has(def.type)) throw new TypeError(`setFunction(): "type" must be one of ${[...SET_FUNCTION_TYPES].join(', ')}; got ${describe(def.type)}.`);
  if (typeof def.glsl !== 'string' || def.glsl.length > 20000) throw new TypeError('setFunction(): "glsl" must be a string of at most 20,000 characters.');
  const inputs = def.inputs ?? [];
  if (!Array.isArray(inputs) || inputs.length > 16) throw new TypeError('setFunction(): "inputs" must be an array of at most 16 inputs.');
  for (const input of inputs) {
    if (!input || typeof input.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(input.name) || typeof input.type !== 'string') {
      throw new TypeError('setFunction(): every input needs an identifier "name" and a "type".');
    }
  }
  def.inputs = inputs;
}
