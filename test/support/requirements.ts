/**
 * Suites that need Docker or the AWS CLI skip with a visible message where these are missing, and
 * fail when CI=true (CI installs and starts them; a missing one there is a broken CI, not a skip).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** CI is on for any non-empty value but `false` (`CI=1`, `CI=yes` and `CI=true` alike), as CI services set it. */
export const inCi = (env: NodeJS.ProcessEnv = process.env): boolean => (env.CI ?? '') !== '' && env.CI !== 'false';

function probe(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

let dockerAnswer: boolean | undefined;
export function dockerAvailable(): boolean {
  dockerAnswer ??= probe('docker', ['version', '--format', '{{.Server.Version}}']);
  return dockerAnswer;
}

/**
 * The AWS CLI v2 binary: Debian's awscli installs /usr/bin/aws (a pyenv shim may shadow it with v1).
 * Looked up once per test process: the look-up runs `aws --version` synchronously, which every CLI call
 * would otherwise pay again, blocking the event loop (and so every concurrent subtest) while it runs.
 */
let awsCliAnswer: { path: string | undefined } | undefined;
export function awsCliPath(): string | undefined {
  awsCliAnswer ??= { path: findAwsCli() };
  return awsCliAnswer.path;
}

function findAwsCli(): string | undefined {
  for (const p of [process.env.BERTH_AWS_CLI, '/usr/bin/aws', '/usr/local/bin/aws']) {
    if (p && existsSync(p)) {
      try {
        const v = execFileSync(p, ['--version'], { encoding: 'utf8', timeout: 30_000 });
        if (v.startsWith('aws-cli/2')) return p;
      } catch {
        /* try the next */
      }
    }
  }
  return undefined;
}

/**
 * Returns a `skip` option for node:test: false when the requirement is met, a visible reason when it
 * is not (outside CI). In CI a missing requirement throws, so the suite fails loudly.
 */
export function requirement(name: 'docker' | 'aws-cli' | 'tmux'): false | string {
  const ok = name === 'docker' ? dockerAvailable() : name === 'tmux' ? probe('tmux', ['-V']) : awsCliPath() !== undefined;
  if (ok) return false;
  const why = name === 'docker' ? 'Docker engine not reachable' : name === 'tmux' ? 'tmux not installed' : 'AWS CLI v2 not installed';
  if (inCi()) throw new Error(`${why}, and CI=true makes this suite mandatory (.ci/run must install it)`);
  console.warn(`SKIPPING: ${why}; set up ${name} to run this suite`);
  return `${why} (not CI)`;
}
