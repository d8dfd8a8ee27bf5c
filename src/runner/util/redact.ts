// Passwords never reach stdout, stderr or the database's tables. Redaction is structural: a
// password is masked where it stands as a credential (a URL's user:password@, a password=
// parameter), and in text from outside (driver and server messages) a known secret is masked only
// where it stands as a whole token. Masking a secret wherever its characters occur would corrupt
// output: with the password "e", "database" would print as "databas***".

export const MASK = '***';

const secrets = new Set<string>();

/** Remembers a secret so that credentials equal to it, and foreign text naming it, are masked. */
export function addSecret(secret: string | undefined): void {
  if (!secret) return;
  secrets.add(secret);
  const decoded = decode(secret);
  secrets.add(decoded);
  secrets.add(encodeURIComponent(decoded));
}

/** Remembers every password a connection string carries (URL userinfo, password= in the query or as a keyword). */
export function addUrlSecret(connection: string): void {
  maskCredentials(connection, (secret) => (addSecret(secret), false));
}

/** A connection string for display: every password in it masked, whether pgstrata knows it or not. */
export function redactUrl(connection: string): string {
  return maskCredentials(connection, () => true);
}

/**
 * Text pgstrata writes itself (a message, a log field, a JSON string value): a known secret is
 * masked where it stands as a credential. Nothing else changes, so a migration's SQL printed by
 * `up --sql` stays byte for byte what the file says.
 */
export function redactText(text: string): string {
  return secrets.size === 0 ? text : maskCredentials(text, isSecret);
}

/**
 * Text from outside (a driver's or the server's message, a parser's complaint): every credential
 * masked, and each known secret masked where it stands as a whole token (between spaces, quotes,
 * brackets or punctuation). URLs are masked structurally only, so a password "postgres" leaves
 * `postgres://` alone.
 */
export function redactForeign(text: string): string {
  const parts = text.split(URL_IN_TEXT);
  // split() with a capturing group puts the URLs at the odd indexes.
  return parts.map((part, i) => (i % 2 === 1 ? maskUrl(part, () => true) : maskTokens(maskKeywords(part, () => true)))).join('');
}

/** A JSON-able value with every string in it passed through `redactText`: redacted before serialising, never after. */
export function redactValue<T>(value: T, redact: (s: string) => string = redactText): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, redact)) as T;
  if (value instanceof Error) return redactValue({ name: value.name, message: value.message }, redact) as T;
  // What JSON.stringify would write of an object: its own enumerable properties (a Date's toJSON is left to it).
  if (value && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, redact)])) as T;
  }
  return value;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function isSecret(value: string): boolean {
  return secrets.has(value) || secrets.has(decode(value));
}

// A URL in running text ends at white space, a quote or an angle bracket.
const URL_IN_TEXT = /([a-z][a-z0-9+.-]*:\/\/[^\s"'`<>]*)/gi;
const PASSWORD_PARAM = /([?&](?:ssl)?password=)([^&#\s]*)/gi;
// libpq's keyword/value form: password=secret or password='a \'quoted\' secret'. The lookbehind
// keeps hashed_password = … in a migration's SQL out of it.
// An unquoted value stops at a quote or backslash too, so one inside a JSON string ends there.
const PASSWORD_KEYWORD = /((?<![\w$])(?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s'"\\]+)/gi;

/** Masks the passwords in URLs and keyword/value pairs for which `mask(password)` says so. */
function maskCredentials(text: string, mask: (secret: string) => boolean): string {
  const parts = text.split(URL_IN_TEXT);
  return parts.map((part, i) => (i % 2 === 1 ? maskUrl(part, mask) : maskKeywords(part, mask))).join('');
}

function maskUrl(url: string, mask: (secret: string) => boolean): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^?#]*)([\s\S]*)$/i.exec(url);
  if (!m) return url;
  let [, scheme, authorityAndPath, rest] = m as unknown as [string, string, string, string];
  // The password ends at the last @ before the query: an unencoded @ or / in it still counts.
  const at = authorityAndPath.lastIndexOf('@');
  if (at !== -1) {
    const userinfo = authorityAndPath.slice(0, at);
    const colon = userinfo.indexOf(':');
    const password = colon === -1 ? '' : userinfo.slice(colon + 1);
    if (password !== '' && mask(decode(password))) authorityAndPath = `${userinfo.slice(0, colon + 1)}${MASK}${authorityAndPath.slice(at)}`;
  }
  rest = rest.replace(PASSWORD_PARAM, (whole, key: string, value: string) => (value !== '' && mask(decode(value)) ? `${key}${MASK}` : whole));
  return `${scheme}${authorityAndPath}${rest}`;
}

function maskKeywords(text: string, mask: (secret: string) => boolean): string {
  return text.replace(PASSWORD_KEYWORD, (whole, key: string, value: string) => {
    const secret = value.startsWith("'") ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
    return secret !== '' && mask(secret) ? `${key}${MASK}` : whole;
  });
}

const BEFORE = `(?<=^|[\\s"'\`(\\[{<,;=])`;
const AFTER = `(?=$|[\\s"'\`)\\]}>,;.:!?])`;

function maskTokens(text: string): string {
  let out = text;
  // Longest first, so that a secret containing another is masked whole.
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (!out.includes(s)) continue;
    out = out.replace(new RegExp(`${BEFORE}${s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}${AFTER}`, 'g'), MASK);
  }
  return out;
}
