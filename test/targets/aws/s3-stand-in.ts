/**
 * A tiny S3 for tests (serve has none): ListObjectsV2 (`GET /<bucket>?list-type=2&prefix=…`) and
 * GetObject (`GET /<bucket>/<key>`), path-style, over the files of `root/<bucket>/<key>` — the
 * layout `shardcast serve --data DIR` writes Firehose's objects in. Answers as S3 does (the
 * ListBucketResult XML, Last-Modified, a NoSuchBucket/NoSuchKey error document), so the real
 * `@aws-sdk/client-s3` parses it. `pageKeys` caps a listing page (S3's own cap is 1,000), so paging
 * is exercised with a few objects. Skips dot-files, serve's objects still being written.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, sep } from 'node:path';

export interface S3StandIn {
  endpoint: string;
  /** The requests answered, as `<method> <path and query>`. */
  requests: string[];
  close(): Promise<void>;
}

const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function error(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlText(message)}</Message><RequestId>stand-in</RequestId></Error>`,
  );
}

async function keysOf(bucketDir: string): Promise<string[]> {
  const entries: Dirent[] = await readdir(bucketDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => relative(bucketDir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

export async function startS3StandIn(root: string, pageKeys = 1000): Promise<S3StandIn> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      const [, bucket = '', ...rest] = url.pathname.split('/');
      const key = decodeURIComponent(rest.join('/'));
      const bucketDir = join(root, bucket);
      const exists = await stat(bucketDir).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (bucket === '' || !exists)
        return error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
      if (req.method !== 'GET') return error(res, 405, 'MethodNotAllowed', 'only GET here');
      if (key === '') {
        if (url.searchParams.get('list-type') !== '2')
          return error(res, 400, 'InvalidArgument', 'list-type=2 only');
        const prefix = url.searchParams.get('prefix') ?? '';
        const max = Math.min(pageKeys, Number(url.searchParams.get('max-keys') ?? 1000));
        const after = url.searchParams.get('continuation-token') ?? url.searchParams.get('start-after') ?? '';
        const matching = (await keysOf(bucketDir)).filter((k) => k.startsWith(prefix) && k > after);
        const page = matching.slice(0, max);
        const truncated = matching.length > page.length;
        const contents = await Promise.all(
          page.map(async (k) => {
            const s = await stat(join(bucketDir, ...k.split('/')));
            return `<Contents><Key>${xmlText(k)}</Key><LastModified>${s.mtime.toISOString()}</LastModified><ETag>"${s.size}"</ETag><Size>${s.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
          }),
        );
        res.writeHead(200, { 'content-type': 'application/xml' });
        return res.end(
          `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xmlText(bucket)}</Name><Prefix>${xmlText(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents.join('')}${truncated ? `<NextContinuationToken>${xmlText(page.at(-1)!)}</NextContinuationToken>` : ''}</ListBucketResult>`,
        );
      }
      const path = join(bucketDir, ...key.split('/'));
      const found = await Promise.all([stat(path), readFile(path)]).catch(() => undefined);
      if (found === undefined || key.split('/').includes('..'))
        return error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      const [s, body] = found;
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': body.length,
        'last-modified': s.mtime.toUTCString(),
        etag: `"${s.size}"`,
      });
      res.end(body);
    })().catch((e: unknown) => error(res, 500, 'InternalError', String(e)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
