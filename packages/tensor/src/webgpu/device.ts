/// <reference types="@webgpu/types" />
/**
 * WebGPU device acquisition, in browsers (navigator.gpu) and in Node (Dawn, through the optional
 * `webgpu` package). Nothing happens on import: `acquireWebGPU()` does the work once and caches
 * the device.
 *
 * Node specifics (see the README):
 * - Dawn finds GPUs through the Vulkan loader (libvulkan.so.1) and its ICD files. When neither
 *   VK_ICD_FILENAMES nor VK_DRIVER_FILES is set and the system has no hardware ICD file, the
 *   SwiftShader ICD that Chromium ships is used if present, so tests run on an emulated adapter
 *   (reported as a fallback adapter). SNRLAB_WEBGPU_ICD=system leaves the loader alone;
 *   SNRLAB_WEBGPU_ICD=/path/icd.json picks one.
 * - The object `create()` returns is kept alive for the life of the process: if it is
 *   garbage-collected, Dawn crashes natively.
 */

export interface AdapterReport {
  /** 'navigator.gpu' or 'dawn (webgpu x.y.z)'. */
  api: string;
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** The adapter says it is a fallback adapter (WebGPU's isFallbackAdapter). */
  fallback: boolean;
  /** A software rasteriser (SwiftShader, llvmpipe/lavapipe, WARP): fallback or not, never fast. */
  software: boolean;
  /** Which Vulkan ICD the loader was pointed at (Node), when known. */
  icd?: string;
  limits: {
    maxStorageBufferBindingSize: number;
    maxBufferSize: number;
    maxComputeWorkgroupSizeX: number;
    maxComputeInvocationsPerWorkgroup: number;
    maxComputeWorkgroupsPerDimension: number;
    maxComputeWorkgroupStorageSize: number;
  };
  features: string[];
}

export interface WebGPUContext {
  device: GPUDevice;
  adapter: GPUAdapter;
  report: AdapterReport;
  /** The `webgpu` package's version (Node), for manifests. */
  version?: string;
}

/** Chromium's SwiftShader Vulkan ICD, where Debian and Ubuntu packages put it. */
export const SWIFTSHADER_ICDS = ['/usr/lib/chromium/vk_swiftshader_icd.json', '/usr/lib/chromium-browser/vk_swiftshader_icd.json', '/opt/google/chrome/vk_swiftshader_icd.json'];
const SYSTEM_ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render|warp/i;

const KEEP = Symbol.for('snrlab.webgpu.keep');
let pending: Promise<WebGPUContext> | null = null;

/** Summarise an adapter: vendor, architecture, fallback or software, key limits. */
export function adapterReport(adapter: GPUAdapter, api: string, icd?: string): AdapterReport {
  const info = ((adapter as { info?: unknown }).info ?? {}) as Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean };
  const a = adapter as GPUAdapter & { isFallbackAdapter?: boolean };
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const device = info.device ?? '';
  const description = info.description ?? '';
  const fallback = Boolean(info.isFallbackAdapter ?? a.isFallbackAdapter ?? false);
  const software = fallback || SOFTWARE.test(`${vendor} ${architecture} ${device} ${description}`) || /swiftshader|lvp_icd|lavapipe/i.test(icd ?? '');
  const L = adapter.limits;
  return {
    api,
    vendor,
    architecture,
    device,
    description,
    fallback,
    software,
    ...(icd ? { icd } : {}),
    limits: {
      maxStorageBufferBindingSize: L.maxStorageBufferBindingSize,
      maxBufferSize: L.maxBufferSize,
      maxComputeWorkgroupSizeX: L.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: L.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupsPerDimension: L.maxComputeWorkgroupsPerDimension,
      maxComputeWorkgroupStorageSize: L.maxComputeWorkgroupStorageSize,
    },
    features: [...adapter.features].map(String).sort(),
  };
}

