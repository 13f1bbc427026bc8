/**
 * tools/gpu: the device script for a GPU machine without Node.js or network, tested here up to
 * the step that needs the GPU. Packs (a plain tar: xz of the Node binary is slow), unpacks into a
 * temporary folder, runs the checks — which must name NVIDIA's missing Vulkan ICD — and runs the
 * packed benchmark with the packed Node on the emulated adapter, where it must say "fallback
 * adapter: correctness only" and pass its correctness checks.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireWebGPU } from '../src/webgpu/device.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const built = ['core', 'tensor'].every((p) => fs.existsSync(path.join(root, `packages/${p}/dist/index.js`)));
const linux = process.platform === 'linux' && process.arch === 'x64';
const nvidiaIcd = ['/etc/vulkan/icd.d', '/usr/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'].some((d) => fs.existsSync(d) && fs.readdirSync(d).some((f) => f.startsWith('nvidia_icd')));
if (!built) console.log('device script test skipped: build packages/core and packages/tensor first (npm run build)');
if (!linux) console.log(`device script test skipped: packs the linux-x64 Node (this is ${process.platform}-${process.arch})`);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'snrlab-gpu-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.runIf(built && linux)('tools/gpu device script', () => {
  const tar = path.join(tmp, 'snrlab-gpu.tar');
  const env = { ...process.env };
  delete env.VK_ICD_FILENAMES;
  delete env.VK_DRIVER_FILES;
  delete env.SNRLAB_WEBGPU_ICD;

  it('packs Node, dawn.node and the bundled benchmark', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'tools/gpu/pack.mjs'), '--no-xz', '--out', tar], { encoding: 'utf8', env });
    expect(r.status, r.stderr).toBe(0);
    const list = spawnSync('tar', ['-tf', tar], { encoding: 'utf8' }).stdout.split('\n');
    expect(list).toEqual(expect.arrayContaining(['snrlab-gpu/bin/node', 'snrlab-gpu/node_modules/webgpu/dist/linux-x64/dawn.node', 'snrlab-gpu/bench/gpu.bench.mjs', 'snrlab-gpu/run.sh', 'snrlab-gpu/MANIFEST.json']));
  });

  it.skipIf(nvidiaIcd)('unpacks, checks Node, dawn.node and the Vulkan loader, and names the missing NVIDIA ICD', () => {
    const dir = path.join(tmp, 'unpacked');
    const r = spawnSync('bash', [path.join(root, 'tools/gpu/run.sh'), tar, '--dir', dir], { encoding: 'utf8', env });
    const log = r.stdout + r.stderr;
    expect(log).toMatch(/dawn\.node loads/);
    if (r.status === 11) {
      expect(log).toMatch(/missing the Vulkan loader libvulkan\.so\.1/);
      return;
    }
    expect(log).toMatch(/Vulkan loader: .*libvulkan\.so\.1/);
    expect(r.status, log).toBe(12);
    expect(log).toMatch(/FAILED: missing NVIDIA's Vulkan ICD: no nvidia_icd\.json in \/etc\/vulkan\/icd\.d/);
    // an ICD file whose driver library is not installed is named too
    const fake = path.join(tmp, 'nvidia_icd.json');
    fs.writeFileSync(fake, JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: 'libGLX_nvidia_missing.so.0', api_version: '1.3.0' } }));
    const r2 = spawnSync('bash', [path.join(dir, 'snrlab-gpu/run.sh'), '--check-only'], { encoding: 'utf8', env: { ...env, VK_ICD_FILENAMES: fake } });
    expect(r2.status).toBe(12);
    expect(r2.stderr).toMatch(/names libGLX_nvidia_missing\.so\.0, which is not installed/);
  });

  it('the packed benchmark runs with the packed Node on an emulated adapter: correctness only', async () => {
    const ok = await acquireWebGPU().then(
      () => true,
      (e: unknown) => {
        console.log(`packed benchmark run skipped: no adapter (${e instanceof Error ? e.message : String(e)})`);
        return false;
      },
    );
    if (!ok) return;
    const dir = path.join(tmp, 'unpacked');
    if (!fs.existsSync(path.join(dir, 'snrlab-gpu/bin/node'))) spawnSync('tar', ['-C', (fs.mkdirSync(dir, { recursive: true }), dir), '-xf', tar]);
    const r = spawnSync(path.join(dir, 'snrlab-gpu/bin/node'), ['bench/gpu.bench.mjs'], { cwd: path.join(dir, 'snrlab-gpu'), encoding: 'utf8', env });
    const log = r.stdout + r.stderr;
    if (/hardware adapter/.test(log)) return; // a real GPU here: nothing to say about the fallback path
    expect(log).toMatch(/fallback adapter: correctness only/);
    expect(log).toMatch(/all checks passed/);
    expect(r.status, log).toBe(0);
    // and the device script refuses to benchmark it
    const r3 = spawnSync(path.join(dir, 'snrlab-gpu/bin/node'), ['bench/gpu.bench.mjs'], { cwd: path.join(dir, 'snrlab-gpu'), encoding: 'utf8', env: { ...env, SNRLAB_REQUIRE_NVIDIA: '1' } });
    expect(r3.status).toBe(3);
    expect(r3.stdout).toMatch(/not a non-fallback NVIDIA adapter/);
  });
});
