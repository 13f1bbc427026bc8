/**
 * sgd.anisotropy: near a minimum, is the gradient noise larger along flat or along sharp
 * directions? The popular claim says flat; Zhu et al. (2019) and Xie et al. (2021) find Σ ≈ H
 * (so the mini-batch noise Σ/B is largest along sharp directions). Measured on several models,
 * or on the user's own training set (`data`) and network (`network`).
 */
import { anyNumber, defineExperiment, defineExperimentTask, directionalVerdict, isParameterError, ParameterError, verdict, xyFigure, z, type Stream, type Verdict } from '@snrlab/core';
import type { Dataset } from '../data/dataset.js';
import { inputSizeOf } from '../data/dataset.js';
import { gaussianMixture, linearTeacher, teacherStudent } from '../data/synthetic.js';
import { linearRegression, logisticRegression, mlp } from '../nn/models.js';
import type { Sequential } from '../nn/model.js';
import { anisotropyFromPerExample, dataPcAlignment } from '../measure/anisotropy.js';
import { datasetGradient, hessianMatrix, minimize } from '../measure/hessian.js';
import { gradientNoise } from '../measure/noise.js';
import { noiseSubspaceOverlaps, type SubspaceOverlaps } from '../measure/subspace.js';
import { checkFullMatrixSize, firstDenseOnInputs, ownSetup } from '../io/own-setup.js';
import { fmt, ownDataParam, ownNetworkParam, ownProblemOf, type OwnProblem } from './common.js';

const ID = 'sgd.anisotropy';
const anisotropyModels = ['linear-regression', 'logistic-regression', 'mlp'] as const;
type AModel = (typeof anisotropyModels)[number];
/** A built-in model (on its own set, or on the user's `data`), or 'own': the user's `network` on their `data`. */
type Entry = AModel | 'own';

const params = z.object({
  models: z
    .array(z.enum(anisotropyModels))
    .min(1)
    .default(['linear-regression', 'logistic-regression', 'mlp'])
    .describe(
      'models, each on its own training set: linear regression on a linear teacher with Gaussian label noise, logistic regression on two overlapping Gaussian classes, a tanh MLP 4-8-1 on a teacher-student regression task. With `data` (and no `network`) each is the engine\'s model of that name on your training set (linear-regression: regression targets; logistic-regression: 0/1 labels; mlp: one hidden layer of 16 ReLU, any task); with `network` your network is the one model measured',
    ),
  datasetSize: z.int().min(50).max(100_000).default(2000).meta({ unit: 'examples' }).describe('examples per training set (built-in sets)'),
  dim: z.int().min(2).max(64).default(6).meta({ unit: 'features' }).describe('input features of the linear and logistic tasks (built-in sets; the MLP has 4)'),
  conditionNumber: z.number().min(1).max(1e6).default(30).describe('ratio of the largest to the smallest input variance (built-in linear and logistic tasks)'),
  steps: z
    .int()
    .min(0)
    .max(1_000_000)
    .default(1500)
    .meta({ unit: 'steps' })
    .describe('full-batch heavy-ball steps to reach the minimum, from the initialisation (from your network\'s weights when `network` is given; 0 measures at the starting point)'),
  data: ownDataParam(),
  network: ownNetworkParam(),
});

type Params = z.output<typeof params>;

function task(name: AModel, p: Params, stream: Stream): { data: Dataset; model: Sequential } {
  switch (name) {
    case 'linear-regression': {
      const data = linearTeacher({ n: p.datasetSize, dim: p.dim, noise: 0.5, conditionNumber: p.conditionNumber, stream }).dataset;
      return { data, model: linearRegression(p.dim) };
    }
    case 'logistic-regression': {
      const data = gaussianMixture({ n: p.datasetSize, dim: p.dim, classes: 2, separation: 1, binary: true, stream }).dataset;
      // stretch the features geometrically so that the Hessian is anisotropic
      for (let i = 0; i < data.n; i++) for (let j = 0; j < p.dim; j++) data.x[i * p.dim + j] *= Math.pow(p.conditionNumber, -j / (2 * Math.max(1, p.dim - 1)));
      return { data, model: logisticRegression(p.dim) };
    }
    case 'mlp': {
      const data = teacherStudent({ n: p.datasetSize, dim: 4, hidden: 8, noise: 0.3, stream }).dataset;
      return { data, model: mlp([4, 8, 1], { activation: 'tanh', loss: 'squared' }) };
    }
  }
}

