/**
 * snrlab as an installable tool (issue 17, part 6): every package `npm pack`s to a tarball that
 * installs into a fresh project outside the monorepo (a temporary directory under os.tmpdir()).
 * There each package imports in ESM and in CommonJS, its types resolve for `import` and `require`
 * (the project's `tsc --noEmit`, moduleResolution node16), its README's first runnable ```ts
 * example runs, and `npx snrlab list` works.
 *
 * The tarballs are installed together in one `npm install <tgz...>` so that the packages' own
 * dependencies on each other (version 0.1.0, not on the registry) resolve to the local tarballs;
 * third-party dependencies come from the npm registry. The packages must be built first
 * (`npm test` builds before the root tests); this test packs what is in each dist.
 *
 * SNRLAB_KEEP_INSTALL=1 keeps the temporary project (its path is printed) for a look afterwards.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readmeExamples } from '../tools/testing/readme';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

const PACKAGES = ['core', 'tensor', 'langevin-sde', 'sgd-noise', 'morphogen-patterning', 'quantum-vqe-shots', 'gan-dynamics', 'sweep', 'queue'].map((dir) => ({
  name: `@snrlab/${dir}`,
  dir: `packages/${dir}`,
  short: dir,
}));
const CLI = { name: '@snrlab/cli', dir: 'apps/cli', short: 'cli' };

/**
 * Checks known to fail, each with its reason: `<package> <check>` → why. They are skipped (and
 * listed when the test runs) until the package is fixed; then the entry is removed. A skipped
 * check that passes is reported as such, so an entry never outlives its fix unnoticed.
 * Checks: tarball, esm, cjs, types, readme (and cli for @snrlab/cli).
 */
const KNOWN_FAILURES: Record<string, string> = {};

// ---------------------------------------------------------------------------------------------

type Run = { code: number; stdout: string; stderr: string };

