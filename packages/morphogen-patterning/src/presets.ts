/**
 * Reference values from the literature (see the README for the sources).
 *
 * Neural-tube Sonic hedgehog (SHH), as used by Vetter & Iber (2022): D = 0.033 µm²/s,
 * decay length λ = 19.26 µm (so k = D/λ² ≈ 8.9×10⁻⁵ /s), mean cell diameter 4.9 µm; kinetic
 * coefficients of variation of about 0.3.
 * Bicoid in the Drosophila embryo: λ ≈ 0.2 of the egg length (Houchmandzadeh et al. 2002;
 * Gregor et al. 2007), an egg about 500 µm long, D ≈ 0.3 µm²/s (Gregor et al. 2007, FRAP).
 *
 * The production rate and the source and patterning-domain lengths below are this package's
 * choices (a floor plate of 5 cells, a patterning domain of 50 cells), not measured values.
 */
export const NEURAL_TUBE_SHH = {
  D: 0.033,
  decayLength: 19.26,
  k: 0.033 / (19.26 * 19.26),
  cellDiameter: 4.9,
  kineticCV: 0.3,
  sourceLength: 24.5,
  patterningLength: 245,
  /** Production density (molecules/(µm·s)): about 10³ molecules per cell at the source edge. */
  p: 0.04,
} as const;

export const BICOID = {
  eggLength: 500,
  decayLengthFraction: 0.2,
  decayLength: 0.2 * 500,
  D: 0.3,
  k: 0.3 / (100 * 100),
} as const;