/** The user's problem: their network at its weights ('own'), or a built-in model from its initialisation, on their training set. */
function ownTask(name: Entry, own: OwnProblem, stream: Stream): { data: Dataset; model: Sequential; theta0: Float64Array } {
  const s = ownSetup(own, ID, name === 'own' ? 'mlp' : name);
  return { data: s.data, model: s.model, theta0: s.theta ?? s.model.init(stream.child('init')) };
}

interface Job {
  path: [Entry];
  p: Params;
}

/** One model: its minimum, Σ and H there, and the noise along the Hessian eigenvectors and the data PCs. */
export const modelTask = defineExperimentTask(import.meta.url, 'sgd.anisotropy/model', (job: Job, { stream }) => {
  const name = job.path[0];
  const own = ownProblemOf(job.p);
  if (own) return ownModelTask(name, own, job.p, stream);
  const { data, model } = task(name as AModel, job.p, stream);
  const min = minimize(model, model.init(stream.child('init')), data, { steps: job.p.steps });
  const theta = min.params;
  const noise = gradientNoise(model, theta, data, { covariance: true });
  const H = hessianMatrix(model, theta, data);
  const P = model.paramCount;
  const a = anisotropyFromPerExample(noise.perExample as Float64Array, data.n, P, H, { sigma: noise.covariance, k: Math.max(1, Math.floor(P / 8)) });
  const pc = dataPcAlignment(model, noise.covariance as Float64Array, data);
  const sub = noiseSubspaceOverlaps(model, noise.perExample as Float64Array, data, H);
  return result(name, model, data, min.loss, min.gradNorm, a, pc, sub);
});

type Stats = ReturnType<typeof anisotropyFromPerExample>;
type Pc = Pick<ReturnType<typeof dataPcAlignment>, 'alignment' | 'topToBottomNoiseRatio'>;

function result(name: Entry, model: Sequential, data: Dataset, loss: number, gradNorm: number, a: Stats, pc: Pc, sub: SubspaceOverlaps) {
  return {
    name,
    modelName: model.name,
    dataName: data.name,
    P: model.paramCount,
    loss,
    gradNorm,
    alignment: a.alignment,
    slope: a.slope,
    slopeSE: a.slopeSE,
    resolved: a.resolved,
    k: a.k,
    sharpToFlatNoiseRatio: a.sharpToFlatNoiseRatio,
    logRatioSE: a.logRatioSE,
    sharpToFlatCurvatureRatio: a.sharpToFlatCurvatureRatio,
    eigenvalues: Array.from(a.eigenvalues),
    noise: Array.from(a.noise),
    noiseSE: Array.from(a.noiseSE),
    dataPcAlignment: pc.alignment,
    dataPcTopToBottomNoise: pc.topToBottomNoiseRatio,
    subspaces: sub,
  };
}

/**
 * The user's problem: the descent starts at their network's weights (or a built-in model's
 * initialisation) and runs `steps` steps (0: measure there); the loss and |∇L| are those of the
 * measured point. The data-PC comparison needs a first Dense layer reading the raw inputs; for
 * other networks (a CNN) its values are NaN and its verdict is left out.
 */
function ownModelTask(name: Entry, own: OwnProblem, p: Params, stream: Stream) {
  const { data, model, theta0 } = ownTask(name, own, stream);
  const theta = p.steps > 0 ? minimize(model, theta0, data, { steps: p.steps }).params : theta0;
  const at = datasetGradient(model, theta, data);
  let g2 = 0;
  for (let j = 0; j < at.gradient.length; j++) g2 += at.gradient[j] ** 2;
  const noise = gradientNoise(model, theta, data, { covariance: true });
  const H = hessianMatrix(model, theta, data);
  const P = model.paramCount;
  const perExample = noise.perExample as Float64Array;
  let a: Stats;
  try {
    // k: a quarter of the directions with resolved curvature (a user's network may have few)
    a = anisotropyFromPerExample(perExample, data.n, P, H, { sigma: noise.covariance });
  } catch (e) {
    if (isParameterError(e) && e.parameter === 'k') throw new ParameterError(name === 'own' ? 'network' : 'models[]', name === 'own' ? model.name : name, 'a model whose loss is curved (λ > 10⁻⁴λ_max) in at least 2 directions at the measured point', e.message);
    throw e;
  }
  const dataPcs = firstDenseOnInputs(model, inputSizeOf(data)) >= 0;
  const pc = dataPcs ? dataPcAlignment(model, noise.covariance as Float64Array, data) : { alignment: NaN, topToBottomNoiseRatio: NaN };
  return result(name, model, data, at.loss, Math.sqrt(g2), a, pc, noiseSubspaceOverlaps(model, perExample, data, H, { dataPcs }));
}

