#!/usr/bin/env node
// Scaffolds packages/<name> with the layout every snrlab package shares:
// tsup (ESM + CJS + d.ts, exports map), vitest, a side-effect-free index and a register entry.
// Usage: node tools/scripts/new-package.mjs <name> "<description>" [--no-register]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [name, description = '', flag] = process.argv.slice(2);
if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) {
  console.error('usage: new-package.mjs <name> "<description>" [--no-register]');
  process.exit(2);
}
const register = flag !== '--no-register';
const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = path.join(root, 'packages', name);
if (fs.existsSync(dir)) {
  console.error(`packages/${name} exists`);
  process.exit(2);
}
const pkgName = `@snrlab/${name}`;
const entries = register ? ['index', 'register'] : ['index'];
const exportsMap = {};
for (const e of entries) {
  exportsMap[e === 'index' ? '.' : `./${e}`] = {
    import: { types: `./dist/${e}.d.ts`, default: `./dist/${e}.js` },
    require: { types: `./dist/${e}.d.cts`, default: `./dist/${e}.cjs` },
  };
}
exportsMap['./package.json'] = './package.json';
const pkg = {
  name: pkgName,
  version: '0.1.0',
  description,
  type: 'module',
  license: 'MIT',
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.ts',
  exports: exportsMap,
  sideEffects: register ? ['./dist/register.js', './dist/register.cjs', './src/register.ts'] : false,
  files: ['dist', 'README.md'],
  scripts: { build: 'tsup', test: 'vitest run' },
  dependencies: { '@snrlab/core': '0.1.0' },
};
const w = (rel, text) => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
};
w('package.json', JSON.stringify(pkg, null, 2) + '\n');
w('tsconfig.json', JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'] }, null, 2) + '\n');
w('tsup.config.ts', `import { packageBuild } from '../../tools/build/tsup';\n\nexport default packageBuild({ ${entries.map((e) => `${e}: 'src/${e}.ts'`).join(', ')} });\n`);
w('vitest.config.ts', `import { packageConfig } from '../../vitest.shared.ts';\n\nexport default packageConfig();\n`);
w('src/package.ts', `/** This package's name and version, recorded in manifests (a test keeps it equal to package.json). */\nexport const PACKAGE = { name: '${pkgName}', version: '0.1.0' } as const;\n`);
w(
  'src/index.ts',
  `/** ${pkgName} — this entry point has no side effects${register ? `; import '${pkgName}/register' to register its experiments` : ''}. */\nexport { PACKAGE } from './package.js';\n${register ? "export { experiments } from './experiments/index.js';\n" : ''}`,
);
if (register) {
  w('src/experiments/index.ts', `import type { Experiment } from '@snrlab/core';\n\n/** This package's experiments, unregistered. */\nexport const experiments: Experiment<any>[] = [];\n`);
  w(
    'src/register.ts',
    `/** Side-effect entry point: registers this package's experiments with the shared registry. */\nimport { registerExperiments } from '@snrlab/core';\nimport { experiments } from './experiments/index.js';\nimport { PACKAGE } from './package.js';\n\nregisterExperiments(PACKAGE, experiments);\n`,
  );
}
w(
  'test/package.test.ts',
  `import { describe, expect, it } from 'vitest';\nimport pkg from '../package.json' with { type: 'json' };\nimport { PACKAGE } from '../src/package.js';\nimport { runReadmeExamples } from '../../../tools/testing/readme';\n\ndescribe('${pkgName}', () => {\n  it('PACKAGE matches package.json', () => {\n    expect(PACKAGE).toEqual({ name: pkg.name, version: pkg.version });\n  });\n\n  it('the README examples run', async () => {\n    await runReadmeExamples(new URL('../README.md', import.meta.url));\n  });\n});\n`,
);
w('README.md', `# ${pkgName}\n\n${description}\n\n## Install\n\n\`\`\`sh\nnpm install ${pkgName}\n\`\`\`\n`);
console.log(`created packages/${name}`);
