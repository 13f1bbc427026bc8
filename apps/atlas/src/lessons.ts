/**
 * The lessons: which experiments each one runs, at what sizes (a first partial within about a
 * second on a 2-core laptop), and which parameters its controls move. Every parameter a control
 * sets is an ordinary experiment parameter, so `snrlab run <id> --seed S --set …` reproduces it.
 */
export type ParamValue = number | string | boolean | number[] | string[];

export type Control =
  /** A slider over a list of values (log-spaced where the quantity is a budget or a scale). */
  | { kind: 'range'; param: string; label: string; values: number[]; unit?: string }
  /** A slider over the largest value of a sweep; the parameter is the whole sweep. */
  | { kind: 'sweep'; param: string; label: string; maxes: number[]; sweep: (max: number) => number[]; unit?: string }
  | { kind: 'select'; param: string; label: string; options: [string, string][]; list?: boolean }
  | { kind: 'toggle'; param: string; label: string; on: ParamValue; off: ParamValue };

export interface Panel {
  /** Prefix of this panel's parameters in the URL: `<key>.<param>=<value>`. */
  key: string;
  experiment: string;
  title: string;
  /** Parameters that size the run for the browser (the URL may override any of them). */
  base: Record<string, ParamValue>;
  controls: Control[];
  /** Which verdict is the headline (default the first). */
  headline?: number;
}

export interface Selector {
  key: string;
  label: string;
  options: [string, string][];
}

export interface Lesson {
  id: string;
  number: number;
  title: string;
  explanation: string[];
  claim: string;
  selectors?: Selector[];
  panels(selection: Record<string, string>): Panel[];
}

const pow2 = (from: number, to: number): number[] => {
  const out: number[] = [];
  for (let b = from; b <= to; b *= 2) out.push(b);
  return out;
};
const pow4 = (from: number, to: number): number[] => {
  const out: number[] = [];
  for (let b = from; b <= to; b *= 4) out.push(b);
  return out;
};

const budgetPanels: Record<string, Panel> = {
  batch: {
    key: 'batch',
    experiment: 'sgd.batch-variance',
    title: 'Mini-batch gradient: batch size B',
    base: { estimates: 100, batchSizes: pow2(1, 64) },
    controls: [{ kind: 'sweep', param: 'batchSizes', label: 'Largest batch size B', maxes: [8, 16, 32, 64, 128], sweep: (m) => pow2(1, m) }],
  },
  graphsage: {
    key: 'graphsage',
    experiment: 'sgd.neighbor-sampling',
    title: 'GraphSAGE: neighbours sampled k',
    base: { nodes: 200, estimates: 100, ks: pow2(1, 8) },
    controls: [{ kind: 'sweep', param: 'ks', label: 'Largest neighbour budget k', maxes: [4, 8, 16, 32], sweep: (m) => pow2(1, m) }],
  },
  shots: {
    key: 'shots',
    experiment: 'vqe.shot-noise',
    title: 'VQE energy: shots N',
    base: { estimates: 500, shots: pow4(16, 1024) },
    controls: [{ kind: 'sweep', param: 'shots', label: 'Largest shot count N', maxes: [256, 1024, 4096, 16384], sweep: (m) => pow4(16, m) }],
  },
  molecules: {
    key: 'molecules',
    experiment: 'morphogen.rdme-stationary',
    title: 'Morphogen: molecules per voxel',
    base: { replicas: 8, duration: 10 },
    controls: [{ kind: 'range', param: 'p', label: 'Production rate p (molecules per voxel ∝ p)', values: [0.0005, 0.001, 0.002, 0.004] }],
    headline: 1,
  },
  replicas: {
    key: 'replicas',
    experiment: 'langevin.replica-average',
    title: 'Langevin: replicas R',
    base: { estimates: 200, replicas: pow2(1, 64) },
    controls: [{ kind: 'sweep', param: 'replicas', label: 'Largest replica count R', maxes: [16, 64, 256], sweep: (m) => pow4(1, m) }],
  },
  draws: {
    key: 'draws',
    experiment: 'core.estimator-scaling',
    title: 'Any noisy draws: mean of B',
    base: { estimates: 1000 },
    controls: [
      { kind: 'sweep', param: 'budgets', label: 'Largest budget B', maxes: [16, 64, 256, 1024], sweep: (m) => pow2(1, m) },
      { kind: 'toggle', param: 'noise', label: 'α-stable noise (breaks the law)', on: 'alpha-stable', off: 'gaussian' },
      { kind: 'range', param: 'alpha', label: 'Stability index α', values: [0.8, 1.0, 1.2, 1.5, 1.8] },
    ],
  },
};

