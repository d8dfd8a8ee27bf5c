// Passwords never reach stdout, stderr or the database's log table. URLs are rewritten with the
// password masked, and every secret seen at start-up is masked wherever it appears later.

const secrets = new Set<string>();

/** Remembers a secret so that `redact` masks it in any later text. */
export function addSecret(secret: string | undefined): void {
  if (secret && secret.length >= 1) {
    secrets.add(secret);
    try {
      const decoded = decodeURIComponent(secret);
      if (decoded !== secret) secrets.add(decoded);
    } catch {
      // not percent-encoded; the raw form is enough
    }
  }
}

/** Remembers the password of a connection URL, if it has one, so that `redact` masks it. */
export function addUrlSecret(url: string): void {
  try {
    addSecret(new URL(url).password || undefined);
  } catch {
    // not a URL: redactUrl masks a user:password@ part by pattern when it is printed
  }
}

/** A connection URL with its password replaced by ***, for display. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) {
      addSecret(u.password);
      u.password = '***';
    }
    return u.toString();
  } catch {
    // Not a URL the WHATWG parser accepts: mask a user:password@ part by pattern.
    return url.replace(/(\/\/[^/:@]*:)[^@/]*@/, '$1***@');
  }
}

/** Masks every remembered secret in a piece of text. */
export function redact(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}
