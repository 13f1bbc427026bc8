/** Input options: how the CLI fills this package's parameters from a user's own problem. */
import type { InputOption } from '@snrlab/core';
import { expressionDim, expressionPotential } from './expression.js';

/**
 * `--potential "x^4/4 - x^2/2 + 0.1*x"`: your own potential, as an expression in x (1-D) or x and
 * y (2-D), for the Boltzmann, Kramers (1-D) and replica-average experiments. It is parsed and
 * differentiated before anything runs; a bad expression is a ParameterError (exit 2) with its
 * position. Confinement is checked by each experiment at its temperature.
 */
export const potentialInput: InputOption = {
  flag: 'potential',
  param: 'userPotential',
  description: 'your own potential U as an expression in x (1-D) or x and y (2-D), e.g. "x^4/4 - x^2/2 + 0.1*x"',
  kind: 'text',
  experiments: ['langevin.boltzmann', 'langevin.kramers', 'langevin.replica-average'],
  load(arg: string) {
    const dim = expressionDim(arg);
    const p = expressionPotential({ expression: arg, dim }, '--potential');
    const kind = p.builtin ? `polynomial (= the built-in ${p.builtin})` : p.polynomial ? `polynomial of degree ${p.polynomial.coefficients.length - 1}` : 'expression';
    return { value: { expression: arg, dim }, format: `${dim}-D ${kind} (mathjs)` };
  },
};

export const inputOptions: InputOption[] = [potentialInput];
