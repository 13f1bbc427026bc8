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

/**
 * Retinoic acid (RA) in the zebrafish hindbrain, degraded by CYP26 and read at the Hoxb4
 * boundary: the essay's own example, as a preset of `morphogen.positional-error` and
 * `morphogen.steepness` (`--set preset=ra-hoxb4`).
 *
 * Biology. RA is made by Aldh1a2 (Raldh2) in the paraxial mesoderm posterior to the hindbrain and
 * degraded by the cytochrome P450 enzymes Cyp26a1/b1/c1 in the anterior neural plate, so it forms
 * a posterior-high gradient across the hindbrain field (R. J. White, Q. Nie, A. D. Lander &
 * T. F. Schilling, PLoS Biol. 5, e304 (2007); review T. F. Schilling, Q. Nie & A. D. Lander,
 * Curr. Opin. Genet. Dev. 22, 562 (2012)). The anterior limit of Hoxb4 expression is the r6/r7
 * boundary, the most posterior of the nested RA-dependent Hox boundaries (mouse: M. Gould,
 * N. Itasaki & R. Krumlauf, Neuron 21, 39 (1998); zebrafish hoxb4a: V. E. Prince, L. Joly,
 * M. Ekker & R. K. Ho, Development 125, 393 (1998)). RA in the hindbrain is noisy from cell to cell
 * and intracellular binding proteins (Crabp2a, with Cyp26a1) attenuate that noise (J. Sosnik et al.,
 * eLife 5, e14034 (2016); A. Q. Cai et al., Development 139, 2150 (2012) on Crabp2a).
 *
 * Numbers. The literature constrains these only loosely; each value says where it comes from:
 * - decayLength 60 µm: an order-of-magnitude choice of this package, not a measurement. The
 *   literature disagrees on the shape itself: models with Cyp26 degradation (White et al. 2007)
 *   give a decaying, roughly exponential profile across the hindbrain field, whereas the GEPRA
 *   FRET sensors of S. Shimozono et al., Nature 496, 363 (2013) showed a nearly *linear* gradient
 *   in a two-tailed source–sink arrangement across the embryo, i.e. an effective λ longer than the
 *   field. Plausible range ≈ 30–300 µm; 60 µm makes RA fall several-fold between the r4/r5 and
 *   r6/r7 boundaries, as nested thresholds require.
 * - D 20 µm²/s: order-of-magnitude estimate. Free all-trans RA (300 Da) diffuses at about
 *   5×10² µm²/s in water (Stokes–Einstein, radius ≈ 0.45 nm); binding to CRABPs, lipid membranes
 *   and serum-type carriers slows its effective transport in tissue by an unknown factor. No
 *   direct in vivo measurement exists for the hindbrain; plausible range ≈ 1–500 µm²/s.
 * - k = D/λ² ≈ 5.6×10⁻³ /s (half-life ≈ 2 min): follows from the two above, it is not measured.
 *   It is the CYP26 clearance (White et al. 2007 model it as feedback-regulated first-order
 *   degradation; the in vivo rate is not known to better than an order of magnitude).
 * - cellDiameter 10 µm: order of magnitude for zebrafish neural-plate cells at these stages
 *   (≈ 5–10 µm).
 * - Hoxb4 boundary at 55 µm from the edge of the source (the centre of the sixth cell): an
 *   order-of-magnitude placement, about one rhombomere (≈ 50 µm long at these stages) anterior to
 *   the RA source; the true distance depends on stage and on where the Aldh1a2 domain ends
 *   (range ≈ 0–100 µm).
 * - p 3.4 molecules/(µm·s): chosen so that a cell at the Hoxb4 boundary holds ≈ 1.2×10³ free RA
 *   molecules, i.e. ≈ 2 nM in a 10 µm cube (1 nM = 0.602 molecules/µm³). Shimozono et al. (2013)
 *   built GEPRAs with affinities around 2 nM to resolve endogenous free RA, which is in the low
 *   nanomolar range; order-of-magnitude estimate (range ≈ 0.5–10 nM, 3×10²–6×10³ molecules).
 * - sourceLength 120 µm (paraxial mesoderm making RA) and patterningLength 300 µm (the hindbrain
 *   field, about six rhombomeres): this package's choices; with λ = 60 µm the profile near the
 *   Hoxb4 boundary hardly depends on them.
 */
export const RA_HOXB4 = {
  D: 20,
  decayLength: 60,
  k: 20 / (60 * 60),
  cellDiameter: 10,
  sourceLength: 120,
  patterningLength: 300,
  /** Production density (molecules/(µm·s)): ≈ 1.2×10³ free molecules per cell at the Hoxb4 boundary. */
  p: 3.4,
  /** Distance of the Hoxb4 (r6/r7) boundary from the edge of the source (µm). */
  hoxb4Position: 55,
  /** Molecules per cell at the source edge, x = 0, of the exponential C₀e^{−x/λ} (N(55 µm) ≈ 1.2×10³). */
  amplitude: 3000,
} as const;

/** The named parameter sets `--set preset=…` selects; `neural-tube-shh` is every experiment's default. */
export const MORPHOGEN_PRESETS = ['neural-tube-shh', 'ra-hoxb4'] as const;
export type MorphogenPreset = (typeof MORPHOGEN_PRESETS)[number];

/**
 * Apply a preset to parsed parameters: every parameter the preset names that still has its
 * neural-tube default takes the preset's value; a parameter set to anything else is kept (so
 * `--set preset=ra-hoxb4 --set cv=0.3` works). Without a preset, or with `neural-tube-shh`, the
 * parameters are returned unchanged (the same object).
 */
export function applyPreset<T extends { preset?: MorphogenPreset }>(p: T, defaults: Partial<Record<keyof T, unknown>>, values: Partial<Record<keyof T, unknown>>): T {
  if (p.preset === undefined || p.preset === 'neural-tube-shh') return p;
  const out: Record<string, unknown> = { ...p };
  for (const key of Object.keys(values) as (keyof T & string)[]) {
    if (JSON.stringify(out[key]) === JSON.stringify(defaults[key])) out[key] = values[key];
  }
  return out as T;
}
