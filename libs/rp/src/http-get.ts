export interface HttpGetOptions {
  fetch: typeof globalThis.fetch;
  headers?: Record<string, string>;
  timeoutMs: number;
  maxBytes: number;
  /** Aborts the request when the owner closes (so a test or a shutdown never waits on the network). */
  signal: AbortSignal;
}

export interface HttpGetResult {
  status: number;
  headers: Headers;
  /** Only for 200; other statuses have their body discarded unread. */
  body?: string;
}

/**
 * One GET with a deadline and a size cap: a slow or hostile endpoint can cost neither unbounded
 * time nor unbounded memory. Throws an Error whose message says what went wrong (no body echoed).
 */
export async function httpGet(url: string, options: HttpGetOptions): Promise<HttpGetResult> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
  let response: Response;
  try {
    response = await options.fetch(url, { method: 'GET', headers: { accept: 'application/json', ...options.headers }, signal });
  } catch (err) {
    throw new Error(`${url}: ${requestFailure(err, options)}`);
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => {});
    return { status: response.status, headers: response.headers };
  }
  const declared = Number(response.headers.get('content-length'));
  if (declared > options.maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new Error(`${url}: response larger than ${options.maxBytes} bytes`);
  }
  try {
    return { status: 200, headers: response.headers, body: await readCapped(response, options.maxBytes) };
  } catch (err) {
    throw new Error(`${url}: ${err instanceof RangeError ? err.message : requestFailure(err, options)}`);
  }
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new RangeError(`response larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

function requestFailure(err: unknown, options: HttpGetOptions): string {
  if (options.signal.aborted) return 'request aborted (closed)';
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no response within ${options.timeoutMs} ms`;
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof cause === 'string' ? `request failed (${cause})` : `request failed (${(err as Error)?.message ?? 'unknown error'})`;
}
