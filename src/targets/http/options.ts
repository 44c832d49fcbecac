/**
 * The `http` target's options and their flags (`run --target http --url URL …`): values arrive as
 * written on the command line (strings, lists of strings) and are converted and checked here, so a
 * mistake names its flag (`--header: "X-Api-Key" has no ':'`) and exits 2.
 */
import { z } from 'zod';
import { duration } from '../../scenario/schema-quantities.js';
import type { TargetFlag } from '../target.js';

/** The request bodies the target can send (formats.ts). */
export const HTTP_FORMATS = ['api-gateway-kinesis', 'json', 'raw'] as const;
export type HttpFormat = (typeof HTTP_FORMATS)[number];

/** Methods that carry a body (autocannon's list has more; a GET with a body is not a write). */
const METHODS = ['POST', 'PUT', 'PATCH'] as const;

/** RFC 9110 token characters: what a header name may contain. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `K: V` as a name and a value; the value may itself contain ':' (a URL, a time). */
const header = z.string().transform((text, ctx) => {
  const colon = text.indexOf(':');
  const name = colon < 0 ? '' : text.slice(0, colon).trim();
  const value = colon < 0 ? '' : text.slice(colon + 1).trim();
  if (colon < 0 || !HEADER_NAME.test(name) || /[\r\n]/.test(value)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a header: expected 'Name: value' (a name of letters, digits and -, one line)`,
    });
    return z.NEVER;
  }
  return [name, value] as const;
});

const count = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const httpOptionsSchema = z
  .strictObject({
    url: z
      .url({
        protocol: /^https?$/,
        error: 'expected an http:// or https:// URL such as http://127.0.0.1:8080/ingest',
      })
      .describe('Where every request goes.'),
    format: z
      .enum(HTTP_FORMATS, { error: `expected one of ${HTTP_FORMATS.join(', ')}` })
      .default('api-gateway-kinesis'),
    method: z
      .string()
      .transform((m) => m.toUpperCase())
      .pipe(z.enum(METHODS, { error: `expected one of ${METHODS.join(', ')}` }))
      .default('POST'),
    header: z.array(header).default([]).describe("Headers added to every request, 'Name: value'."),
    connections: count(1, 1024, 16).describe('Connections kept open to the URL.'),
    pipelining: count(1, 64, 1).describe('Requests in flight per connection (HTTP/1.1 pipelining).'),
    timeout: duration
      .default(10)
      .pipe(
        z
          .number()
          .min(1, { error: 'a timeout is at least 1s (autocannon counts it in whole seconds from 1)' }),
      )
      .describe('A request without a response after this long is an error.'),
    streamName: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .describe("api-gateway-kinesis's StreamName (default: the scenario's stream name)."),
    verifyEndpoint: z
      .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
      .optional()
      .describe('A Kinesis endpoint to read the stream behind the front from (with verifyStream).'),
    verifyStream: z.string().min(1).max(128).optional().describe('The stream behind the front.'),
    region: z.string().min(1).optional().describe('Region of the verify endpoint (default: the SDK chain).'),
    profile: z.string().min(1).optional().describe('A named AWS profile for the verify endpoint.'),
    drain: duration.default(30).describe('How long the verifying consumers may catch up after the run.'),
  })
  .superRefine((o, ctx) => {
    // One without the other reads nothing, or reads from nowhere.
    if ((o.verifyEndpoint === undefined) !== (o.verifyStream === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [o.verifyEndpoint === undefined ? 'verifyEndpoint' : 'verifyStream'],
        message:
          '--verify-endpoint and --verify-stream go together: give both to read the stream behind the front',
      });
    }
  });

export type HttpOptions = z.output<typeof httpOptionsSchema>;

export const HTTP_FLAGS: readonly TargetFlag[] = [
  { name: 'url', option: 'url', type: 'string', description: 'the ingestion endpoint every request goes to' },
  {
    name: 'format',
    option: 'format',
    type: 'string',
    description: `request body: ${HTTP_FORMATS.join(', ')} (default api-gateway-kinesis)`,
  },
  { name: 'method', option: 'method', type: 'string', description: 'POST, PUT or PATCH (default POST)' },
  {
    name: 'header',
    option: 'header',
    type: 'strings',
    description: "a header on every request, 'Name: value'",
  },
  {
    name: 'connections',
    option: 'connections',
    type: 'string',
    description: 'connections to open (default 16)',
  },
  {
    name: 'pipelining',
    option: 'pipelining',
    type: 'string',
    description: 'requests in flight per connection (default 1)',
  },
  {
    name: 'timeout',
    option: 'timeout',
    type: 'string',
    description: 'a request unanswered this long is an error (default 10s)',
  },
  {
    name: 'stream-name',
    option: 'streamName',
    type: 'string',
    description: "StreamName in api-gateway-kinesis bodies (default: the scenario's stream)",
  },
  {
    name: 'verify-endpoint',
    option: 'verifyEndpoint',
    type: 'string',
    description: 'Kinesis endpoint to read the stream behind the front from (with --verify-stream)',
  },
  {
    name: 'verify-stream',
    option: 'verifyStream',
    type: 'string',
    description: 'the stream behind the front, read back for integrity, e2e latency, shard load',
  },
  {
    name: 'region',
    option: 'region',
    type: 'string',
    description: 'AWS region (default: AWS_REGION or the profile)',
  },
  { name: 'profile', option: 'profile', type: 'string', description: 'named AWS profile for credentials' },
  {
    name: 'drain',
    option: 'drain',
    type: 'string',
    description: 'time consumers may catch up after producers stop (default 30s)',
  },
];
