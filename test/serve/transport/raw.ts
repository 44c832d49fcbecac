/** A plain HTTP/1.1 client for the wire tests: exact headers and bodies, nothing the SDK adds. */
import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function raw(
  endpoint: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${endpoint}${options.path ?? '/'}`,
      { method: options.method ?? 'POST', headers: options.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The headers of a JSON 1.1 call to `target`, signed as far as the server looks. */
export function awsHeaders(
  target: string,
  contentType = 'application/x-amz-json-1.1',
): Record<string, string> {
  return {
    'content-type': contentType,
    'x-amz-target': target,
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0',
  };
}
