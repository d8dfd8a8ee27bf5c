import { createHash } from 'node:crypto';
import { normaliseNewlines, stripBom } from './text.js';

/** SHA-256 (hex) of a file's text with BOM and CRLF normalised away, so a Windows checkout is not drift. */
export function checksum(text: string): string {
  return createHash('sha256').update(normaliseNewlines(stripBom(text))).digest('hex');
}
