#!/usr/bin/env node
// Packs what the GPU benchmark needs on a Linux x64 GPU machine that has no Node.js and no
// network: this Node binary (process.execPath), Dawn's linux-x64 dawn.node with the `webgpu`
// package's loader, the benchmark bundled with the built dist of @snrlab/core and
// @snrlab/tensor (one ESM file), and run.sh. Output: an xz tarball (about 28 MiB at -9).
//
//   node tools/gpu/pack.mjs [--out tools/gpu/snrlab-gpu.tar.xz] [--fast | --no-xz]
//
// Build first (npm run build, or npx tsup in packages/core and packages/tensor): the bundle is
// made from the packages' dist, as users import them. --fast uses xz -0; --no-xz writes a plain
// tar (tests); run.sh unpacks either.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const out = path.resolve(opt('--out', path.join(root, 'tools/gpu/snrlab-gpu.tar.xz')));
const fast = args.includes('--fast');
const noXz = args.includes('--no-xz'); // a plain .tar (tests: xz of the Node binary takes a while)
const die = (msg) => {
  console.error(`pack: ${msg}`);
  process.exit(1);
};

if (process.platform !== 'linux' || process.arch !== 'x64') die(`packs the linux-x64 Node binary; this is ${process.platform}-${process.arch}`);
const require = createRequire(path.join(root, 'packages/tensor/package.json'));
let webgpuDir;
try {
  webgpuDir = path.dirname(require.resolve('webgpu/package.json'));
} catch {
  die("the optional package 'webgpu' is not installed (npm ci installs it on linux-x64)");
}
const dawn = path.join(webgpuDir, 'dist/linux-x64/dawn.node');
if (!fs.existsSync(dawn)) die(`missing ${dawn}`);
for (const p of ['core', 'tensor']) {
  if (!fs.existsSync(path.join(root, `packages/${p}/dist/index.js`))) die(`packages/${p}/dist is not built: run npm run build (or npx tsup in packages/${p})`);
}

fs.mkdirSync(path.dirname(out), { recursive: true });
const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'snrlab-gpu-pack-'));
const top = path.join(stage, 'snrlab-gpu');
try {
  fs.mkdirSync(path.join(top, 'bin'), { recursive: true });
  fs.mkdirSync(path.join(top, 'node_modules/webgpu/dist/linux-x64'), { recursive: true });
  fs.mkdirSync(path.join(top, 'bench'), { recursive: true });
  fs.copyFileSync(process.execPath, path.join(top, 'bin/node'));
  fs.chmodSync(path.join(top, 'bin/node'), 0o755);
  for (const f of ['package.json', 'index.js', 'LICENSE.md']) fs.copyFileSync(path.join(webgpuDir, f), path.join(top, 'node_modules/webgpu', f));
  fs.copyFileSync(dawn, path.join(top, 'node_modules/webgpu/dist/linux-x64/dawn.node'));
  fs.copyFileSync(path.join(root, 'tools/gpu/run.sh'), path.join(top, 'run.sh'));
  fs.chmodSync(path.join(top, 'run.sh'), 0o755);

  // the benchmark and the built packages it imports, in one file; webgpu is loaded from node_modules
  const esbuild = await import(require.resolve('esbuild'));
  await esbuild.build({
    entryPoints: [path.join(root, 'packages/tensor/bench/gpu.bench.ts')],
    outfile: path.join(top, 'bench/gpu.bench.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['webgpu', 'webgpu/*', '@tensorflow/*'],
    banner: { js: "import { createRequire as __snrlabCreateRequire } from 'node:module'; const require = __snrlabCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  const manifest = {
    packed: new Date().toISOString(),
    node: process.version,
    webgpu: JSON.parse(fs.readFileSync(path.join(webgpuDir, 'package.json'), 'utf8')).version,
    tensor: JSON.parse(fs.readFileSync(path.join(root, 'packages/tensor/package.json'), 'utf8')).version,
    commit: spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim() || undefined,
  };
  fs.writeFileSync(path.join(top, 'MANIFEST.json'), JSON.stringify(manifest, null, 2) + '\n');

  fs.mkdirSync(path.dirname(out), { recursive: true });
  const r = spawnSync('tar', ['-C', stage, '-cf', out, ...(noXz ? [] : ['-I', `xz -T0 ${fast ? '-0' : '-9'}`]), 'snrlab-gpu'], { stdio: 'inherit' });
  if (r.status !== 0) die('tar/xz failed (is xz installed?)');
  console.log(`packed ${out} (${(fs.statSync(out).size / 2 ** 20).toFixed(1)} MiB): node ${process.version}, webgpu ${manifest.webgpu}`);
} finally {
  fs.rmSync(stage, { recursive: true, force: true });
}
