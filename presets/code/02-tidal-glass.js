// @name Tidal Glass
// @description Slow interference bands folded through a kaleidoscope, breathing with a sine of time.
// @tags geometry, colour, modulation
// @author Patchroom
osc(18, 0.06, 1.4)
  .kaleid(5)
  .rotate(() => Math.sin(time * 0.2) * 0.6)
  .modulate(noise(2.5, 0.1), 0.18)
  .color(0.7, 0.9, 1.1)
  .out()
