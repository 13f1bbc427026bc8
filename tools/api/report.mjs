#!/usr/bin/env node
/**
 * The public surface of each package, committed as docs/api/<package>.md (issue 14): every name
 * the package's main entry point exports, with its kind and a one-line signature, read from the
 * built declarations (dist/index.d.ts) with the TypeScript compiler API. One program for all
 * packages; output sorted by name, with no paths or times in it, so the same build gives the
 * same bytes.
 *
 *   node tools/api/report.mjs            write docs/api/*.md (npm run api-report)
 *   node tools/api/report.mjs --check    exit 1 and name the files that differ from the build
 *   node tools/api/report.mjs --json     print { "<package>": "<report>" } (tests/api-report.test.ts)
 *   ... [core sgd-noise ...]              only these packages
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const OUT_DIR = path.join(root, 'docs', 'api');

/** The packages with a public API: packages/* (apps are programs, not libraries). */
export function packages() {
  const dir = path.join(root, 'packages');
  return fs
    .readdirSync(dir)
    .filter((d) => fs.existsSync(path.join(dir, d, 'package.json')))
    .sort()
    .map((d) => {
      const pj = JSON.parse(fs.readFileSync(path.join(dir, d, 'package.json'), 'utf8'));
      const main = pj.exports?.['.'];
      const types = (typeof main === 'object' && (main.import?.types ?? main.types)) || pj.types;
      if (!types) throw new Error(`${pj.name}: package.json names no types for its main entry point`);
      const subpaths = Object.keys(pj.exports ?? {}).filter((s) => s !== '.' && s !== './package.json');
      return { name: pj.name, dir: d, dts: path.join(dir, d, types), typesPath: types, subpaths };
    });
}

const FLAGS =
  ts.TypeFormatFlags.NoTruncation |
  ts.TypeFormatFlags.UseAliasDefinitionOutsideCurrentScope |
  ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType |
  ts.TypeFormatFlags.WriteArrowStyleSignature;

const printer = ts.createPrinter({ removeComments: true, omitTrailingSemicolon: true });

