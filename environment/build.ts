import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { EnvironmentError } from './errors';
import { displayPath, repoRoot } from './paths';

/**
 * The repo's servers (shop, payment gateway) as plain JavaScript, so a start does not load a TypeScript loader and
 * compile every module again: each is bundled once by esbuild (its npm packages stay outside the bundle, loaded from
 * node_modules as usual) into `<server>/dist/main.js`, beside `src/`, so the paths the code takes from `__dirname`
 * (migrations, contracts) stay the same. A bundle older than any file it was built from (esbuild lists them, in
 * `main.inputs.json` beside it) is built again; a build is written to a temporary file and renamed, so a shop starting
 * in another worker never reads half of one.
 */
export async function builtServer(entry: string): Promise<string> {
  const source = path.resolve(repoRoot, entry);
  const outFile = path.join(path.dirname(path.dirname(source)), 'dist', `${path.basename(source, path.extname(source))}.js`);
  const inputsFile = outFile.replace(/\.js$/, '.inputs.json');
  if (upToDate(outFile, inputsFile)) return outFile;
  mkdirSync(path.dirname(outFile), { recursive: true });
  const partial = `${outFile}.${process.pid}.partial`;
  try {
    const result = await build({
      entryPoints: [source],
      outfile: partial,
      absWorkingDir: repoRoot,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'cjs',
      target: `node${process.versions.node.split('.')[0]}`,
      // Inline, so that renaming the file keeps its map; node --enable-source-maps reports the TypeScript lines.
      sourcemap: 'inline',
      metafile: true,
      logLevel: 'silent',
    });
    writeFileSync(`${inputsFile}.${process.pid}.partial`, JSON.stringify(Object.keys(result.metafile.inputs)));
    renameSync(`${inputsFile}.${process.pid}.partial`, inputsFile);
  } catch (error) {
    const first = (error as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors?.[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : '';
    throw new EnvironmentError(`Could not build ${entry} into ${displayPath(outFile)}: ${first?.text ?? String(error)}${where}`);
  }
  renameSync(partial, outFile);
  return outFile;
}

/** True when the bundle exists and none of the files it was built from changed since. */
function upToDate(outFile: string, inputsFile: string): boolean {
  const builtAt = modifiedAt(outFile);
  if (builtAt === 0) return false;
  let inputs: string[];
  try {
    inputs = JSON.parse(readFileSync(inputsFile, 'utf8')) as string[];
  } catch {
    return false;
  }
  return inputs.every((input) => {
    const changedAt = modifiedAt(path.resolve(repoRoot, input));
    return changedAt !== 0 && changedAt < builtAt;
  });
}

function modifiedAt(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
