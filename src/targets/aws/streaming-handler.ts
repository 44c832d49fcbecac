/**
 * The request handler of SubscribeToShard's client: HTTP/2, as AWS serves enhanced fan-out, with
 * one fallback for local endpoints. Over plain `http://` the SDK speaks HTTP/2 with prior knowledge
 * (no TLS, so no ALPN to agree on a protocol); `shardcast serve` answers it, but kinesis-local
 * (kinesis-mock) serves its event stream over HTTP/1.1 only: its HTTP/2 subscriptions fail with a
 * protocol error (`ERR_HTTP2_ERROR`), every one, and an enhanced fan-out application read nothing.
 * So on a plain-http endpoint where no HTTP/2 stream ever ended cleanly, that error switches this
 * client to HTTP/1.1 for good (the failed request is sent again over it when it failed before its
 * answer; the fan-out reader resubscribes otherwise), and the event stream comes back chunked. Against AWS (`https://`) nothing changes; an endpoint that
 * answered HTTP/2 once keeps it (a later error there is the endpoint's, reported as such).
 */
import { Agent as HttpAgent } from 'node:http';
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler';

type Handle = NodeHttp2Handler['handle'];

/** Errors of a connection that does not speak HTTP/2 at all (not of one request on a working session). */
const NOT_HTTP2 = new Set(['ERR_HTTP2_ERROR', 'ERR_HTTP2_SESSION_ERROR']);

export class StreamingHandler {
  /** What the SDK builds requests for: HTTP/2 adds the `:authority` pseudo-header, HTTP/1.1 refuses it. */
  get metadata(): { handlerProtocol: string } {
    return { handlerProtocol: this.http1 === undefined ? 'h2' : 'http/1.1' };
  }
  private readonly http2 = new NodeHttp2Handler({ disableConcurrentStreams: false });
  private http1: NodeHttpHandler | undefined;
  private http2Worked = false;

  /** `plainHttp`: the endpoint is `http://` (a local server), the only case that may fall back. */
  constructor(private readonly plainHttp: boolean) {}

  /** Whether requests now go over HTTP/1.1 (for the tests and the run's details). */
  get fellBack(): boolean {
    return this.http1 !== undefined;
  }

  async handle(...args: Parameters<Handle>): ReturnType<Handle> {
    if (this.http1 !== undefined) return this.http1.handle(...withoutPseudoHeaders(args));
    try {
      const answer = await this.http2.handle(...args);
      // kinesis-local answers the HTTP/2 request's headers, then fails its stream with a protocol
      // error before any event: watched without reading (an 'error' or 'end' listener leaves the
      // stream paused for the SDK), the next request goes over HTTP/1.1.
      const body = answer.response.body as NodeJS.ReadableStream | undefined;
      body?.once?.('end', () => {
        this.http2Worked = true;
      });
      body?.once?.('error', (error: unknown) => {
        if (this.mayFallBack(error)) this.fallBack();
      });
      return answer;
    } catch (error) {
      if (!this.mayFallBack(error)) throw error;
      return this.fallBack().handle(...withoutPseudoHeaders(args));
    }
  }

  private mayFallBack(error: unknown): boolean {
    const code = (error as { code?: unknown } | null)?.code;
    return this.plainHttp && !this.http2Worked && typeof code === 'string' && NOT_HTTP2.has(code);
  }

  private fallBack(): NodeHttpHandler {
    this.http1 ??= new NodeHttpHandler({ httpAgent: new HttpAgent({ keepAlive: true }) });
    return this.http1;
  }

  updateHttpClientConfig(...args: Parameters<NodeHttp2Handler['updateHttpClientConfig']>): void {
    this.http2.updateHttpClientConfig(...args);
  }

  httpHandlerConfigs(): ReturnType<NodeHttp2Handler['httpHandlerConfigs']> {
    return this.http2.httpHandlerConfigs();
  }

  destroy(): void {
    this.http2.destroy();
    this.http1?.destroy();
  }
}

/**
 * The request without HTTP/2's pseudo-headers (`:authority`, added while the handler said h2),
 * which Node's HTTP/1.1 client refuses as invalid header names.
 */
function withoutPseudoHeaders(args: Parameters<Handle>): Parameters<Handle> {
  const [request, options] = args;
  if (!Object.keys(request.headers).some((name) => name.startsWith(':'))) return args;
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(([name]) => !name.startsWith(':')),
  );
  const copy = Object.assign(
    Object.create(Object.getPrototypeOf(request) as object) as typeof request,
    request,
    {
      headers,
    },
  );
  return [copy, options];
}
