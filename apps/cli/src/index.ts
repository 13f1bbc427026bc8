/** Programmatic pieces of the snrlab CLI. */
export { buildProgram, main, EXIT } from './cli.js';
export { figureToSVG, figureFileName } from './render.js';
export { formatResult, table, fmt } from './format.js';
export { runDemo, DEMO_RUNS } from './demo.js';