export const lessons: Lesson[] = [
  {
    id: 'one-law',
    number: 1,
    title: 'One law, five budgets',
    explanation: [
      'A mini-batch gradient, a neighbour-sampled graph gradient, a shot-based energy, a molecule count and a replica average are all the same object: an average of noisy draws, paid for with a budget.',
      'Averaging n independent draws divides their variance by n. On log–log axes every domain falls on a line of slope −1. Heavy-tailed (α-stable) draws have no variance, and their spread falls more slowly: the law breaks.',
    ],
    claim: 'Variance ∝ 1/budget: slope −1 on log–log axes, in every domain; 2/α − 2 for α-stable noise.',
    selectors: [
      {
        key: 'domain',
        label: 'Domain (budget)',
        options: [
          ['batch', 'Mini-batch B (SGD)'],
          ['graphsage', 'GraphSAGE neighbours k'],
          ['shots', 'Shots N (VQE)'],
          ['molecules', 'Molecules per voxel (morphogen)'],
          ['replicas', 'Langevin replicas R'],
          ['draws', 'Generic draws, with an α-stable switch'],
        ],
      },
    ],
    panels: (sel) => [budgetPanels[sel.domain] ?? budgetPanels.batch],
  },
  {
    id: 'positional-error',
    number: 2,
    title: 'Positional error',
    explanation: [
      'A cell reads a noisy concentration and decides where it is by comparing it with a threshold. The boundary it draws scatters by σ_x ≈ σ_C/|C′(x*)|: the noise divided by the steepness of the signal.',
      'The same formula locates the minimum of a loss from noisy mini-batch gradients, and the optimal angle of a VQE circuit from shot-noisy derivatives.',
    ],
    claim: 'σ_x = σ_F / |F′(x*)| for a morphogen boundary, an SGD minimum and a VQE optimal angle.',
    panels: (): Panel[] => [
      {
        key: 'field',
        experiment: 'core.positional-error',
        title: 'A noisy gradient read at a threshold',
        base: { replicas: 1000 },
        controls: [
          { kind: 'range', param: 'amplitude', label: 'Amplitude C₀', values: [100, 300, 1000, 3000, 10000] },
          { kind: 'range', param: 'decayLength', label: 'Decay length λ', values: [5, 10, 20, 40] },
          { kind: 'range', param: 'thresholdFraction', label: 'Threshold θ / C₀', values: [0.1, 0.25, 0.5] },
          { kind: 'select', param: 'noise', label: 'Kinetic noise', options: [['poisson', 'Poisson (molecule counts)'], ['gaussian', 'Gaussian (sd σ)']] },
          { kind: 'range', param: 'sigma', label: 'Gaussian noise sd σ', values: [1, 3, 10, 30, 100] },
        ],
      },
      {
        key: 'sgd',
        experiment: 'sgd.minimum-location',
        title: 'An SGD loss minimum',
        base: { replicas: 200, models: ['linear-regression'], batchSizes: [16, 64] },
        controls: [{ kind: 'sweep', param: 'batchSizes', label: 'Largest batch size B', maxes: [64, 256, 1024], sweep: (m) => pow4(16, m) }],
      },
      {
        key: 'vqe',
        experiment: 'vqe.optimal-angle',
        title: 'A VQE optimal angle',
        base: { replicas: 300 },
        controls: [{ kind: 'range', param: 'shotBudget', label: 'Shots per derivative', values: [250, 1000, 4000, 16000] }],
      },
    ],
  },
  {
    id: 'temperature',
    number: 3,
    title: 'Temperature',
    explanation: [
      'SGD with learning rate η and batch size B behaves like Langevin dynamics at temperature T = ησ²/(2B): its iterates spread out into a Boltzmann density.',
      'The match is not exact: on a quadratic of curvature h the stationary variance is ησ²/(B·h·(2 − ηh)), and the discrete correction grows with ηh.',
    ],
    claim: 'SGD samples the Boltzmann density at T = ησ²/(2B), with the exact discrete correction 2/(2 − ηh).',
    panels: (): Panel[] => [
      {
        key: 'sgd',
        experiment: 'sgd.temperature',
        title: 'SGD on a quadratic and in a double well',
        base: { replicas: 1000, doubleWellReplicas: 200 },
        controls: [
          { kind: 'range', param: 'learningRate', label: 'Learning rate η (h = 1)', values: [0.05, 0.1, 0.2, 0.5, 1, 1.5] },
          { kind: 'range', param: 'batchSize', label: 'Batch size B', values: [1, 2, 4, 8, 16, 32] },
        ],
      },
    ],
  },
  {
    id: 'saddles-wells',
    number: 4,
    title: 'Saddles and wells',
    explanation: [
      'Noise pushes a particle off a saddle quickly: the escape time grows only like ln(1/D). Out of a well it must climb a barrier ΔU, and the time grows like e^{ΔU/D} (Kramers).',
      'Both are measured from many simulated trajectories and compared with exact mean first-passage times.',
    ],
    claim: 'Saddle escape takes (1/2λ)[ln(λr²/D) + γ + ln 2]; well escape follows the exact MFPT, approached by Kramers’ law.',
    panels: (): Panel[] => [
      {
        key: 'saddle',
        experiment: 'langevin.saddle-escape',
        title: 'Escape from a saddle',
        base: { replicas: 2000, sweepReplicas: 500 },
        controls: [{ kind: 'range', param: 'D', label: 'Noise D', values: [0.01, 0.001, 0.0001, 0.00001, 0.000001] }],
      },
      {
        key: 'well',
        experiment: 'langevin.kramers',
        title: 'Escape from a well',
        base: { replicas: 2000 },
        controls: [
          { kind: 'range', param: 'D', label: 'Noise D', values: [0.1, 0.15, 0.25, 0.4, 0.6] },
          { kind: 'select', param: 'target', label: 'Exit at', options: [['barrier', 'the barrier top'], ['well', 'the other well']] },
        ],
      },
    ],
  },
  {
    id: 'games',
    number: 5,
    title: 'Games that cycle',
    explanation: [
      'Two players descending and ascending the bilinear game f = xy do not converge: simultaneous steps spiral out, alternating steps circle, extragradient and optimistic steps spiral in.',
      'Gradient noise adds an outward drift on top: the mean squared radius E r² follows an exact law for each method.',
    ],
    claim: 'Each method’s radius grows or shrinks by its exact spectral factor; with noise, E r² follows its exact law.',
    panels: (): Panel[] => [
      {
        key: 'game',
        experiment: 'gan.bilinear',
        title: 'Phase portrait of a bilinear game',
        base: { particles: 300, steps: 300, methods: ['simultaneous'] },
        controls: [
          {
            kind: 'select',
            param: 'methods',
            list: true,
            label: 'Method',
            options: [
              ['simultaneous', 'Simultaneous'],
              ['alternating', 'Alternating'],
              ['extragradient', 'Extragradient'],
              ['optimistic', 'Optimistic'],
            ],
          },
          { kind: 'range', param: 'sigma', label: 'Gradient noise σ', values: [0, 0.05, 0.1, 0.2, 0.4] },
        ],
      },
    ],
  },
  {
    id: 'shots-gradients',
    number: 6,
    title: 'Shots and gradients',
    explanation: [
      'On a quantum computer every gradient is paid in shots. Parameter shift spends them on 2d circuits and is unbiased; SPSA spends them on two circuits along a random direction.',
      'At an equal shot budget their errors split into shot noise and direction noise; the optimisers that use them race to chemical accuracy on H₂.',
    ],
    claim: 'At a fixed shot budget, the gradient variance of each method follows its exact decomposition; the race shows what that costs.',
    panels: (): Panel[] => [
      {
        key: 'variance',
        experiment: 'vqe.gradient-variance',
        title: 'Gradient variance at an equal shot budget',
        base: { estimates: 200, shiftEstimates: 40, thetaPoints: 2, layers: [0, 1, 3] },
        controls: [{ kind: 'range', param: 'shotBudget', label: 'Shots per gradient B', values: [1600, 3200, 12800, 51200] }],
      },
      {
        key: 'race',
        experiment: 'vqe.optimize',
        title: 'Parameter shift against SPSA on H₂',
        base: { problems: ['h2-2q'], replicas: 4, totalShots: 100000 },
        controls: [{ kind: 'range', param: 'totalShots', label: 'Total shots per run', values: [25000, 50000, 100000, 200000, 400000] }],
      },
    ],
  },
];

export function lessonById(id: string | null | undefined): Lesson {
  return lessons.find((l) => l.id === id) ?? lessons[0];
}
