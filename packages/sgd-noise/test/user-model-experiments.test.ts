/**
 * sgd.anisotropy, sgd.noise-shape and sgd.temperature on the user's own problem: the training set
 * and TF.js models of examples/sgd (--data / --model). Numbers are checked against closed forms on
 * the linear example (least squares: H = X̃ᵀX̃/N exactly, per-example gradients rᵢx̃ᵢ), the chains of
 * sgd.temperature against the exact law of the linearised chain (within 4 SE at a fixed seed), and
 * every refusal names its parameter, file or field before any task runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict, InputFileError, isParameterError, Moments, runExperiment, symmetricEigen as coreSymmetricEigen, type ExperimentResult } from '@snrlab/core';
import {
  anisotropyExperiment,
  buildNetwork,
  dataInput,
  datasetFromInput,
  modelInput,
  noiseShapeExperiment,
  ownProblemExperiments,
  readDataFile,
  readTfjsModel,
  temperatureExperiment,
} from '../src/index.js';

const examples = path.resolve(__dirname, '../../../examples/sgd');
const csv = path.join(examples, 'data.csv');
const data = readDataFile(csv).data;
const network = readTfjsModel(path.join(examples, 'model.json')).network;
// the linear example: x1 from x2 and x3 by one Dense unit (least squares)
const regression = readDataFile(csv, { label: 'x1', features: ['x2', 'x3'] }).data;
const linear = readTfjsModel(path.join(examples, 'linear', 'model.json')).network;

/** The least-squares closed forms of the linear example: H = X̃ᵀX̃/N (X̃ = [x2, x3, 1], kernel then bias), θ*, per-example gradients rᵢx̃ᵢ at θ*. */
function leastSquares() {
  const d = datasetFromInput(regression);
  const N = d.n;
  const rows = Array.from({ length: N }, (_, i) => [d.x[2 * i], d.x[2 * i + 1], 1]);
  const H = new Float64Array(9);
  const b = new Float64Array(3);
  for (let i = 0; i < N; i++)
    for (let a = 0; a < 3; a++) {
      b[a] += (rows[i][a] * d.y[i]) / N;
      for (let c = 0; c < 3; c++) H[a * 3 + c] += (rows[i][a] * rows[i][c]) / N;
    }
  // normal equations by Cramer's rule (3×3)
  const det = (m: number[]) => m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
  const D = det(Array.from(H));
  const theta = [0, 1, 2].map((k) => det(Array.from(H, (v, idx) => (idx % 3 === k ? b[Math.floor(idx / 3)] : v))) / D);
  const grads = rows.map((x, i) => {
    const r = x[0] * theta[0] + x[1] * theta[1] + x[2] * theta[2] - d.y[i];
    return x.map((v) => r * v);
  });
  return { N, H, theta, grads };
}

/** uᵀΣu of the per-example gradients along u, with the N − 1 (or 1/N) denominator. */
function noiseAlong(grads: number[][], u: ArrayLike<number>, denominator: 'n-1' | 'n'): number {
  const proj = grads.map((g) => g.reduce((s, v, j) => s + v * u[j], 0));
  const m = Moments.of(proj);
  return denominator === 'n-1' ? m.variance : (m.variance * (proj.length - 1)) / proj.length;
}

function expectComputedVerdicts(r: ExperimentResult) {
  expect(r.verdicts.length).toBeGreaterThan(0);
  for (const v of r.verdicts) {
    expect(['agrees', 'disagrees', 'inconclusive']).toContain(v.status);
    expect(checkVerdict(v), v.claim).toBeNull();
  }
}

const finiteNumbers = (o: Record<string, unknown>, keys: string[]) => keys.forEach((k) => expect(Number.isFinite(o[k]), `${k} = ${String(o[k])}`).toBe(true));

/** Runs `run` expecting a ParameterError for `parameter`, and no task started (no progress event). */
async function refusesBeforeAnyTask(run: (onProgress: () => void) => Promise<unknown>, parameter: string | RegExp): Promise<Error> {
  let events = 0;
  const e = await run(() => events++).then(
    () => new Error('no error'),
    (x: Error) => x,
  );
  expect(isParameterError(e), String(e)).toBe(true);
  if (typeof parameter === 'string') expect((e as unknown as { parameter: string }).parameter).toBe(parameter);
  else expect((e as unknown as { parameter: string }).parameter).toMatch(parameter);
  expect(events).toBe(0);
  return e;
}

