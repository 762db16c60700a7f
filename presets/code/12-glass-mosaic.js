// @name Glass Mosaic
// @description A four-fold tiled grid of colour, cut into breathing glass blocks and inverted through a slowly turning pane.
// @tags sources, geometry, colour, blending
// @author Patchroom
osc(6, 0.08, 1.4)
  .kaleid(4)
  .pixelate(() => 12 + Math.sin(time * 0.4) * 6, 9)
  .invert()
  .diff(shape(4, 0.5, 0.2).rotate(0, 0.2))
  .saturate(1.5)
  .out()