/** One line, no absolute paths, no bundler renames. */
function clean(s) {
  return s
    .replace(/import\("[^"]*"\)\./g, '')
    .replace(/\b_snrlab_[a-z_]+\./g, '') // the bundler's namespace for a sibling package
    .replace(/\b([A-Za-z_][A-Za-z0-9_]*)\$\d+\b/g, '$1') // and its renames (z$1 → z)
    .replace(/\s+/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
}

/** The text of a node of the .d.ts: its signature is what the declaration says, in its order
 *  (the checker's printing would order unions by type ids, which depend on what was checked first). */
function print(node) {
  return clean(printer.printNode(ts.EmitHint.Unspecified, node, node.getSourceFile()));
}

const list = (nodes) => (nodes ?? []).map(print).join(', ');
const typeParams = (d) => (d?.typeParameters?.length ? `<${list(d.typeParameters)}>` : '');
const heritage = (decls) => decls.flatMap((d) => d.heritageClauses ?? []).map((h) => ` ${print(h)}`).join('');
const modifiers = (d) => (ts.canHaveModifiers(d) ? (ts.getModifiers(d) ?? []) : []);
const has = (d, kind) => modifiers(d).some((m) => m.kind === kind);

/** A member of a class or interface, by name: `a`, `b?`, `m()`, `get x`, `static s`. */
function memberName(m) {
  if (ts.isConstructorDeclaration(m) || ts.isConstructSignatureDeclaration(m)) return `new (${list(m.parameters)})`;
  if (ts.isCallSignatureDeclaration(m)) return `(${list(m.parameters)})`;
  if (ts.isIndexSignatureDeclaration(m)) return `[${list(m.parameters)}]`;
  const name = m.name ? clean(m.name.getText()) : '?';
  const optional = m.questionToken ? '?' : '';
  const isStatic = has(m, ts.SyntaxKind.StaticKeyword) ? 'static ' : '';
  if (ts.isMethodDeclaration(m) || ts.isMethodSignature(m)) return `${isStatic}${name}${optional}()`;
  if (ts.isGetAccessorDeclaration(m)) return `${isStatic}get ${name}`;
  if (ts.isSetAccessorDeclaration(m)) return `${isStatic}set ${name}`;
  return `${isStatic}${name}${optional}`;
}

/** Public members, each name once (overloads and get/set pairs collapse), in declaration order. */
function members(decls) {
  const out = [];
  for (const d of decls) {
    for (const m of d.members ?? []) {
      if (has(m, ts.SyntaxKind.PrivateKeyword) || has(m, ts.SyntaxKind.ProtectedKeyword) || (m.name && ts.isPrivateIdentifier(m.name))) continue;
      const n = memberName(m);
      if (!out.includes(n)) out.push(n);
    }
  }
  return out;
}

/** kind and one-line signature of one exported symbol (after following its alias), under the
 *  name it is exported as (the bundled .d.ts may declare it as binomial$1 and export it as binomial). */
function describe(checker, sym, where, name) {
  const f = sym.flags;
  const decls = sym.declarations ?? [];
  const of = (test) => decls.filter(test);
  if (f & ts.SymbolFlags.Class) {
    const cls = of(ts.isClassDeclaration);
    const abstract = cls.some((d) => has(d, ts.SyntaxKind.AbstractKeyword)) ? 'abstract ' : '';
    return { kind: `${abstract}class`, signature: `class ${name}${typeParams(cls[0])}${heritage(cls)} { ${members(cls).join('; ')} }` };
  }
  if (f & ts.SymbolFlags.Function) {
    const fns = of(ts.isFunctionDeclaration);
    return { kind: 'function', signature: fns.map((d) => `${name}${typeParams(d)}(${list(d.parameters)})${d.type ? `: ${print(d.type)}` : ''}`).join('; ') };
  }
  if (f & ts.SymbolFlags.Enum) {
    return { kind: 'enum', signature: `enum ${name} { ${of(ts.isEnumDeclaration).flatMap((d) => d.members.map((m) => clean(m.name.getText()))).join(', ')} }` };
  }
  if (f & ts.SymbolFlags.Variable) {
    const d = of(ts.isVariableDeclaration)[0];
    const flags = d?.parent?.flags ?? 0;
    const kind = flags & ts.NodeFlags.Const ? 'const' : flags & ts.NodeFlags.Let ? 'let' : 'var';
    const type = d?.type ? print(d.type) : clean(checker.typeToString(checker.getTypeOfSymbol(sym), where, FLAGS));
    return { kind, signature: `${name}: ${type}` };
  }
  if (f & ts.SymbolFlags.Interface) {
    const ifs = of(ts.isInterfaceDeclaration);
    return { kind: 'interface', signature: `interface ${name}${typeParams(ifs[0])}${heritage(ifs)} { ${members(ifs).join('; ')} }` };
  }
  if (f & ts.SymbolFlags.TypeAlias) {
    const d = of(ts.isTypeAliasDeclaration)[0];
    return { kind: 'type', signature: `type ${name}${typeParams(d)} = ${d ? print(d.type) : '?'}` };
  }
  if (f & (ts.SymbolFlags.NamespaceModule | ts.SymbolFlags.ValueModule)) {
    return { kind: 'namespace', signature: `namespace ${name} { ${checker.getExportsOfModule(sym).map((m) => m.getName()).sort().join(', ')} }` };
  }
  return { kind: 'unknown', signature: name };
}

/** Which package a declaration file belongs to, for names re-exported from another package. */
function packageOf(file) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file) ?? /\/packages\/([^/]+)\/dist\//.exec(file);
  if (!m) return undefined;
  return m[1].includes('/') ? m[1] : /\/packages\//.test(file) && !file.includes('node_modules') ? `@snrlab/${m[1]}` : m[1];
}