describe('the input options reach every experiment that measures a model', () => {
  it('--data and --model are offered to batch-variance, noise-scale, anisotropy, noise-shape and temperature', () => {
    for (const o of [dataInput, modelInput]) expect([...o.experiments].sort()).toEqual(['sgd.anisotropy', 'sgd.batch-variance', 'sgd.noise-scale', 'sgd.noise-shape', 'sgd.temperature']);
    expect(ownProblemExperiments).toContain('sgd.temperature');
  });

  it("--model returns the weight files it read, so the recorded hash covers the model's .bin bytes", async () => {
    const loaded = await modelInput.load(path.join(examples, 'model.json'));
    expect(loaded.files).toEqual([path.join(examples, 'weights.bin')]);
    // sharded weights: every shard, in the manifest's order
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snrlab-shards-'));
    const json = JSON.parse(fs.readFileSync(path.join(examples, 'model.json'), 'utf8'));
    const bin = fs.readFileSync(path.join(examples, 'weights.bin'));
    fs.writeFileSync(path.join(dir, 'group1-shard1of2.bin'), bin.subarray(0, 100));
    fs.writeFileSync(path.join(dir, 'group1-shard2of2.bin'), bin.subarray(100));
    json.weightsManifest[0].paths = ['group1-shard1of2.bin', 'group1-shard2of2.bin'];
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    const sharded = await modelInput.load(path.join(dir, 'model.json'));
    expect(sharded.files).toEqual([path.join(dir, 'group1-shard1of2.bin'), path.join(dir, 'group1-shard2of2.bin')]);
    expect(sharded.value).toEqual(loaded.value);
  });

  it('a bad column and an unsupported layer name their field', async () => {
    const e = await Promise.resolve()
      .then(() => dataInput.load(`${csv}#label=colour&features=x1,x9`))
      .catch((x: Error) => x);
    expect(e).toBeInstanceOf(InputFileError);
    expect((e as Error).message).toMatch(/data\.csv \(line 1, field feature\): no feature column 'x9'; the columns are 'x1', 'x2', 'x3', 'colour'/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snrlab-lstm-'));
    const json = JSON.parse(fs.readFileSync(path.join(examples, 'model.json'), 'utf8'));
    json.modelTopology.config.layers.splice(1, 0, { class_name: 'LSTM', config: { units: 8, name: 'lstm_LSTM1' } });
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    fs.copyFileSync(path.join(examples, 'weights.bin'), path.join(dir, 'weights.bin'));
    const m = await Promise.resolve()
      .then(() => modelInput.load(path.join(dir, 'model.json')))
      .catch((x: Error) => x);
    expect(m).toBeInstanceOf(InputFileError);
    expect((m as Error).message).toMatch(/field modelTopology\.config\.layers\[1\]\.class_name\): layer 'lstm_LSTM1' \(LSTM\) is not supported/);
  });
});

