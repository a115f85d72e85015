import { createHash } from 'node:crypto';

/**
 * One generated file of a build, as stored in PwaBuild.files and served over HTTP. Text files
 * keep their text; binary ones (PNG icons) are stored as base64 (`encoding`). `bytes` and
 * `sha256` are of the bytes served.
 */
export type AppFile = {
  path: string;
  contentType: string;
  bytes: number;
  sha256: string;
  content: string;
  encoding?: 'base64';
};

const contentTypes: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  webmanifest: 'application/manifest+json; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
  png: 'image/png',
  css: 'text/css; charset=utf-8',
};

export function contentTypeOf(path: string): string {
  return contentTypes[path.slice(path.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
}

export function toAppFile(path: string, content: string | Buffer): AppFile {
  const binary = Buffer.isBuffer(content);
  const buffer = binary ? content : Buffer.from(content, 'utf8');
  return {
    path,
    contentType: contentTypeOf(path),
    bytes: buffer.byteLength,
    sha256: createHash('sha256').update(buffer).digest('hex'),
    content: binary ? buffer.toString('base64') : content,
    ...(binary ? { encoding: 'base64' as const } : {}),
  };
}

/** The bytes a file serves. */
export function appFileBytes(file: AppFile): Buffer {
  return Buffer.from(file.content, file.encoding === 'base64' ? 'base64' : 'utf8');
}

/** Reads PwaBuild.files back; entries that are not files are skipped rather than trusted. */
export function readAppFiles(json: unknown): AppFile[] {
  if (!Array.isArray(json)) return [];
  return json.filter(
    (entry): entry is AppFile =>
      !!entry && typeof entry === 'object' && typeof entry.path === 'string' && typeof entry.content === 'string' && typeof entry.sha256 === 'string',
  );
}
