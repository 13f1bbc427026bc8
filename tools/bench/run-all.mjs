#!/usr/bin/env node
// Runs every packages/*/bench/*.bench.ts against the built packages (npm run bench builds
// first). Each benchmark prints its own table of ratios against baselines measured in the
// same run. Pass package names to run a subset: node tools/bench/run-all.mjs core tensor
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const only = process.argv.slice(2);
const tsconfig = path.join(root, 'tools/bench/tsconfig.bench.json');
let failed = 0;
for (const pkg of fs.readdirSync(path.join(root, 'packages')).sort()) {
  if (only.length && !only.includes(pkg)) continue;
  const dir = path.join(root, 'packages', pkg, 'bench');
  if (!fs.existsSync(dir)) continue;
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort()) {
    console.log(`\n# ${pkg}/bench/${f}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx/esm', path.join(dir, f)], {
      stdio: 'inherit',
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
    });
    if (r.status !== 0) failed++;
  }
}
process.exit(failed ? 1 : 0);