/** One line for tables: "google swiftshader, SwiftShader driver 5.0.0 — fallback (software) adapter". */
export function describeAdapter(r: AdapterReport): string {
  const name = [r.vendor, r.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const kind = r.fallback ? 'fallback (software) adapter' : r.software ? 'software adapter' : 'hardware adapter';
  return `${name}${r.description ? `, ${r.description}` : ''} — ${kind}`;
}

/** Point the Vulkan loader at an ICD before Dawn starts (Node only); returns what was chosen. */
async function chooseIcd(): Promise<string> {
  const env = process.env;
  const want = env.SNRLAB_WEBGPU_ICD;
  if (want && want !== 'system' && want !== 'auto') {
    env.VK_ICD_FILENAMES = want;
    return `SNRLAB_WEBGPU_ICD=${want}`;
  }
  if (env.VK_ICD_FILENAMES) return `VK_ICD_FILENAMES=${env.VK_ICD_FILENAMES}`;
  if (env.VK_DRIVER_FILES) return `VK_DRIVER_FILES=${env.VK_DRIVER_FILES}`;
  const fs = await import('node:fs');
  const system: string[] = [];
  for (const dir of SYSTEM_ICD_DIRS) {
    try {
      for (const f of fs.readdirSync(dir)) if (f.endsWith('.json')) system.push(`${dir}/${f}`);
    } catch {
      /* no such directory */
    }
  }
  // Debian 12's lavapipe (Mesa 22) is refused by Dawn: only a hardware ICD counts here
  const hardware = system.filter((f) => !/lvp_icd|lavapipe|swiftshader/i.test(f));
  if (want === 'system' || hardware.length) return `system (${system.join(', ') || 'no ICD files found'})`;
  const ss = SWIFTSHADER_ICDS.find((f) => fs.existsSync(f));
  if (ss) {
    env.VK_ICD_FILENAMES = ss;
    return `${ss} (SwiftShader, no hardware ICD found)`;
  }
  return `system (${system.join(', ') || 'no ICD files found'})`;
}

async function acquire(): Promise<WebGPUContext> {
  const g = globalThis as unknown as { navigator?: { gpu?: GPU } } & Record<symbol, unknown>;
  let gpu: GPU | undefined;
  let api = 'navigator.gpu';
  let icd: string | undefined;
  let version: string | undefined;
  const isNode = typeof process !== 'undefined' && Boolean(process.versions?.node);
  if (g.navigator?.gpu && !(isNode && g[KEEP])) gpu = g.navigator.gpu;
  else if (isNode) {
    if (g[KEEP]) gpu = g[KEEP] as GPU;
    else {
      icd = await chooseIcd();
      const spec = 'webgpu';
      let mod: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
      try {
        mod = (await import(/* @vite-ignore */ spec)) as typeof mod;
      } catch (err) {
        throw new Error(`the optional package 'webgpu' (Dawn for Node) is not installed or failed to load: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      }
      // GPUBufferUsage, GPUMapMode, ... as globals, as in a browser (only where missing)
      for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
      gpu = mod.create([]);
      g[KEEP] = gpu; // never collected: Dawn crashes natively if it is
      try {
        const { createRequire } = await import('node:module');
        version = (createRequire(import.meta.url)('webgpu/package.json') as { version: string }).version;
      } catch {
        /* unknown version */
      }
    }
    api = `dawn (webgpu ${version ?? '?'})`;
  }
  if (!gpu) throw new Error('WebGPU is not available here (no navigator.gpu)');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error(`no WebGPU adapter found${icd ? ` (Vulkan ICD: ${icd}; install a GPU driver's Vulkan ICD, or chromium for SwiftShader)` : ''}`);
  const L = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: L.maxStorageBufferBindingSize,
      maxBufferSize: L.maxBufferSize,
      maxComputeWorkgroupStorageSize: L.maxComputeWorkgroupStorageSize,
      maxStorageBuffersPerShaderStage: Math.min(L.maxStorageBuffersPerShaderStage, 10),
    },
  });
  void device.lost.then(() => {
    pending = null;
  });
  return { device, adapter, report: adapterReport(adapter, api, icd), ...(version ? { version } : {}) };
}

/** The WebGPU device (acquired once); rejects with the reason when there is none. */
export function acquireWebGPU(): Promise<WebGPUContext> {
  if (!pending) {
    pending = acquire();
    pending.catch(() => {
      pending = null;
    });
  }
  return pending;
}

/** The adapter report, or null with no adapter (never throws). */
export async function webgpuAdapterReport(): Promise<AdapterReport | null> {
  try {
    return (await acquireWebGPU()).report;
  } catch {
    return null;
  }
}
