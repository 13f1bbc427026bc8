/** Stand-in for comlink's Node adapter (used by core's worker_threads pool, never in the browser). */
export default function nodeEndpoint(): never {
  throw new Error("comlink's node adapter is not available in the browser");
}
