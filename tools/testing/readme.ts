/**
 * Runs the TypeScript examples of a README as tests: every ```ts block is written next to
 * the package's tests and imported, so an example that throws fails the test. Blocks
 * fenced as ```ts no-run are shown but skipped (for code that needs a GPU, say).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function readmeExamples(readme: URL | string): string[] {
  const text = fs.readFileSync(readme, 'utf8');
  const blocks: string[] = [];
  const re = /```(ts|typescript)([^\n]*)\n([\s\S]*?)```/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (/no-run/.test(m[2])) continue;
    blocks.push(m[3]);
  }
  return blocks;
}

export async function runReadmeExamples(readme: URL | string, opts: { min?: number } = {}): Promise<number> {
  const file = readme instanceof URL ? fileURLToPath(readme) : readme;
  const blocks = readmeExamples(file);
  if (blocks.length < (opts.min ?? 1)) throw new Error(`${file}: expected at least ${opts.min ?? 1} runnable \`\`\`ts example`);
  const dir = path.join(path.dirname(file), '.readme-examples');
  fs.mkdirSync(dir, { recursive: true });
  const log = console.log;
  try {
    console.log = () => {};
    for (let i = 0; i < blocks.length; i++) {
      const f = path.join(dir, `example-${i + 1}.ts`);
      fs.writeFileSync(f, `// generated from README.md, example ${i + 1}\n${blocks[i]}\nexport {};\n`);
      await import(/* @vite-ignore */ pathToFileURL(f).href + `?t=${Date.now()}`);
    }
  } finally {
    console.log = log;
  }
  return blocks.length;
}
