// Text positions as users see them. PostgreSQL reports error positions as 1-based offsets in
// code points (not UTF-16 units, not bytes); editors show 1-based lines and columns.

const BOM = '\uFEFF';

export function stripBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(1) : text;
}

/** Line endings normalised so a CRLF checkout hashes like an LF one. */
export function normaliseNewlines(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) i++;
    n++;
  }
  return n;
}

export interface LineColumn {
  line: number;
  column: number;
}

/**
 * Line and column (both 1-based, column in code points) of a 0-based code-point offset.
 * A CR before LF belongs to the line it ends, so CRLF files count like LF files.
 */
export function lineColumnAtCodePoint(text: string, offset: number): LineColumn {
  let line = 1;
  let column = 1;
  let seen = 0;
  for (let i = 0; i < text.length && seen < offset; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) i++;
    seen++;
    if (c === 10) {
      line++;
      column = 1;
    } else {
      column++;
    }
  }
  return { line, column };
}

/** Line and column of a 0-based UTF-8 byte offset (libpg-query reports those). */
export function lineColumnAtByte(text: string, byteOffset: number): LineColumn {
  const { line, column } = new ByteCursor(text).at(byteOffset);
  return { line, column };
}

/**
 * Maps increasing UTF-8 byte offsets to UTF-16 indices and editor lines/columns (code points) in
 * one forward pass over the file, however many statements it holds.
 */
export class ByteCursor {
  private byte = 0;
  private index = 0;
  private line = 1;
  private column = 1;
  constructor(private readonly text: string) {}

  at(target: number): { index: number; line: number; column: number } {
    if (target < this.byte) Object.assign(this, { byte: 0, index: 0, line: 1, column: 1 });
    while (this.byte < target && this.index < this.text.length) {
      const c = this.text.codePointAt(this.index)!;
      this.byte += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      this.index += c >= 0x10000 ? 2 : 1;
      if (c === 10) {
        this.line++;
        this.column = 1;
      } else {
        this.column++;
      }
    }
    return { index: this.index, line: this.line, column: this.column };
  }
}

/** 1-based line of a 0-based UTF-16 index, for problems found by string scanning. */
export function lineAtIndex(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
