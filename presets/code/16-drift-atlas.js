// @name Drift Atlas
// @description Shards of colour bleed across the screen as their own feedback bends them, hue by hue, into new coastlines.
// @tags feedback, modulation, blending, colour
// @author Patchroom
src(o0)
  .modulateHue(src(o0).scale(1.01), 12)
  .blend(osc(6, 0.05, 1.5), 0.08)
  .layer(
    osc(20, 0.1, 1.5)
      .mask(voronoi(4, 0.3, 0.1).thresh(0.7, 0.05))
  )
  .out()
