/**
 * Stand-in for the TF.js packages that @snrlab/tensor loads on demand. The atlas computes on the
 * float64 'js' backend (the same bytes as the CLI's default), so TF.js is left out of the bundle.
 */
const missing = (): never => {
  throw new Error('TF.js backends are not bundled in the atlas; it computes on the js backend');
};
export const setBackend = missing;
export const ready = missing;
export const setWasmPaths = missing;
export const version_core = 'not bundled';
export default { setBackend, ready, setWasmPaths };
