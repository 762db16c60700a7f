// @name Saffron Sunburst
// @description Amber voronoi shards folded into a radiant starburst around a pulsing cyan heart.
// @tags sources, modulation, colour, blending
// @author Patchroom
voronoi(6, 0.5, 0.3)
  .color(1.2, 0.65, 0.15)
  .modulateKaleid(osc(2, 0.1, 0), 3)
  .hue(() => Math.sin(time * 0.1) * 0.08)
  .contrast(1.3)
  .add(
    shape(64, 0.15, 0.3)
      .color(0.1, 0.5, 0.9)
      .scale(() => 1 + Math.sin(time) * 0.3),
    0.8
  )
  .out()
