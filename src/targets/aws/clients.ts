/**
 * The SDK v3 clients of an AWS run, and the one cheap call that proves the credentials before
 * anything is created (README, "Safety rails").
 *
 * - Region: `--region`, else the SDK's chain (AWS_REGION, the profile's `region`); with
 *   `--endpoint` and no `--region`, us-east-1 (a local server does not care, the signer needs one).
 * - Credentials: the SDK's default chain (environment, `--profile` or AWS_PROFILE from the shared
 *   files, SSO, instance roles). Against a local endpoint without `--profile`, dummy ones:
 *   kinesalite and `shardcast serve` check only the signature's shape.
 * - Transport: Kinesis over HTTP/1.1 keep-alive with enough sockets for every producer's requests
 *   in flight; SubscribeToShard's event stream over HTTP/2 on a second client (HTTP/1.1 on a
 *   plain-http endpoint that refuses HTTP/2: streaming-handler.ts).
 * - S3, only with `--firehose-bucket`: to read Firehose's objects back (s3-deliveries.ts).
 */

import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ExitCode, RunAbortedError, ShardcastError } from '../../errors.js';
import type { AwsOptions } from './options.js';
import type { AwsClients } from './run.js';
import { StreamingHandler } from './streaming-handler.js';

/** Sockets per client at least (the writers' get one per request a producer may keep in flight). */
const MAX_SOCKETS = 64;
/** Region a local endpoint is signed for when none is configured. */
const LOCAL_REGION = 'us-east-1';
/** Credentials a local endpoint accepts (it checks the signature's shape, not the key). */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Whether an endpoint URL is this machine (127.0.0.0/8, localhost, [::1]): no AWS bill behind it. */
export function isLocalEndpoint(endpoint: string | undefined): boolean {
  if (endpoint === undefined) return false;
  let host: string;
  try {
    host = new URL(endpoint).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The clients' shared configuration from the options (exported for the tests). A local endpoint
 * gets dummy credentials unless `--profile` names real ones: the servers check the signature's
 * shape, not the key, and a developer's AWS keys have no business being sent to them.
 */
export function clientConfig(options: AwsOptions) {
  const local = isLocalEndpoint(options.endpoint);
  const region = options.region ?? (options.endpoint === undefined ? undefined : LOCAL_REGION);
  const dummy = local && options.profile === undefined;
  return {
    ...(region === undefined ? {} : { region }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    // A fresh object per client: the SDK marks the credentials it is given (`$source`) in place.
    ...(dummy ? { credentials: { ...LOCAL_CREDENTIALS } } : {}),
  };
}

/** How long one HTTP attempt may take before it is abandoned (a server that never answers must not hang the run). */
const REQUEST_TIMEOUT_MS = 30_000;
/** How long opening a connection may take. */
const CONNECTION_TIMEOUT_MS = 5_000;

/**
 * The run's clients: the control plane's with the SDK's retries; the data plane's (writes, polling
 * reads, SubscribeToShard) with one attempt a call — the producers resend with the scenario's own
 * retry policy, which then counts every attempt, and the readers back off themselves — each on its
 * own sockets: `writers` × `maxInFlight` for the producers' requests in flight.
 */
export function createClients(options: AwsOptions, writers = 1): AwsClients {
  const config = clientConfig(options);
  const http1 = (maxSockets: number) => {
    const agent = { keepAlive: true, maxSockets };
    return new NodeHttpHandler({
      httpAgent: new HttpAgent(agent),
      httpsAgent: new HttpsAgent(agent),
      requestTimeout: REQUEST_TIMEOUT_MS,
      connectionTimeout: CONNECTION_TIMEOUT_MS,
    });
  };
  const writeSockets = Math.max(MAX_SOCKETS, writers * options.maxInFlight);
  const dataPlane = { ...config, maxAttempts: 1 };
  return {
    kinesis: new KinesisClient({ ...config, requestHandler: http1(MAX_SOCKETS) }),
    kinesisStreaming: new KinesisClient({
      ...dataPlane,
      requestHandler: new StreamingHandler(options.endpoint?.startsWith('http://') ?? false),
    }),
    firehose: new FirehoseClient({ ...config, requestHandler: http1(MAX_SOCKETS) }),
    kinesisWrite: new KinesisClient({ ...dataPlane, requestHandler: http1(writeSockets) }),
    kinesisRead: new KinesisClient({ ...dataPlane, requestHandler: http1(MAX_SOCKETS) }),
    firehoseWrite: new FirehoseClient({ ...dataPlane, requestHandler: http1(writeSockets) }),
    // Only to read --firehose-bucket back. With --endpoint it goes there too, path-style
    // (`/<bucket>/<key>`: a local S3 such as LocalStack's serves every bucket on one host).
    ...(options.firehoseBucket === undefined
      ? {}
      : {
          s3: new S3Client({
            ...config,
            ...(options.endpoint === undefined ? {} : { forcePathStyle: true }),
            requestHandler: http1(MAX_SOCKETS),
          }),
        }),
  };
}

export function destroyClients(clients: AwsClients): void {
  clients.kinesis.destroy();
  clients.kinesisStreaming.destroy();
  clients.firehose.destroy();
  clients.kinesisWrite?.destroy();
  clients.kinesisRead?.destroy();
  clients.firehoseWrite?.destroy();
  clients.s3?.destroy();
}

/** Error names that mean the credentials are missing, wrong or expired (not a broken endpoint). */
const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'ExpiredTokenException',
  'ExpiredToken',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'InvalidClientTokenId',
  'TokenRefreshRequired',
  'AccessDeniedException',
  'IncompleteSignatureException',
]);

/** The fix for a credential problem, in one line. */
function credentialFix(options: AwsOptions): string {
  if (options.profile !== undefined)
    return `run \`aws sso login --profile ${options.profile}\` (SSO) or check profile "${options.profile}" in ~/.aws/credentials and ~/.aws/config`;
  return 'set AWS_PROFILE (and run `aws sso login` for an SSO profile), pass --profile NAME, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
}

/** Where the calls go, in words: `http://127.0.0.1:4567` or `AWS (eu-west-1)`. */
export function whereText(options: AwsOptions, region: string | undefined): string {
  return options.endpoint ?? `AWS (${region ?? 'region from the SDK chain'})`;
}

/**
 * One cheap call (ListStreams, Limit 1) that proves the credentials and the endpoint before
 * anything is created: a credential problem is one line with its fix, a target failure (exit 3).
 * Returns the region the client resolved.
 */
export async function checkAccess(
  clients: AwsClients,
  options: AwsOptions,
  signal?: AbortSignal,
): Promise<string> {
  let region: string | undefined;
  try {
    region = await clients.kinesis.config.region();
    await clients.kinesis.send(new ListStreamsCommand({ Limit: 1 }), { abortSignal: signal });
    return region;
  } catch (error) {
    const name = error instanceof Error ? error.name : String(error);
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    if (signal?.aborted)
      throw new RunAbortedError('stopped while checking the credentials; nothing was created');
    // No region anywhere is a setting to add, not a failure of AWS: an input error.
    if (/region/i.test(message ?? '') && region === undefined) {
      throw new ShardcastError(
        'usage',
        `no AWS region: ${message}; nothing was created`,
        ExitCode.invalidInput,
        'pass --region, set AWS_REGION, or set a region in the profile',
      );
    }
    if (CREDENTIAL_ERRORS.has(name)) {
      throw new ShardcastError(
        'target',
        `AWS credentials for ${whereText(options, region)} are missing, expired or refused (${name}: ${message}); nothing was created`,
        ExitCode.targetFailed,
        credentialFix(options),
      );
    }
    throw new ShardcastError(
      'target',
      `${whereText(options, region)} did not answer ListStreams (${name}: ${message}); nothing was created`,
      ExitCode.targetFailed,
      options.endpoint === undefined
        ? 'check the network and the region'
        : `is the endpoint running? (shardcast serve --port ${new URL(options.endpoint).port || 80})`,
    );
  }
}
