/**
 * Where a web login may send the browser back to: only a path on this server. Refused: anything
 * that does not start with one `/` (`https://evil.example/`, `https:evil.example`), a
 * protocol-relative `//evil.example`, any backslash (`/\evil.example`: browsers read it as `/`),
 * whitespace and control characters (which URL parsers drop, turning `/\t/evil` into `//evil`),
 * and anything that, resolved against this server, lands on another origin.
 */
export const MAX_RETURN_TO_LENGTH = 512;

export function isLocalPath(value: string): boolean {
  if (value.length === 0 || value.length > MAX_RETURN_TO_LENGTH) return false;
  if (!value.startsWith('/') || value.startsWith('//')) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (/[\s\\\u0000-\u001f\u007f]/.test(value)) return false;
  const base = 'http://return-to.invalid';
  try {
    return new URL(value, base).origin === base;
  } catch {
    return false;
  }
}
