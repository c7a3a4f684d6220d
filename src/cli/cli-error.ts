/**
 * Exit codes a script can branch on, and the one error type verbs throw. main.ts turns any error
 * into one line on stderr; AWS SDK errors become `<Code>: <message>` with exit 1.
 */
export const EXIT = {
  ok: 0,
  api: 1,
  usage: 2,
  /** The deployment FAILED or was rolled back. */
  deploymentFailed: 3,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.api,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** One line for any error: SDK service errors carry their AWS code as `name`. */
export function describeError(err: unknown): { line: string; exitCode: number } {
  if (err instanceof CliError) return { line: err.message, exitCode: err.exitCode };
  if (err instanceof Error) {
    const e = err as Error & { $metadata?: unknown; code?: string };
    if (e.$metadata !== undefined && e.name && e.name !== 'Error') {
      return { line: `${e.name}: ${oneLine(e.message)}`, exitCode: EXIT.api };
    }
    if (e.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(e.message)) {
      return { line: `cannot reach the Berth API (${oneLine(e.message)}); is \`berth up\` running? (--endpoint, BERTH_ENDPOINT)`, exitCode: EXIT.api };
    }
    return { line: oneLine(e.message), exitCode: EXIT.api };
  }
  return { line: String(err), exitCode: EXIT.api };
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}