/** The environment of a user's shell: no npm-run variables (npm_config_* would point npm at the
 *  monorepo), no vitest variables, no monorepo node_modules/.bin on PATH. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|VITEST|NODE_OPTIONS$|INIT_CWD$|TEST$|NODE_ENV$)/i.test(k)) continue;
    env[k] = v;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((p) => !p.includes(`node_modules${path.sep}.bin`))
    .join(path.delimiter);
  return env;
}

function run(cmd: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: userEnv(), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr: err && !stderr ? String(err.message) : stderr });
    });
  });
}

const tail = (s: string, n = 3000) => (s.length > n ? '…' + s.slice(-n) : s);

type Exports = Record<string, string | Record<string, string | Record<string, string>>>;
type PackageJson = { name: string; exports?: Exports; bin?: Record<string, string>; main?: string; types?: string };

/** Every file an exports map (or bin, main, types) names, without the leading ./ */
function namedFiles(pkg: PackageJson): string[] {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string') {
      if (!v.endsWith('/package.json') && v !== './package.json') out.add(v.replace(/^\.\//, ''));
    } else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(pkg.exports);
  walk(pkg.bin);
  walk(pkg.main);
  walk(pkg.types);
  return [...out].sort();
}

/** The public subpaths: those of the exports map that declare types ('.' and './register';
 *  not './worker', which the worker pool starts by file). */
function publicSubpaths(pkg: PackageJson): { spec: string; esm: boolean; cjs: boolean }[] {
  const out: { spec: string; esm: boolean; cjs: boolean }[] = [];
  for (const [sub, target] of Object.entries(pkg.exports ?? {})) {
    if (sub === './package.json' || typeof target !== 'object') continue;
    const json = JSON.stringify(target);
    if (!json.includes('"types"')) continue;
    const spec = sub === '.' ? pkg.name : `${pkg.name}/${sub.replace(/^\.\//, '')}`;
    out.push({ spec, esm: 'import' in target || 'default' in target, cjs: 'require' in target });
  }
  return out;
}

let project = '';
let tarballs = '';
const packed = new Map<string, { file: string; files: string[] }>();
const manifest = new Map<string, PackageJson>();
let typeDiagnostics: string[] = [];
const results = new Map<string, Run>();
const loaded: Record<'esm' | 'cjs', Record<string, { names?: number; error?: string }>> = { esm: {}, cjs: {} };
const checksRun = new Map<string, boolean>(); // the skip-listed checks, measured anyway

function check(pkgName: string, what: string, body: () => Promise<void>, timeout = 180_000) {
  const key = `${pkgName} ${what}`;
  const reason = KNOWN_FAILURES[key];
  if (!reason) {
    it(key, body, timeout);
    return;
  }
  // skipped, but measured: so that a fix shows up as "remove this entry"
  it(`${key} (known failure, skipped: ${reason})`, async (ctx) => {
    try {
      await body();
      checksRun.set(key, true);
    } catch {
      checksRun.set(key, false);
    }
    ctx.skip(reason);
  }, timeout);
}

describe('each package installs from its tarball into a fresh project', () => {
  beforeAll(async () => {
    const skipped = Object.entries(KNOWN_FAILURES);
    if (skipped.length) console.warn(`install.test: ${skipped.length} known failure(s) skipped until fixed:\n${skipped.map(([k, r]) => `  - ${k}: ${r}`).join('\n')}`);

    for (const p of [...PACKAGES, CLI]) {
      const pj = JSON.parse(fs.readFileSync(path.join(root, p.dir, 'package.json'), 'utf8')) as PackageJson;
      manifest.set(p.name, pj);
      const missing = namedFiles(pj).filter((f) => !fs.existsSync(path.join(root, p.dir, f)));
      if (missing.some((f) => f.startsWith('dist/')))
        throw new Error(`${p.name} is not built (no ${missing.join(', ')}): run \`npm run build\`, or \`cd ${p.dir} && npx tsup\``);
    }

    project = fs.mkdtempSync(path.join(os.tmpdir(), 'snrlab-install-'));
    tarballs = path.join(project, 'tarballs');
    fs.mkdirSync(tarballs);
    if (process.env.SNRLAB_KEEP_INSTALL) console.warn(`install.test: temporary project at ${project}`);

    // one npm pack for all of them
    const ws = [...PACKAGES, CLI].flatMap((p) => ['-w', p.dir]);
    const pack = await run('npm', ['pack', '--json', '--pack-destination', tarballs, ...ws], root);
    if (pack.code !== 0) throw new Error(`npm pack failed:\n${tail(pack.stderr)}`);
    const report = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { name: string; filename: string; files: { path: string }[] }[];
    for (const r of report) packed.set(r.name, { file: path.join(tarballs, r.filename), files: r.files.map((f) => f.path) });

    // a fresh project, as a user would start one
    fs.writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'snrlab-install-check', version: '0.0.0', private: true, type: 'module', allowScripts: { 'better-sqlite3': true } }, null, 2) + '\n',
    );
    const install = await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...[...packed.values()].map((p) => p.file), '@types/node@^20.19.0'],
      project,
      1_500_000,
    );
    if (install.code !== 0) throw new Error(`npm install of the tarballs failed:\n${tail(install.stderr)}`);

    // types: one checker file per package and module system, one tsc run over all of them
    const checks = path.join(project, 'checks');
    fs.mkdirSync(checks);
    for (const p of PACKAGES) {
      const subs = publicSubpaths(manifest.get(p.name)!);
      const esm = subs.filter((s) => s.esm).map((s, i) => `import * as m${i} from '${s.spec}';\nexport const n${i}: number = Object.keys(m${i}).length;`);
      const cjs = subs.filter((s) => s.cjs).map((s, i) => `import m${i} = require('${s.spec}');\nexport const n${i}: number = Object.keys(m${i}).length;`);
      fs.writeFileSync(path.join(checks, `${p.short}.esm.ts`), esm.join('\n') + '\n');
      fs.writeFileSync(path.join(checks, `${p.short}.cjs.cts`), cjs.join('\n') + '\n');
    }
    fs.writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'ES2022', lib: ['ES2023'], strict: true, noEmit: true, skipLibCheck: false },
        include: ['checks'],
      }),
    );
    // what runs in the project, all at once (each check below reads its result)
    const specs = PACKAGES.flatMap((p) => publicSubpaths(manifest.get(p.name)!));
    const importAll = (load: string, results: string) =>
      [
        `const fs = require('node:fs');`,
        `const out = {};`,
        `(async () => {`,
        `  for (const spec of ${JSON.stringify(specs.map((x) => x.spec))}) {`,
        `    try { const m = ${load}; out[spec] = { names: Object.keys(m).length }; }`,
        `    catch (e) { out[spec] = { error: String((e && e.stack) || e) }; }`,
        `  }`,
        `  fs.writeFileSync(${JSON.stringify(results)}, JSON.stringify(out));`,
        `  process.exit(0);`,
        `})();`,
      ].join('\n');
    fs.writeFileSync(path.join(checks, 'import-all.cjs'), importAll('await import(spec)', path.join(checks, 'esm.json')));
    fs.writeFileSync(path.join(checks, 'require-all.cjs'), importAll('require(spec)', path.join(checks, 'cjs.json')));
    fs.mkdirSync(path.join(project, 'readme'));
    const jobs: [string, () => Promise<Run>][] = [
      ['tsc', () => run(bin('tsc'), ['-p', 'tsconfig.json', '--pretty', 'false'], project, 600_000)],
      ['esm', () => run(process.execPath, [path.join(checks, 'import-all.cjs')], project, 600_000)],
      ['cjs', () => run(process.execPath, [path.join(checks, 'require-all.cjs')], project, 600_000)],
      ['cli', () => run('npx', ['--no', 'snrlab', 'list', '--json'], project)],
      ['cli table', () => run('npx', ['--no', 'snrlab', 'list'], project)],
      ...PACKAGES.map((p): [string, () => Promise<Run>] => [
        `readme ${p.name}`,
        () => {
          const [first] = readmeExamples(path.join(root, p.dir, 'README.md'));
          if (first === undefined) return Promise.resolve({ code: 1, stdout: '', stderr: `${p.dir}/README.md has no runnable \`\`\`ts example` });
          const file = path.join(project, 'readme', `${p.short}.ts`);
          fs.writeFileSync(file, `// the first example of ${p.dir}/README.md\n${first}\nexport {};\n`);
          return run(bin('tsx'), [file], project, 300_000);
        },
      ]),
    ];
    const queue = [...jobs];
    const lanes = Math.max(2, Math.min(4, os.availableParallelism()));
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        for (let job = queue.shift(); job; job = queue.shift()) results.set(job[0], await job[1]());
      }),
    );
    for (const mode of ['esm', 'cjs'] as const) {
      const file = path.join(checks, `${mode}.json`);
      if (!fs.existsSync(file)) throw new Error(`the ${mode} import script did not finish:\n${tail(results.get(mode)!.stderr)}`);
      loaded[mode] = JSON.parse(fs.readFileSync(file, 'utf8'));
    }
    const tsc = results.get('tsc')!;
    typeDiagnostics = tsc.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
    if (tsc.code !== 0 && typeDiagnostics.length === 0) throw new Error(`tsc did not run:\n${tail(tsc.stdout + tsc.stderr)}`);
    // third-party declarations that need lib.dom (TF.js) are the user's lib setting, not ours
    const ours = typeDiagnostics.filter((l) => l.startsWith('checks/') || l.startsWith('node_modules/@snrlab/'));
    console.log(`install.test: tsc over ${PACKAGES.length} packages: ${ours.length} error(s) in snrlab's files, ${typeDiagnostics.length - ours.length} in third-party declarations (not judged here)`);
  }, 1_800_000);

  afterAll(() => {
    const fixed = [...checksRun].filter(([k, ok]) => ok && KNOWN_FAILURES[k]).map(([k]) => k);
    if (fixed.length) console.warn(`install.test: these skip-listed checks pass now, remove them from KNOWN_FAILURES: ${fixed.join(', ')}`);
    if (project && !process.env.SNRLAB_KEEP_INSTALL) fs.rmSync(project, { recursive: true, force: true });
  });

  for (const p of PACKAGES) {
    check(p.name, 'tarball', async () => {
      const pj = manifest.get(p.name)!;
      const files = packed.get(p.name)?.files;
      expect(files, `${p.name} was not packed`).toBeDefined();
      const missing = namedFiles(pj).filter((f) => !files!.includes(f));
      expect(missing, `${p.name}'s package.json names files its tarball lacks (a build running while it was packed, or "files"/"exports" wrong)`).toEqual([]);
      expect(files).toContain('README.md');
    });

    for (const mode of ['esm', 'cjs'] as const) {
      check(p.name, mode, async () => {
        const subs = publicSubpaths(manifest.get(p.name)!).filter((x) => (mode === 'esm' ? x.esm : x.cjs));
        expect(subs.length, `${p.name} declares no ${mode} entry point`).toBeGreaterThan(0);
        for (const s of subs) {
          const r = loaded[mode][s.spec];
          const how = mode === 'esm' ? `import('${s.spec}')` : `require('${s.spec}')`;
          expect(r, `${how} was not tried`).toBeDefined();
          expect(r.error, `${how} failed in the installed project`).toBeUndefined();
          if (s.spec === p.name) expect(r.names, `${s.spec} exports nothing`).toBeGreaterThan(0);
        }
      });
    }

    check(p.name, 'types', async () => {
      const mine = typeDiagnostics.filter((l) => l.startsWith(`checks/${p.short}.`) || l.startsWith(`node_modules/${p.name}/`));
      expect(mine, `tsc (node16, strict, skipLibCheck off) in the installed project reports errors in ${p.name}'s declarations or their use`).toEqual([]);
    });

    check(p.name, 'readme', async () => {
      const r = results.get(`readme ${p.name}`)!;
      expect(r.code, `${p.dir}/README.md's first example failed in the installed project:\n${tail(r.stderr || r.stdout)}`).toBe(0);
    });
  }

  check(CLI.name, 'tarball', async () => {
    const files = packed.get(CLI.name)?.files;
    expect(files, `${CLI.name} was not packed`).toBeDefined();
    expect(namedFiles(manifest.get(CLI.name)!).filter((f) => !files!.includes(f))).toEqual([]);
    expect(files).toContain('dist/cli.js');
  });

  check(CLI.name, 'cli', async () => {
    const r = results.get('cli')!;
    expect(r.code, `npx snrlab list failed in the installed project:\n${tail(r.stderr)}`).toBe(0);
    const list = JSON.parse(r.stdout) as { id: string }[];
    const domains = new Set(list.map((e) => e.id.split('.')[0]));
    // every engine's experiments are registered: core, gan, langevin, morphogen, sgd, vqe
    expect([...domains].sort()).toEqual(expect.arrayContaining(['core', 'gan', 'langevin', 'morphogen', 'sgd', 'vqe']));
    const table = results.get('cli table')!;
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('core.estimator-scaling');
  });
});
