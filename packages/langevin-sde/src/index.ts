/** @snrlab/langevin-sde — this entry point has no side effects; import '@snrlab/langevin-sde/register' to register its experiments. */
export { PACKAGE } from './package.js';
export * from './experiments/index.js';
export * from './potentials.js';
export * from './reference.js';
export * from './problem.js';
export * from './brownian.js';
export * from './solvers.js';
export * from './first-passage.js';
export * from './solve.js';
export * from './discrete.js';
export * from './checks.js';
export * from './expression.js';
export * from './boltzmann2d.js';
export { potentialInput, inputOptions } from './inputs.js';
export { solveOnKernel, type KernelSolution, type KernelSolveOptions } from './kernel-solve.js';
