/**
 * Node's Math, bit for bit, in the browser.
 *
 * ECMAScript leaves Math.log, Math.sin, Math.pow, … implementation-approximated, and engines
 * differ: Node 20 (V8 11.3) computes them with V8's fdlibm port, while current Chromium returns
 * different last bits for roughly 1 argument in 10. The engines draw their random numbers with
 * them (the ziggurat's tails, Poisson, gamma and α-stable samplers) and rotate qubits with them,
 * so the atlas installs fdlibm transcriptions that equal Node 20's results bit for bit (checked on
 * 300 000 arguments each, 5.7 million for pow) before any engine module is evaluated: then the
 * atlas's measurements equal the CLI's byte for byte.
 *
 * Import this module first, in every thread that computes.
 */
import ln from '@stdlib/math-base-special-ln';
import exp from '@stdlib/math-base-special-exp';
import expm1 from '@stdlib/math-base-special-expm1';
import log1p from '@stdlib/math-base-special-log1p';
import { cos, cosh, pow, sin, sinh, tan, tanh } from './fdlibm.js';

const M = Math as unknown as Record<string, (...x: number[]) => number>;
const replaced = { log: ln, exp, expm1, log1p, sin, cos, tan, pow, cosh, sinh, tanh };
for (const [name, fn] of Object.entries(replaced)) M[name] = fn;

/** The Math functions the atlas replaces (the others it leaves to the browser). */
export const NODE_MATH = Object.keys(replaced);
