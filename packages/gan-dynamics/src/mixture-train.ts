/** Training the mixture-of-Gaussians GAN with any method, and measuring what it learned. */
import { assertInteger, assertInRange, DivergenceError } from '@snrlab/core';
import { initialState, oracleCalls, Stepper } from './methods.js';
import {
  countSwings,
  initialGanParameters,
  MixtureGanOracle,
  modeCoverage,
  netForward,
  sampleMixture,
  validateMixture,
  wasserstein1,
  type MixtureTrainOptions,
  type MixtureTrainResult,
} from './mixture.js';
import { validateNoise } from './noise.js';
import { DIVERGENCE_RADIUS } from './run.js';

/** Train one GAN; stops with a DivergenceError if the parameters leave |z| ≤ 10¹² or turn non-finite. */
export function trainMixtureGan(o: MixtureTrainOptions): MixtureTrainResult {
  validateMixture(o.data);
  validateNoise(o.noise);
  assertInteger('batchSize', o.batchSize, { min: 1 });
  assertInteger('steps', o.steps, { min: 2 });
  assertInteger('evalSamples', o.evalSamples, { min: 10 });
  assertInteger('checkEvery', o.checkEvery, { min: 1 });
  assertInRange('coverageThreshold', o.coverageThreshold, 0, 1, { loOpen: true });
  const init = initialGanParameters(o.shape, o.data, o.stream.child('init'));
  const calls = oracleCalls(o.method.method);
  const oracle = new MixtureGanOracle(o.shape, o.data, o.batchSize, calls, o.noise, o.stream.child('batches'));
  // the proximal step on a mini-batch: a few fixed-point sweeps, not iterated to convergence
  const stepper = new Stepper(oracle, { proximalIterations: 5, proximalTolerance: 1e-10, proximalStrict: false, ...o.method });
  const s = initialState(o.method.method, init);
  const d = oracle.dim;
  const evalStream = o.stream.child('eval');
  const latents = evalStream.fillNormal(new Float64Array(o.evalSamples));
  const real = sampleMixture(o.data, evalStream, new Float64Array(o.evalSamples));
  const traceLatents = latents.subarray(0, Math.min(256, latents.length));
  const generatedMean = () => {
    let m = 0;
    for (let i = 0; i < traceLatents.length; i++) m += netForward(s, 0, o.shape.hiddenG, traceLatents[i]);
    return m / traceLatents.length;
  };
  const meanTrace: number[] = [generatedMean()];
  const traceSteps: number[] = [0];
  for (let k = 0; k < o.steps; k++) {
    oracle.beginStep();
    stepper.step(s, k);
    let r2 = 0;
    for (let i = 0; i < d; i++) r2 += s[i] * s[i];
    if (!(r2 <= DIVERGENCE_RADIUS * DIVERGENCE_RADIUS)) {
      throw new DivergenceError(k + 1, k + 1, o.replica ?? 0, Math.sqrt(r2), { meanTrace, traceSteps }, `GAN parameters left |z| ≤ ${DIVERGENCE_RADIUS} with ${o.method.method}`);
    }
    if ((k + 1) % o.checkEvery === 0) {
      meanTrace.push(generatedMean());
      traceSteps.push(k + 1);
    }
  }
  const generated = new Float64Array(o.evalSamples);
  for (let i = 0; i < generated.length; i++) generated[i] = netForward(s, 0, o.shape.hiddenG, latents[i]);
  const cov = modeCoverage(o.data, generated, o.coverageThreshold);
  const secondHalf = meanTrace.filter((_, i) => traceSteps[i] >= o.steps / 2);
  const swings = countSwings(secondHalf, o.data.spacing / 4);
  return {
    modesCovered: cov.covered,
    highQuality: cov.highQuality,
    w1: wasserstein1(generated, real),
    swings,
    cycled: swings >= o.minSwings,
    meanTrace,
    traceSteps,
    shares: cov.shares,
  };
}