const measurements = z.object({
  models: z.array(
    z.object({
      name: z.enum([...anisotropyModels, 'own']),
      modelName: z.string(),
      dataName: z.string(),
      P: z.number(),
      loss: anyNumber(),
      gradNorm: anyNumber(),
      alignment: anyNumber(),
      slope: anyNumber(),
      slopeSE: anyNumber(),
      resolved: z.number(),
      k: z.number(),
      sharpToFlatNoiseRatio: anyNumber(),
      logRatioSE: anyNumber(),
      sharpToFlatCurvatureRatio: anyNumber(),
      /** Hessian eigenvalues (descending), uᵀΣu along each eigenvector and its SE. */
      eigenvalues: z.array(anyNumber()),
      noise: z.array(anyNumber()),
      noiseSE: z.array(anyNumber()),
      dataPcAlignment: anyNumber(),
      dataPcTopToBottomNoise: anyNumber(),
      /** Overlap ‖UᵀV‖²/k of the top-k eigenvectors of Σ with those of H, and of the input-space noise Σ_x with the data's top principal components (jackknife SEs over 10 groups of examples; k/P and k/D for random subspaces). */
      subspaces: z.object({
        k: z.number(),
        P: z.number(),
        overlapH: anyNumber(),
        overlapHSE: anyNumber(),
        randomH: anyNumber(),
        kData: z.number(),
        D: z.number(),
        overlapData: anyNumber(),
        overlapDataSE: anyNumber(),
        randomData: anyNumber(),
      }),
    }),
  ),
});

