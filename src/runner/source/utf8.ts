// Where a file stops being text. Node's decoder can reject invalid UTF-8 but does not say where,
// and a user fixing a file needs the line.

/** Byte offset of the first invalid UTF-8 sequence or NUL byte, or -1 when the buffer is clean text. */
export function firstInvalidByte(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    if (b === 0) return i;
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > buf.length) return i;
    for (let k = 1; k < len; k++) if ((buf[i + k]! & 0xc0) !== 0x80) return i;
    const b1 = buf[i + 1]!;
    // overlong 3/4-byte forms, UTF-16 surrogates, and code points above U+10FFFF
    if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 > 0x9f) || (b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 > 0x8f)) return i;
    i += len;
  }
  return -1;
}

/** 1-based line of a byte offset. */
export function lineOfByte(buf: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (buf[i] === 10) line++;
  return line;
}
