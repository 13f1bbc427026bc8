#!/usr/bin/env node
// The `snrlab` command. This launcher is committed (not built), so that `npm ci` can link
// `npx snrlab` before the first build; it starts the built CLI.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('snrlab: the CLI is not built yet: run `npm run build` (or `npm start`) in the repository first');
  process.exit(1);
}
await import(cli.href);