describe('sgd.anisotropy on your problem', () => {
  it('the linear example: Hessian eigenvalues and the noise along each eigenvector equal the least-squares closed forms', async () => {
    const r = await runExperiment(anisotropyExperiment, { data: regression, network: linear }, { seed: 2 });
    expect(r.measurements.models.map((a) => a.name)).toEqual(['own']);
    const a = r.measurements.models[0];
    const ls = leastSquares();
    const { values, vectors } = coreSymmetricEigen(ls.H, 3, { order: 'descending' });
    expect(a.P).toBe(3);
    expect(a.gradNorm).toBeLessThan(1e-10);
    for (let k = 0; k < 3; k++) {
      expect(a.eigenvalues[k]).toBeCloseTo(values[k], 12);
      // eigenvector k is column k of core's row-major matrix
      const u = [0, 1, 2].map((i) => vectors[i * 3 + k]);
      const want = noiseAlong(ls.grads, u, 'n-1');
      expect(Math.abs(a.noise[k] - want)).toBeLessThan(1e-9 * want);
    }
    finiteNumbers(a as unknown as Record<string, unknown>, ['alignment', 'slope', 'slopeSE', 'sharpToFlatNoiseRatio', 'dataPcAlignment']);
    finiteNumbers(a.subspaces as unknown as Record<string, unknown>, ['overlapH', 'overlapHSE', 'overlapData', 'overlapDataSE']);
    expectComputedVerdicts(r);
    expect(r.verdicts).toHaveLength(4);
  });

  it('the example network, at its saved weights (steps 0): finite measurements, the four verdicts, and the point in the notes', async () => {
    const r = await runExperiment(anisotropyExperiment, { data, network, steps: 0 }, { seed: 2 });
    const a = r.measurements.models[0];
    expect(a.modelName).toMatch(/^sequential_1 \(TF\.js/);
    expect(a.P).toBe(59);
    finiteNumbers(a as unknown as Record<string, unknown>, ['loss', 'gradNorm', 'alignment', 'slope', 'slopeSE', 'sharpToFlatNoiseRatio', 'logRatioSE', 'dataPcAlignment', 'dataPcTopToBottomNoise']);
    expect(a.eigenvalues.every(Number.isFinite) && a.noise.every(Number.isFinite)).toBe(true);
    expectComputedVerdicts(r);
    expect(r.verdicts).toHaveLength(4);
    expect(r.notes.join('\n')).toMatch(/measured at the weights of your network, loss 0\.\d+, \|∇L\| = /);
    // the saved weights are the point: its loss is the network's training loss there
    const d = datasetFromInput(data);
    const { model, theta } = buildNetwork(network, d);
    expect(a.loss).toBeCloseTo(model.gradient(theta, d).loss, 12);
  });

  it('a CNN has no first Dense layer on the inputs: the data-PC verdict is left out, the Hessian overlap kept', async () => {
    // a Conv1D network on the example read as 3 positions × 1 channel
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snrlab-cnn-'));
    const conv = { class_name: 'Conv1D', config: { name: 'conv1d_Conv1D1', filters: 2, kernel_size: [2], strides: [1], padding: 'valid', data_format: 'channels_last', dilation_rate: 1, activation: 'tanh', use_bias: true, batch_input_shape: [null, 3, 1] } };
    const flat = { class_name: 'Flatten', config: { name: 'flatten_Flatten1' } };
    const dense = { class_name: 'Dense', config: { name: 'dense_Dense1', units: 3, activation: 'softmax', use_bias: true } };
    const weights = [
      { name: 'conv1d_Conv1D1/kernel', shape: [2, 1, 2], values: [0.5, -0.3, 0.2, 0.7] },
      { name: 'conv1d_Conv1D1/bias', shape: [2], values: [0.1, -0.1] },
      { name: 'dense_Dense1/kernel', shape: [4, 3], values: [0.3, -0.2, 0.1, 0.4, 0.2, -0.5, -0.1, 0.6, 0.2, 0.3, -0.4, 0.1] },
      { name: 'dense_Dense1/bias', shape: [3], values: [0, 0.1, -0.1] },
    ];
    fs.writeFileSync(path.join(dir, 'weights.bin'), new Uint8Array(Float32Array.from(weights.flatMap((w) => w.values)).buffer));
    fs.writeFileSync(
      path.join(dir, 'model.json'),
      JSON.stringify({
        format: 'layers-model',
        modelTopology: { class_name: 'Sequential', config: { name: 'cnn', layers: [conv, flat, dense] } },
        weightsManifest: [{ paths: ['weights.bin'], weights: weights.map(({ name, shape }) => ({ name, shape, dtype: 'float32' })) }],
      }),
    );
    const cnn = readTfjsModel(path.join(dir, 'model.json')).network;
    const r = await runExperiment(anisotropyExperiment, { data: { ...data, inputShape: [3, 1] }, network: cnn, steps: 100 }, { seed: 2 });
    const a = r.measurements.models[0];
    expect(a.P).toBe(21);
    expect(Number.isNaN(a.subspaces.overlapData) && a.subspaces.kData === 0).toBe(true);
    finiteNumbers(a.subspaces as unknown as Record<string, unknown>, ['overlapH', 'overlapHSE']);
    expect(r.verdicts).toHaveLength(3);
    expectComputedVerdicts(r);
    expect(r.notes.join('\n')).toMatch(/no comparison with the data's principal components/);
  });

  it('refusals name the parameter before any task: a network without data, a model that does not fit the data', async () => {
    const e = await refusesBeforeAnyTask((onProgress) => runExperiment(anisotropyExperiment, { network }, { onProgress }), 'data');
    expect(e.message).toMatch(/your training set \(--data file\.csv\)/);
    // with data alone each of `models` is built for it: linear regression does not take class labels
    const m = await refusesBeforeAnyTask((onProgress) => runExperiment(anisotropyExperiment, { data }, { onProgress }), 'models[0]');
    expect(m.message).toMatch(/got "linear-regression"; expected a model for regression targets/);
    await refusesBeforeAnyTask((onProgress) => runExperiment(anisotropyExperiment, { data: regression, network }, { onProgress }), 'network');
  });
});

describe('sgd.noise-shape on your problem', () => {
  it("the example network at its weights: κ̄ is the exact mean excess kurtosis of its per-example gradients, and the shape is measured against B", async () => {
    const r = await runExperiment(noiseShapeExperiment, { data, network, batchSizes: [1, 8, 32], usualBatch: 32, draws: 2000 }, { seed: 4 });
    expect(r.measurements.networks).toHaveLength(1);
    const nw = r.measurements.networks[0];
    expect(nw.name).toBe('own');
    expect(nw.n).toBe(90);
    // closed form: the population excess kurtosis of every noisy coordinate of the 90 per-example gradients
    const d = datasetFromInput(data);
    const { model, theta } = buildNetwork(network, d);
    const P = model.paramCount;
    const g = model.perExample(theta, d).gradients as Float64Array;
    const kurt: number[] = [];
    const sds: number[] = [];
    for (let j = 0; j < P; j++) {
      let mean = 0;
      for (let i = 0; i < d.n; i++) mean += g[i * P + j] / d.n;
      let m2 = 0;
      let m4 = 0;
      for (let i = 0; i < d.n; i++) {
        const e = g[i * P + j] - mean;
        m2 += (e * e) / d.n;
        m4 += (e * e * e * e) / d.n;
      }
      sds.push(Math.sqrt(m2));
      kurt.push(m2 > 0 ? m4 / (m2 * m2) - 3 : 0);
    }
    const maxSd = Math.max(...sds);
    const active = kurt.filter((_, j) => sds[j] > 1e-9 * maxSd);
    expect(nw.activeCoordinates).toBe(active.length);
    expect(nw.kappa).toBeCloseTo(active.reduce((a, b) => a + b, 0) / active.length, 9);
    for (const q of nw.points) {
      expect(q.excessKurtosisCLT).toBeCloseTo(nw.kappa / q.B, 12);
      finiteNumbers(q as unknown as Record<string, unknown>, ['alphaMohammadi', 'alphaMohammadiSE', 'alphaHill', 'alphaHillSE', 'excessKurtosis', 'ksStatistic', 'ksPValue']);
    }
    expectComputedVerdicts(r);
    expect(r.notes.join('\n')).toMatch(/measured at the weights of your network \(no warm-up\)/);
  });

  it('your data with an engine model (warmed up), and the refusals', async () => {
    const r = await runExperiment(noiseShapeExperiment, { data: regression, model: 'linear-regression', warmupSteps: 50, batchSizes: [1, 16], usualBatch: 16, draws: 1000 }, { seed: 4 });
    expect(r.measurements.networks[0]).toMatchObject({ name: 'own', paramCount: 3, n: 90 });
    expectComputedVerdicts(r);
    await refusesBeforeAnyTask((onProgress) => runExperiment(noiseShapeExperiment, { data, network, batchSizes: [1, 4, 16, 128], usualBatch: 16 }, { onProgress }), 'batchSizes[]');
    await refusesBeforeAnyTask((onProgress) => runExperiment(noiseShapeExperiment, { network }, { onProgress }), 'data');
    await refusesBeforeAnyTask((onProgress) => runExperiment(noiseShapeExperiment, { data, network, model: 'mlp' }, { onProgress }), 'model');
    await refusesBeforeAnyTask((onProgress) => runExperiment(noiseShapeExperiment, { data: regression, model: 'softmax-regression' }, { onProgress }), 'model');
  });
});

describe('sgd.temperature on your problem', () => {
  it('the linear example: the chains follow the exact law of the linearised chain (variance along u₁ and the loss over gradient descent, within 4 SE)', async () => {
    const r = await runExperiment(temperatureExperiment, { data: regression, network: linear, ownChains: 800 }, { seed: 5 });
    const o = r.measurements.own;
    if (!o) throw new Error('no own measurements');
    const ls = leastSquares();
    const { values, vectors } = coreSymmetricEigen(ls.H, 3, { order: 'descending' });
    // the Hessian and the noise are the closed forms (Σ with the 1/N denominator: batches drawn with replacement)
    expect(o.lambdaMax).toBeCloseTo(values[0], 12);
    expect(o.lambdaMin).toBeCloseTo(values[2], 12);
    const u1 = [0, 1, 2].map((i) => vectors[i * 3]);
    expect(Math.abs(o.s1 - noiseAlong(ls.grads, u1, 'n')) / o.s1).toBeLessThan(1e-9);
    expect(o.learningRate).toBeCloseTo(0.1 / values[0], 12);
    expect(o.negativeDirections).toBe(0);
    expect(o.chains).toBe(800);
    // the exact law at t steps, from the closed forms: Var₁ = (η/B)s₁(1 − ρ^{2t})/(λ₁(2 − ηλ₁))
    const eta = o.learningRate;
    const rho2t = (1 - eta * values[0]) ** (2 * o.steps);
    expect(o.varExact).toBeCloseTo(((eta / 4) * o.s1 * (1 - rho2t)) / (values[0] * (2 - eta * values[0])), 14);
    // a minimum: gradient descent stays there, and the SGD chains spread as the linearised law says
    expect(Math.abs(o.gdLoss - o.loss)).toBeLessThan(1e-12);
    expect(Math.abs(o.varMeasured - o.varExact)).toBeLessThan(4 * o.varMeasuredSE);
    expect(Math.abs(o.excessMeasured - o.excessExact)).toBeLessThan(4 * o.excessMeasuredSE);
    // the slowest direction has relaxed (default steps): the exact value is within 1e-3 of the stationary one
    expect(o.excessExact / o.excessStationary).toBeGreaterThan(0.999);
    expectComputedVerdicts(r);
    expect(r.verdicts).toHaveLength(4);
    // the quadratic and the double well are not run on your problem
    expect(Number.isNaN(r.measurements.varianceMeasured)).toBe(true);
    expect(Object.keys(r.metrics).every((k) => k.startsWith('own.'))).toBe(true);
  });

  it('the example network and your data with the default convex model: finite measurements and four computed verdicts', async () => {
    for (const params of [
      { data, network, ownChains: 24, ownSteps: 40, ownDescentSteps: 100 },
      { data, ownChains: 24, ownDescentSteps: 300 },
    ]) {
      const r = await runExperiment(temperatureExperiment, params, { seed: 5 });
      const o = r.measurements.own;
      if (!o) throw new Error('no own measurements');
      finiteNumbers(o as unknown as Record<string, unknown>, ['loss', 'gradNorm', 'learningRate', 'lambdaMax', 'varMeasured', 'varMeasuredSE', 'varExact', 'varSDE', 'excessMeasured', 'excessMeasuredSE', 'excessExact', 'excessSDE']);
      expect(o.chains).toBe(24);
      expectComputedVerdicts(r);
      expect(r.verdicts).toHaveLength(4);
      if (!params.network) expect(o.modelName).toBe('softmax regression');
    }
  });

  it('refusals name the parameter: before any task for the inputs, at the minimum for a learning rate beyond 2/λ_max', async () => {
    await refusesBeforeAnyTask((onProgress) => runExperiment(temperatureExperiment, { network }, { onProgress }), 'data');
    await refusesBeforeAnyTask((onProgress) => runExperiment(temperatureExperiment, { ownSteps: 10 }, { onProgress }), 'ownSteps');
    await refusesBeforeAnyTask((onProgress) => runExperiment(temperatureExperiment, { data, batchSize: 100 }, { onProgress }), 'batchSize');
    await refusesBeforeAnyTask((onProgress) => runExperiment(temperatureExperiment, { data, model: 'linear-regression' }, { onProgress }), 'model');
    const e = await runExperiment(temperatureExperiment, { data: regression, network: linear, ownLearningRate: 5, ownChains: 20 }).catch((x: Error) => x);
    expect(isParameterError(e) && e.parameter).toBe('ownLearningRate');
    expect((e as Error).message).toMatch(/expected below 2\/λ_max = 1\.9\d/);
  });
});
