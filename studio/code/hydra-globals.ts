/**
 * Hydra's global names that are not in its function table (so no node definition describes them):
 * buffers, time and input state, and the few top-level functions. Written by hand because hydra
 * keeps them in its runtime, not in data; the texts match Patchroom's sandboxed runtime
 * (runtime/sandbox), e.g. `a` is silent until an audio plugin feeds it.
 */
export interface GlobalSpec {
  name: string;
  /** Call signature for functions (`hush()`), else the name or an assignment form. */
  signature: string;
  doc: string;
  /** Whether completing it should add parentheses. */
  callable?: boolean;
}

const outputs = [0, 1, 2, 3].map(
  (i): GlobalSpec => ({ name: `o${i}`, signature: `o${i}`, doc: `Output buffer ${i}: draw into it with \`.out(o${i})\`, read it back with \`src(o${i})\` (feedback).` }),
);
const sources = [0, 1, 2, 3].map(
  (i): GlobalSpec => ({ name: `s${i}`, signature: `s${i}`, doc: `External source ${i} (image, video, camera from an input plugin): read it with \`src(s${i})\`, load an image with \`s${i}.initImage(url)\`.` }),
);

export const HYDRA_GLOBALS: readonly GlobalSpec[] = [
  ...outputs,
  ...sources,
  { name: 'time', signature: 'time', doc: 'Seconds since the program started (scaled by `speed`). Use it in value functions: `() => Math.sin(time)`.' },
  { name: 'mouse', signature: 'mouse', doc: 'Pointer position over the canvas in pixels: `mouse.x`, `mouse.y`.' },
  { name: 'speed', signature: 'speed = 1', doc: 'Multiplier for `time`; 0 freezes animation.' },
  { name: 'bpm', signature: 'bpm = 30', doc: 'Beats per minute at which array arguments (`osc([10, 30])`) step through their values.' },
  { name: 'update', signature: 'update = (dt) => {}', doc: 'A function hydra calls every frame with the milliseconds since the last one.' },
  { name: 'setResolution', signature: 'setResolution(width, height)', doc: 'Sets the size of the canvas and all outputs, in pixels.', callable: true },
  { name: 'hush', signature: 'hush()', doc: 'Clears every output and stops `update`.', callable: true },
  { name: 'a', signature: 'a', doc: 'The audio analyser: `a.fft[0]`… bin levels, `a.setBins(n)`. Silent unless an audio input feeds it.' },
  { name: 'setFunction', signature: "setFunction({ name, type, inputs, glsl })", doc: "Adds a custom GLSL function to hydra (type 'src', 'coord', 'color', 'combine' or 'combineCoord').", callable: true },
  // Also node definitions in hydra-core: these are the fallbacks when no plugin describes them.
  { name: 'src', signature: 'src(tex)', doc: 'Starts a chain from an output or external source: `src(o0)`, `src(s0)`.', callable: true },
  { name: 'render', signature: 'render(output)', doc: 'Chooses the output that fills the screen; `render()` shows o0–o3 in a grid.', callable: true },
];

/** Members offered after `<global>.`, for the globals that are objects. */
export const GLOBAL_MEMBERS: Readonly<Record<string, readonly GlobalSpec[]>> = {
  ...Object.fromEntries(
    sources.map((s) => [
      s.name,
      [
        { name: 'initImage', signature: `${s.name}.initImage(url)`, doc: 'Loads an image (http(s), data: or blob: URL) into this source.', callable: true },
        { name: 'init', signature: `${s.name}.init({ src })`, doc: 'Uses an ImageBitmap, ImageData or OffscreenCanvas as this source.', callable: true },
        { name: 'clear', signature: `${s.name}.clear()`, doc: 'Empties this source.', callable: true },
      ],
    ]),
  ),
  a: [
    { name: 'fft', signature: 'a.fft', doc: 'Levels of the frequency bins, 0 and up: `() => a.fft[0]`.' },
    { name: 'setBins', signature: 'a.setBins(count)', doc: 'Number of frequency bins (default 4).', callable: true },
    { name: 'setSmooth', signature: 'a.setSmooth(amount)', doc: 'Smoothing between frames, 0–1.', callable: true },
    { name: 'setCutoff', signature: 'a.setCutoff(level)', doc: 'Level below which bins read 0.', callable: true },
    { name: 'setScale', signature: 'a.setScale(level)', doc: 'Level that maps to 1.', callable: true },
    { name: 'show', signature: 'a.show()', doc: 'Shows the analyser overlay.', callable: true },
    { name: 'hide', signature: 'a.hide()', doc: 'Hides the analyser overlay.', callable: true },
  ],
  mouse: [
    { name: 'x', signature: 'mouse.x', doc: 'Pointer x over the canvas, in pixels.' },
    { name: 'y', signature: 'mouse.y', doc: 'Pointer y over the canvas, in pixels.' },
  ],
};