/** { "<package name>": "<markdown report>" } from the current builds. */
export function generate(only = []) {
  const all = packages();
  const unknown = only.filter((o) => !all.some((p) => p.dir === o || p.name === o));
  if (unknown.length) throw new Error(`unknown package(s): ${unknown.join(', ')}; expected some of ${all.map((p) => p.dir).join(', ')}`);
  const pkgs = only.length ? all.filter((p) => only.includes(p.dir) || only.includes(p.name)) : all;
  const missing = pkgs.filter((p) => !fs.existsSync(p.dts));
  if (missing.length) throw new Error(`not built: ${missing.map((p) => `${p.name} (no ${path.relative(root, p.dts)})`).join(', ')}: run \`npm run build\` (or \`cd packages/<p> && npx tsup\`)`);
  const program = ts.createProgram(
    pkgs.map((p) => p.dts),
    { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, noEmit: true, skipLibCheck: true, types: ['node'], lib: ['lib.es2023.d.ts'] },
  );
  const checker = program.getTypeChecker();
  const out = {};
  for (const p of pkgs) {
    const sf = program.getSourceFile(p.dts);
    const moduleSym = sf && checker.getSymbolAtLocation(sf);
    if (!moduleSym) throw new Error(`${p.name}: ${p.typesPath} is not a module (empty, or being written by a build that is still running?)`);
    const rows = checker.getExportsOfModule(moduleSym).map((exp) => {
      const target = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
      // a declaration in another package: a re-export
      const file = target.declarations?.[0]?.getSourceFile().fileName ?? '';
      const from = packageOf(file);
      const own = path.resolve(file) === path.resolve(p.dts) || from === p.name;
      const described = describe(checker, target, sf, exp.getName());
      const { kind } = described;
      // a third-party namespace (zod's z) is that library's surface, not listed here
      const signature = !own && from && !from.startsWith('@snrlab/') && kind === 'namespace' ? `namespace ${exp.getName()}` : described.signature;
      return { name: exp.getName(), kind, signature: own || !from ? signature : `${signature} (re-exported from ${from})` };
    });
    rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const counts = {};
    for (const r of rows) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
    const summary = Object.keys(counts).sort().map((k) => `${counts[k]} ${k}`).join(', ');
    const lines = [
      `# ${p.name}: public API`,
      '',
      '<!-- Generated by `npm run api-report` (tools/api/report.mjs) from the built declarations; do not edit.',
      '     tests/api-report.test.ts fails when this file differs from what the current build gives. -->',
      '',
      `Entry point \`${p.name}\` (\`${p.typesPath}\`): ${rows.length} exported names (${summary}).`,
      p.subpaths.length ? `Other entry points: ${p.subpaths.map((s) => `\`${p.name}/${s.replace(/^\.\//, '')}\``).join(', ')}.` : '',
      '',
      '| name | kind | signature |',
      '| --- | --- | --- |',
      ...rows.map((r) => `| \`${r.name}\` | ${r.kind} | \`${r.signature.replace(/`/g, "'")}\` |`),
      '',
    ];
    out[p.name] = lines.filter((l, i) => !(l === '' && lines[i - 1] === '')).join('\n');
  }
  return out;
}

export function fileFor(name) {
  return path.join(OUT_DIR, `${name.replace(/^@snrlab\//, '')}.md`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const mode = flags[0] ?? '';
  if (flags.length > 1 || (mode && mode !== '--check' && mode !== '--json')) {
    console.error(`invalid arguments: got ${flags.join(' ')}; expected one of --check, --json, or none`);
    process.exit(2);
  }
  let reports;
  try {
    reports = generate(only);
  } catch (e) {
    console.error(`api-report: ${e.message}`);
    process.exit(1);
  }
  if (mode === '--json') {
    process.stdout.write(JSON.stringify(reports) + '\n');
  } else if (mode === '--check') {
    const stale = Object.entries(reports).filter(([name, text]) => !fs.existsSync(fileFor(name)) || fs.readFileSync(fileFor(name), 'utf8') !== text);
    if (stale.length) {
      console.error(`api-report: ${stale.map(([n]) => path.relative(root, fileFor(n))).join(', ')} differ(s) from the build: run \`npm run api-report\` and review the change`);
      process.exit(1);
    }
    console.log(`api-report: ${Object.keys(reports).length} reports match the build`);
  } else {
    fs.mkdirSync(OUT_DIR, { recursive: true });
    for (const [name, text] of Object.entries(reports)) fs.writeFileSync(fileFor(name), text);
    console.log(`api-report: wrote ${Object.keys(reports).map((n) => path.relative(root, fileFor(n))).join(', ')}`);
  }
}
