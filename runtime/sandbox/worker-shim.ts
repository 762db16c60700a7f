// hydra-synth's modules touch `window` when they load; in the renderer worker the global scope
// stands in for it. Imported before hydra-synth so it runs first.
(globalThis as unknown as { window: typeof globalThis }).window = globalThis;
