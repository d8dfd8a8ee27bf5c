// Column width of a string in a terminal, for yargs' help layout (cliui and wrap-ansi). The
// bundled CLI uses this instead of the string-width package, which runs Intl.Segmenter and an
// emoji pattern over every character and cost a third of `pgstrata --help` (see
// docs/benchmarks.md). Plain ASCII is its length; otherwise wide East Asian and emoji code points
// count 2, control, combining and zero-width ones 0.
const ANSI = /\u001b\[[0-9;]*[A-Za-z]|\u001b\]8;;.*?\u0007/g;

function isZeroWidth(c: number): boolean {
  return c < 32 || (c >= 0x7f && c < 0xa0) || (c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200f) || (c >= 0xfe00 && c <= 0xfe0f) || c === 0xfeff;
}

function isWide(c: number): boolean {
  return (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0x303e) ||
    (c >= 0x3041 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x1f300 && c <= 0x1f64f) ||
    (c >= 0x1f900 && c <= 0x1f9ff) ||
    (c >= 0x20000 && c <= 0x3fffd)
  );
}

export default function stringWidth(text: string): number {
  if (typeof text !== 'string' || text.length === 0) return 0;
  const plain = text.includes('\u001b') ? text.replace(ANSI, '') : text;
  if (/^[\x20-\x7e]*$/.test(plain)) return plain.length;
  let width = 0;
  for (const ch of plain) {
    const c = ch.codePointAt(0)!;
    if (!isZeroWidth(c)) width += isWide(c) ? 2 : 1;
  }
  return width;
}
