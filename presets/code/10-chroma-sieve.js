// @name Chroma Sieve
// @description Noise-bent colour bands pushed through colorama and sifted into flat posterised contours that twist as they flow.
// @tags sources, colour, modulation
// @author Patchroom
osc(4, 0.1, 1.2)
  .modulate(noise(2.5, 0.12), 0.6)
  .colorama(() => 0.3 + Math.sin(time * 0.2) * 0.1)
  .posterize(5, 0.7)
  .modulateRotate(osc(2, 0.05), 0.8)
  .saturate(1.3)
  .out()
