/**
 * `multipart/form-data` (RFC 7578) over a body already in memory — the server caps bodies at
 * `maxBodySize`, so the whole body is bounded; parts are slices of it (no copies).
 */
import { createError } from '../../lib/errors';
import { mediaTypeParam } from './headers';
import type { MultiValueRecord } from './query';

/** One uploaded file. */
export interface MultipartFile {
  /** The form field name. */
  readonly name: string;
  /** The client's file name (directory parts removed). */
  readonly filename: string;
  /** The part's Content-Type. @default 'application/octet-stream' */
  readonly contentType: string;
  readonly data: Buffer;
  /** Every header of the part, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Form fields (text parts) and files. */
export interface FormData {
  readonly fields: MultiValueRecord;
  readonly files: readonly MultipartFile[];
}

export interface MultipartLimits {
  /** Most parts accepted. @default 1000 */
  readonly maxParts?: number;
  /** Most header bytes in one part. @default 8192 */
  readonly maxPartHeaderSize?: number;
}

const CRLF = Buffer.from('\r\n');
const CRLFCRLF = Buffer.from('\r\n\r\n');

function invalid(reason: string): Error {
  return createError('RXP_ERR_HTTP_INVALID_BODY', 'multipart', reason);
}

function parsePartHeaders(block: string): Record<string, string> {
  const headers = Object.create(null) as Record<string, string>;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw invalid('malformed part header');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function dispositionParam(disposition: string, name: string): string | undefined {
  // Content-Disposition reuses the Content-Type parameter syntax.
  return mediaTypeParam(disposition, name);
}

function baseName(filename: string): string {
  // Old IE sends full client paths (pulsar trimmed them too).
  const cut = Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\'));
  return cut === -1 ? filename : filename.slice(cut + 1);
}

/**
 * Parses a multipart body. `contentType` must carry the `boundary` parameter. Throws
 * `RXP_ERR_HTTP_INVALID_BODY` on malformed input.
 */
export function parseMultipart(body: Buffer, contentType: string, limits: MultipartLimits = {}): FormData {
  const boundary = mediaTypeParam(contentType, 'boundary');
  if (boundary === undefined || boundary === '' || boundary.length > 70) throw invalid('missing or invalid boundary');
  const maxParts = limits.maxParts ?? 1000;
  const maxHeader = limits.maxPartHeaderSize ?? 8192;
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const fields = Object.create(null) as Record<string, string | string[]>;
  const files: MultipartFile[] = [];

  // The first delimiter may follow a preamble; later ones are always preceded by CRLF.
  let pos = body.indexOf(delimiter);
  if (pos === -1 || (pos > 0 && !body.subarray(pos - 2, pos).equals(CRLF))) throw invalid('no opening boundary');
  pos += delimiter.length;
  const next = Buffer.concat([CRLF, delimiter]);
  let parts = 0;
  for (;;) {
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return { fields, files }; // closing "--"
    // Transport padding (LWSP) may follow a delimiter before its CRLF.
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw invalid('boundary not followed by CRLF');
    pos += 2;
    if (++parts > maxParts) throw invalid(`more than ${maxParts} parts`);
    const headerEnd = body.indexOf(CRLFCRLF, pos);
    if (headerEnd === -1 || headerEnd - pos > maxHeader) throw invalid('part headers too large or unterminated');
    const headers = headerEnd === pos ? (Object.create(null) as Record<string, string>) : parsePartHeaders(body.toString('utf8', pos, headerEnd));
    const dataStart = headerEnd + 4;
    const dataEnd = body.indexOf(next, dataStart);
    if (dataEnd === -1) throw invalid('unterminated part');
    const data = body.subarray(dataStart, dataEnd);
    pos = dataEnd + next.length;

    const disposition = headers['content-disposition'];
    if (disposition === undefined || !/^form-data\b/i.test(disposition)) continue;
    const name = dispositionParam(disposition, 'name');
    if (name === undefined) continue;
    const filename = dispositionParam(disposition, 'filename');
    if (filename !== undefined) {
      files.push({
        name,
        filename: baseName(filename),
        contentType: headers['content-type'] ?? 'application/octet-stream',
        data,
        headers,
      });
    } else {
      const value = data.toString('utf8');
      const previous = fields[name];
      if (previous === undefined) fields[name] = value;
      else if (typeof previous === 'string') fields[name] = [previous, value];
      else previous.push(value);
    }
  }
}
