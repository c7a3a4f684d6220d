/** The console API: JSON over fetch, errors as `{ code, message }` turned into an ApiError. */
export const V1 = '/berth/console/v1';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Fired when the server says we are not signed in, so the app can show the sign-in form. */
export const signedOut = new EventTarget();

async function parse<T>(res: Response): Promise<T> {
  const text = await res.text();
  const body = text ? JSON.parse(text) : {};
  if (!res.ok) {
    if (res.status === 401) signedOut.dispatchEvent(new Event('signed-out'));
    throw new ApiError(body.code ?? `HTTP${res.status}`, body.message ?? res.statusText, res.status);
  }
  return body as T;
}

export async function getJson<T>(path: string): Promise<T> {
  return parse<T>(await fetch(`${V1}${path}`, { credentials: 'same-origin', headers: { accept: 'application/json' } }));
}

export async function postJson<T = unknown>(path: string, body: unknown): Promise<T> {
  return parse<T>(
    await fetch(`${V1}${path}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

/** The last path segment of an ARN (`.../web-tg/abc` → `abc`), and a short name for tables. */
export const arnTail = (arn: string | undefined): string => (arn ? arn.slice(arn.lastIndexOf('/') + 1) : '');
export const arnName = (arn: string | undefined): string => {
  if (!arn) return '';
  const parts = arn.split(':').pop()!.split('/');
  return parts.length > 1 ? parts.slice(1).join('/') : parts[0]!;
};
