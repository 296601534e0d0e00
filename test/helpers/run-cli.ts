// The CLI in a child process, from source (cli-entry.ts), as a user runs it from `cwd`. Spawned asynchronously so
// that the tests of a `concurrency: true` suite really run side by side.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `env` is laid over the test's environment, with colour off and no .phiguard.yaml named by PHIGUARD_CONFIG. */
export function runCli(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/cli-entry.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', PHIGUARD_CONFIG: '', PHIGUARD_TEST_CWD: cwd, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((done, reject) => {
    child.on('error', reject);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