export const anisotropyExperiment = defineExperiment({
  id: 'sgd.anisotropy',
  domain: 'sgd',
  title: 'Gradient noise against curvature near a minimum',
  claim: 'Near a minimum the gradient-noise covariance is aligned with the Hessian (Σ ≈ H, Zhu et al. 2019; Xie et al. 2021), so the noise is largest along sharp directions — not along flat ones, as is often claimed.',
  description:
    'Each model is trained to a minimum of its training set by full-batch heavy-ball descent (your network, given as `network` with its training set `data`, from its own weights; `steps: 0` measures at them). There we compute the per-example gradient covariance Σ and the Hessian H (from Hessian-vector products), eigen-decompose H with ml-matrix, and measure the noise variance uᵀΣu along every eigenvector u with its standard error. If Σ ∝ H the log–log slope of uᵀΣu against the eigenvalue is 1 and the sharp/flat noise ratio equals the sharp/flat curvature ratio; the popular claim would need a negative slope and a ratio below 1. The noise is also compared with the principal components of the inputs (the first layer\'s input-space noise against the data covariance). For the mini-batch noise divide Σ by B: the shape does not change.',
  params,
  measurements,
  validate(p) {
    const own = ownProblemOf(p);
    if (!own) return;
    // the training set and each model are built (no descent) so that a mismatch is refused before any task
    const entries: Entry[] = own.network ? ['own'] : p.models;
    entries.forEach((name, i) => {
      let built: { data: Dataset; model: Sequential };
      try {
        built = ownSetup(own, ID, name === 'own' ? 'mlp' : name);
      } catch (e) {
        if (isParameterError(e) && e.parameter === 'model') throw new ParameterError(`models[${i}]`, name, e.allowed, 'with `data` each model is built for your training set');
        throw e;
      }
      if (built.data.n < 20) throw new ParameterError('data', `${built.data.n} examples`, 'at least 20 examples (the overlaps\' standard errors are jackknifed over 10 groups of examples)');
      checkFullMatrixSize(built.model, name === 'own' ? 'network' : `models[${i}]`, ID);
    });
  },
  plan: (p) => (ownProblemOf(p)?.network ? [{ path: ['own'], p } as Job] : p.models.map((name): Job => ({ path: [name], p }))),
  task: modelTask,
  reduce: (models) => ({ models }),
  metrics(m) {
    const metrics: Record<string, number> = {};
    m.models.forEach((a, mi) => {
      const per: Record<string, number> = {
        hessianAlignment: a.alignment,
        sharpToFlatNoiseRatio: a.sharpToFlatNoiseRatio,
        sharpToFlatCurvatureRatio: a.sharpToFlatCurvatureRatio,
        noiseHessianSlope: a.slope,
        noiseHessianSlopeSE: a.slopeSE,
        dataPcAlignment: a.dataPcAlignment,
        dataPcTopToBottomNoise: a.dataPcTopToBottomNoise,
        gradNormAtMinimum: a.gradNorm,
        noiseHessianOverlap: a.subspaces.overlapH,
        noiseHessianOverlapSE: a.subspaces.overlapHSE,
        noiseDataPcOverlap: a.subspaces.overlapData,
        noiseDataPcOverlapSE: a.subspaces.overlapDataSE,
      };
      for (const [k, v] of Object.entries(per)) {
        metrics[`${a.name}.${k}`] = v;
        if (mi === 0) metrics[k] = v;
      }
    });
    return metrics;
  },
  judge(m) {
    const verdicts: Verdict[] = [];
    for (const a of m.models) {
      verdicts.push(
        verdict({
          claim: `${a.modelName}: noise along each Hessian eigenvector ∝ its eigenvalue (Σ ∝ H: log–log slope 1)`,
          theory: 1,
          measured: a.slope,
          se: a.slopeSE,
          note: `Weighted slope over the ${a.resolved} directions with λ > 10⁻⁴λ_max; alignment ⟨Σ,H⟩/(‖Σ‖‖H‖) = ${fmt(a.alignment)}. A negative slope would support the popular claim; a positive one refutes it.`,
        }),
        directionalVerdict({
          claim: `${a.modelName}: popular claim — the noise is at least as large along the flattest directions as along the sharpest (sharp/flat noise ratio ≤ 1)`,
          // in log10: the claim is log10(ratio) ≤ 0, contradicted when the one-sided 95% lower bound is above 0
          measured: Math.log10(a.sharpToFlatNoiseRatio),
          se: a.logRatioSE / Math.LN10,
          direction: 'below',
          note: `In log10. The ${a.k} sharpest resolved directions carry ${fmt(a.sharpToFlatNoiseRatio)}× the noise of the ${a.k} flattest; Σ ∝ H would give the curvature ratio ${fmt(a.sharpToFlatCurvatureRatio)}. ${a.sharpToFlatNoiseRatio > 1 ? 'The noise is larger along sharp directions.' : 'The noise is larger along flat directions here.'}`,
        }),
        directionalVerdict({
          claim: `${a.modelName}: the top ${a.subspaces.k} eigenvector${a.subspaces.k > 1 ? 's' : ''} of the noise covariance Σ ${a.subspaces.k > 1 ? 'span' : 'spans'} the same subspace as the Hessian's, beyond chance (overlap ‖UᵀV‖²/k above k/P = ${fmt(a.subspaces.randomH)})`,
          measured: a.subspaces.overlapH,
          se: a.subspaces.overlapHSE,
          direction: 'above',
          threshold: a.subspaces.randomH,
          note: `Overlap ${fmt(a.subspaces.overlapH)} (1: the same subspace) of the top-${a.subspaces.k} eigenvectors of Σ and of H in ℝ^${a.subspaces.P}; two independent random ${a.subspaces.k}-dimensional subspaces overlap by k/P on average. SE jackknifed over 10 groups of examples (Σ re-estimated, H held).`,
        }),
      );
      // defined only for a first Dense layer on the raw inputs (a user's CNN has none)
      if (a.subspaces.kData === 0) continue;
      verdicts.push(
        directionalVerdict({
          claim: `${a.modelName}: the noise aligns with the data's principal components — the top ${a.subspaces.kData} eigenvector${a.subspaces.kData > 1 ? 's' : ''} of the first layer's input-space noise Σ_x ${a.subspaces.kData > 1 ? 'span' : 'spans'} the top principal components of the inputs, beyond chance (overlap above k/D = ${fmt(a.subspaces.randomData)})`,
          measured: a.subspaces.overlapData,
          se: a.subspaces.overlapDataSE,
          direction: 'above',
          threshold: a.subspaces.randomData,
          note: `Σ_x[j,l] = Σ_o Cov(g_(j,o), g_(l,o)) over the first layer's weights W [${a.subspaces.D} inputs × outputs]; the per-example gradient x_i ⊗ δ_i inherits the input covariance when δ_i is independent of x_i. Overlap ${fmt(a.subspaces.overlapData)}, jackknife SE over 10 groups of examples (Σ_x and the data covariance re-estimated). With (nearly) isotropic inputs the data's principal components are not defined and the overlap is noise: inconclusive is then the honest answer.`,
        }),
      );
    }
    return verdicts;
  },
  present(m, p) {
    const rows: (string | number)[][] = [];
    const points: { x: number; y: number; lo: number; hi: number; series: string }[] = [];
    const lines: { x: number; y: number; series: string }[] = [];
    const notes: string[] = [];
    for (const a of m.models) {
      for (let i = 0; i < a.P; i++) {
        if (a.eigenvalues[i] > 1e-4 * a.eigenvalues[0] && a.noise[i] > 0) {
          points.push({ x: a.eigenvalues[i], y: a.noise[i], lo: a.noise[i] - 1.96 * a.noiseSE[i], hi: a.noise[i] + 1.96 * a.noiseSE[i], series: a.modelName });
        }
      }
      // Σ ∝ H reference line through the noise-weighted centre
      const c = a.noise[0] / a.eigenvalues[0];
      lines.push({ x: a.eigenvalues[0], y: c * a.eigenvalues[0], series: `${a.modelName}: Σ ∝ H` });
      const lastResolved = a.eigenvalues.filter((v) => v > 1e-4 * a.eigenvalues[0]).pop() as number;
      lines.push({ x: lastResolved, y: c * lastResolved, series: `${a.modelName}: Σ ∝ H` });
      rows.push([a.modelName, a.P, a.loss, a.gradNorm, a.alignment, a.slope, a.slopeSE, a.sharpToFlatNoiseRatio, a.sharpToFlatCurvatureRatio, a.dataPcAlignment, a.dataPcTopToBottomNoise]);
      if (a.name === 'own' || p.data) {
        notes.push(
          `${a.modelName} on ${a.dataName}: measured ${p.steps > 0 ? `after ${p.steps} full-batch heavy-ball steps from ${a.name === 'own' ? 'the weights of your network' : 'the initialisation'}` : `at ${a.name === 'own' ? 'the weights of your network' : 'the initialisation'}`}, loss ${fmt(a.loss, 4)}, |∇L| = ${fmt(a.gradNorm)} (Σ ≈ H is a claim about a minimum: a large |∇L| means the point is not one).`,
        );
      }
      if (a.subspaces.kData === 0) {
        notes.push(`${a.modelName}: no comparison with the data's principal components — its first layer is not a Dense layer reading the raw inputs.`);
        continue;
      }
      notes.push(
        `${a.modelName} on ${a.dataName}: data-PC alignment ${fmt(a.dataPcAlignment)}; noise along the top input principal components is ${fmt(a.dataPcTopToBottomNoise)}× that along the bottom ones (the per-example gradient x_i·δ_i inherits the input covariance).`,
      );
    }
    return {
      tables: [
        {
          name: 'subspaces',
          title: 'Overlap of the top noise eigenvectors with the Hessian\'s and with the data\'s principal components (1: same subspace)',
          columns: ['model', 'k', 'P', 'overlap with H', 'SE', 'random k/P', 'k (inputs)', 'D', 'overlap with data PCs', 'SE', 'random k/D'],
          rows: m.models.map((a) => [a.modelName, a.subspaces.k, a.subspaces.P, a.subspaces.overlapH, a.subspaces.overlapHSE, a.subspaces.randomH, a.subspaces.kData, a.subspaces.D, a.subspaces.overlapData, a.subspaces.overlapDataSE, a.subspaces.randomData]),
        },
        {
          name: 'anisotropy',
          title: 'Noise covariance against the Hessian at the minimum',
          columns: ['model', 'P', 'loss', '|∇L|', '⟨Σ,H⟩/‖Σ‖‖H‖', 'slope', 'SE', 'sharp/flat noise', 'sharp/flat curvature', 'data-PC alignment', 'top/bottom PC noise'],
          rows,
        },
      ],
      figures: [
        xyFigure({
          name: 'noise-vs-curvature',
          title: 'Noise variance along Hessian eigenvectors against their eigenvalue',
          x: { title: 'Hessian eigenvalue λ', log: true },
          y: { title: 'noise variance uᵀΣu', log: true },
          points,
          lines,
        }),
      ],
      notes: [
        ...notes,
        'Why Σ ≈ H: at a minimum of a well-specified model the per-example gradient covariance is the Fisher information, which equals the Hessian (for least squares Σ = σ²E[xxᵀ] = σ²H). Directions the data constrain strongly are exactly those where examples disagree most.',
      ],
    };
  },
});
