/**
 * Hydra's audio object `a`, without a microphone: the sandboxed renderer has no audio input, so
 * sketches that read `a.fft[0]` or call `a.setBins(4)` run unchanged and see silence. The audio
 * plugin feeds real bins in through `setBins`/`fft` later.
 */
export function createSilentAudio() {
  const audio = {
    fft: [0, 0, 0, 0] as number[],
    vol: 0,
    bins: [] as number[],
    settings: [] as unknown[],
    beat: { holdFrames: 20, threshold: 40, _cutoff: 0, decay: 0.98, _framesSinceBeat: 0 },
    onBeat: () => {},
    setBins(count: unknown) {
      const n = Math.max(1, Math.min(64, Math.round(Number(count)) || 4));
      audio.fft = new Array<number>(n).fill(0);
    },
    setSmooth: (_smooth?: unknown) => {},
    setCutoff: (_cutoff?: unknown) => {},
    setScale: (_scale?: unknown) => {},
    show: () => {},
    hide: () => {},
    tick: () => {},
  };
  return audio;
}
