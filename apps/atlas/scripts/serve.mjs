/** `npm run atlas` (root) and `npm run serve -w @snrlab/atlas`: serve the built atlas and print its address. */
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import { serveStatic } from './static-server.mjs';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
if (!fs.existsSync(dist + 'index.html')) {
  console.error('apps/atlas/dist is missing: build it first (npm run build -w @snrlab/atlas)');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 5317);
const { url } = await serveStatic(dist, port);
console.log(`snrlab atlas: ${url}  (Ctrl-C to stop)`);
