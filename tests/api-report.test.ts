/**
 * Each package's public surface is committed as docs/api/<package>.md (issue 14), generated from
 * the built declarations by tools/api/report.mjs. A change to what a package exports shows up in
 * review as a change to that file; this test fails when a committed report differs from what the
 * current build gives.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const docs = path.join(root, 'docs', 'api');
const packages = fs
  .readdirSync(path.join(root, 'packages'))
  .filter((d) => fs.existsSync(path.join(root, 'packages', d, 'package.json')))
  .sort();
const HOW = 'run `npm run api-report` (after `npm run build`) and review the change in docs/api/';

describe('API reports (docs/api/*.md) match the build', () => {
  let reports: Record<string, string> = {};

  beforeAll(() => {
    const r = spawnSync(process.execPath, [path.join(root, 'tools', 'api', 'report.mjs'), '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`tools/api/report.mjs failed:\n${r.stderr}`);
    reports = JSON.parse(r.stdout) as Record<string, string>;
  }, 120_000);

  for (const dir of packages) {
    it(`@snrlab/${dir}`, () => {
      const generated = reports[`@snrlab/${dir}`];
      expect(generated, `no report generated for @snrlab/${dir}`).toBeDefined();
      const file = path.join(docs, `${dir}.md`);
      expect(fs.existsSync(file), `docs/api/${dir}.md is missing: ${HOW}`).toBe(true);
      expect(fs.readFileSync(file, 'utf8'), `docs/api/${dir}.md differs from the current build: ${HOW}`).toBe(generated);
    });
  }

  it('has no report for a package that is gone', () => {
    const stale = fs.existsSync(docs) ? fs.readdirSync(docs).filter((f) => f.endsWith('.md') && f !== 'README.md' && !packages.includes(f.replace(/\.md$/, ''))) : [];
    expect(stale, `stale reports in docs/api/: ${HOW}`).toEqual([]);
  });

  it('lists every exported name with its kind and signature', () => {
    // the report of core names the functions a README example uses
    const core = reports['@snrlab/core'];
    expect(core).toMatch(/^\| `Stream` \| class \| `class Stream/m);
    expect(core).toMatch(/^\| `verdict` \| function \| `verdict\(/m);
    for (const [name, text] of Object.entries(reports)) {
      const rows = text.split('\n').filter((l) => l.startsWith('| `'));
      const declared = Number(/: (\d+) exported names/.exec(text)?.[1]);
      expect(rows.length, `${name}: rows against the count in its header`).toBe(declared);
      const names = rows.map((l) => l.split('`')[1]);
      expect(names, `${name}: rows sorted by name`).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      for (const l of rows) expect(l, `${name}: a row with no kind`).toMatch(/^\| `[^`]+` \| (function|class|abstract class|interface|type|const|let|var|enum|namespace) \| `.+` \|$/);
    }
  });
});
