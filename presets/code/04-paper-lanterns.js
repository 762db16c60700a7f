// @name Paper Lanterns
// @description Rows of soft hexagonal lanterns, each glowing with its own drifting colour, float up through a dusky violet sky.
// @tags sources, geometry, blending, modulation
// @author Patchroom
solid(0.06, 0.02, 0.14)
  .layer(
    osc(8, 0.08, 1.6)
      .modulate(noise(2, 0.1), 0.3)
      .mask(
        shape(6, 0.6, 0.25)
          .repeat(4, 3)
          .scrollY(0, -0.04)
          .scrollX(() => Math.sin(time * 0.3) * 0.08)
      )
  )
  .out()
