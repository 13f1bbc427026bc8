/** Input options: how the CLI fills this package's parameters from a user's own problem. */
import type { InputOption } from '@snrlab/core';
import { expressionPotential, inferPotentialDim } from './expression.js';

/**
 * `--potential "x^4/4 - x^2/2 + 0.1*x"`: your own potential, as an expression in x (1-D) or x and
 * y (2-D; the dimension is inferred from the variables it names), for the Boltzmann (1-D, 2-D),
 * Kramers (1-D) and replica-average (1-D, 2-D) experiments. It is parsed and differentiated before
 * anything runs; a bad expression or an unknown variable is a ParameterError (exit 2) with its
 * position. Confinement is checked by each experiment at its temperature.
 */
export const potentialInput: InputOption = {
  flag: 'potential',
  param: 'userPotential',
  description: 'your own potential U as an expression in x (1-D) or x and y (2-D), e.g. "x^4/4 - x^2/2 + 0.1*x"',
  kind: 'text',
  experiments: ['langevin.boltzmann', 'langevin.kramers', 'langevin.replica-average'],
  load(arg: string) {
    const dim = inferPotentialDim(arg, '--potential');
    const p = expressionPotential({ expression: arg, dim }, '--potential');
    // 'polynomial' where the registry's kernels take it as coefficients
    const kind = p.builtin ? `polynomial (= the built-in ${p.builtin})` : p.polynomial ? `polynomial of degree ${p.polynomial.coefficients.length - 1}` : 'expression';
    return { value: { expression: arg, dim }, format: `${dim}-D ${kind} (mathjs)` };
  },
};

export const inputOptions: InputOption[] = [potentialInput];
