/**
 * ALB fixed-response actions: a status code (2XX, 4XX, 5XX), one of five content types, and a
 * body of at most 1024 characters. Without a ContentType the ALB sends text/plain.
 */
export type FixedResponseContentType = 'text/plain' | 'text/css' | 'text/html' | 'application/javascript' | 'application/json';

export interface FixedResponseConfig {
  readonly statusCode: string;
  readonly contentType?: FixedResponseContentType;
  readonly messageBody?: string;
}

export interface FixedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

const contentTypes = new Set(['text/plain', 'text/css', 'text/html', 'application/javascript', 'application/json']);

export function validateFixedResponse(config: FixedResponseConfig): string | undefined {
  if (!/^[245]\d\d$/.test(config.statusCode)) return `StatusCode must be 2XX, 4XX or 5XX, got ${config.statusCode}`;
  if (config.contentType !== undefined && !contentTypes.has(config.contentType)) return `unsupported ContentType ${config.contentType}`;
  if ((config.messageBody ?? '').length > 1024) return 'MessageBody is longer than 1024 characters';
  return undefined;
}

export function fixedResponse(config: FixedResponseConfig): FixedResponse {
  const problem = validateFixedResponse(config);
  if (problem) throw new Error(problem);
  const body = Buffer.from(config.messageBody ?? '', 'utf8');
  return {
    status: Number(config.statusCode),
    headers: {
      'Content-Type': `${config.contentType ?? 'text/plain'}; charset=utf-8`,
      'Content-Length': String(body.length),
    },
    body,
  };
}
