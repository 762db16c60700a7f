// @name Quartz Tempo
// @description Crystal polygons step through their side counts on the beat, repeated and bent over a violet glow.
// @tags sources, geometry, modulation, blending
// @author Patchroom
bpm = 90
shape([3, 4, 5, 6].fast(0.5), 0.5, 0.02)
  .rotate(0, 0.2)
  .modulateRepeat(osc(3, 0.05), 3, 3, 0.3, 0.3)
  .mult(osc(6, 0.1, 1.6))
  .add(gradient(0.5).color(0.15, 0.05, 0.25))
  .contrast(1.2)
  .out()
