/**
 * The unmodified AWS CLI v2 as tests drive it: static credentials, no config or credentials file of the
 * user's (so nothing on the machine changes what is sent), no pager, JSON answers parsed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { awsCliPath } from './requirements.js';

const run = promisify(execFile);

export interface AwsCliOptions {
  /** The keys the CLI signs with; Berth's default auth takes any. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Per command; a waiter may need more than the default minute. */
  timeoutMs?: number;
}

export interface AwsCli {
  /** Runs `aws <args> --endpoint-url <url>` and returns its stdout as printed. */
  raw(...args: string[]): Promise<string>;
  /** The command with `--output json`, its answer parsed ({} for an empty one). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read CLI answers by path
  aws(...args: string[]): Promise<any>;
  /** The command's stderr; fails the test if the command succeeds. */
  awsFails(...args: string[]): Promise<string>;
}

/**
 * `endpointUrl` may be a function: suites build the wrapper before `before()` has started the server
 * whose URL it reads.
 */
export function awsCli(endpointUrl: string | (() => string), options: AwsCliOptions = {}): AwsCli {
  const { credentials = { accessKeyId: 'berth', secretAccessKey: 'berth' }, timeoutMs = 60_000 } = options;
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  const url = (): string => (typeof endpointUrl === 'string' ? endpointUrl : endpointUrl());
  const raw = async (...args: string[]): Promise<string> => (await run(awsCliPath()!, [...args, '--endpoint-url', url()], { env, timeout: timeoutMs })).stdout;
  const aws = async (...args: string[]) => {
    const stdout = await raw(...args, '--output', 'json');
    return stdout.trim() ? JSON.parse(stdout) : {};
  };
  const awsFails = async (...args: string[]): Promise<string> => {
    try {
      await aws(...args);
    } catch (err) {
      return String((err as { stderr?: string }).stderr);
    }
    assert.fail(`expected aws ${args.join(' ')} to fail`);
  };
  return { raw, aws, awsFails };
}
