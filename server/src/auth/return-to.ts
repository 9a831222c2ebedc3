/**
 * Where a web login may send the browser back to: only a path on this server — under its path
 * prefix (PUBLIC_BASE_URL's path, `basePath`) when it has one, since the rest of the origin
 * belongs to other apps behind the same proxy. Refused: anything that does not start with one
 * `/` (`https://evil.example/`, `https:evil.example`), a protocol-relative `//evil.example`, any
 * backslash (`/\evil.example`: browsers read it as `/`), whitespace and control characters (which
 * URL parsers drop, turning `/\t/evil` into `//evil`), and anything that, resolved against this
 * server, lands on another origin or outside the prefix (`/gate/../other`).
 */
export const MAX_RETURN_TO_LENGTH = 512;

export function isLocalPath(value: string, basePath = ''): boolean {
  if (value.length === 0 || value.length > MAX_RETURN_TO_LENGTH) return false;
  if (!value.startsWith('/') || value.startsWith('//')) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (/[\s\\\u0000-\u001f\u007f]/.test(value)) return false;
  const base = 'http://return-to.invalid';
  let resolved: URL;
  try {
    resolved = new URL(value, base);
  } catch {
    return false;
  }
  return resolved.origin === base && isUnder(resolved.pathname, basePath);
}

/** True when `path` is `basePath` or below it ('' holds every path). */
export function isUnder(path: string, basePath: string): boolean {
  return basePath === '' || path === basePath || path.startsWith(`${basePath}/`);
}
