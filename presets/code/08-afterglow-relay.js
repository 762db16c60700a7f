// @name Afterglow Relay
// @description A striped tile wanders across o0 while o1 curls its afterglow into a hue-drifting spiral, and o1 is what you see.
// @tags feedback, geometry, blending, modulation
// @author Patchroom
osc(30, 0.1, 1.3)
  .modulate(noise(3, 0.2), 0.15)
  .mask(shape(4, 0.4, 0.02))
  .scroll(() => Math.sin(time * 0.7) * 0.25, () => Math.cos(time * 0.5) * 0.2)
  .out(o0)

src(o1)
  .scale(1.01)
  .rotate(0.02)
  .hue(0.01)
  .layer(src(o0))
  .out(o1)

render(o1)
