import { spawn } from 'node:child_process';
import { accessSync, constants, createWriteStream } from 'node:fs';
import path from 'node:path';
import { EnvironmentError } from './errors';

/** The absolute path of an executable on PATH, or undefined; checked without running it. */
export function findOnPath(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Fails with one line naming the missing command, what needs it and how to get it:
 * "<neededBy> needs `go`, which is not on PATH: <fix>".
 */
export function requireCommand(command: string, neededBy: string, fix: string): string {
  const found = findOnPath(command);
  if (!found) throw new EnvironmentError(`${neededBy} needs \`${command}\`, which is not on PATH: ${fix}`);
  return found;
}

export interface ToolResult {
  code: number | null;
  /** stdout and stderr together, as written to the log. */
  output: string;
}

/**
 * Runs a build or download tool to completion, writing its output to `logFile` and returning it too
 * (callers look in it for the cause of a failure, e.g. a network error).
 */
export function runTool(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; logFile: string }): Promise<ToolResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const log = createWriteStream(options.logFile);
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer) => {
      chunks.push(chunk);
      log.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (error) => collect(Buffer.from(`${error.message}\n`)));
    child.once('close', (code) => {
      log.end(() => resolve({ code, output: Buffer.concat(chunks).toString('utf8') }));
    });
  });
}
