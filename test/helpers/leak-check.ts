/**
 * Every response a test helper receives from the gateway is recorded here (per test file), and
 * `test/helpers/leak-check-setup.ts` asserts after each file that none of them holds a secret:
 * an app secret, an access token or session_key the simulator issued, the JWT secret, or
 * WeCom's `from ip`.
 */
const MAX_RECORDED = 20_000;
const recorded: string[] = [];
const knownSecrets = new Set<string>();
const secretSources: (() => readonly string[])[] = [];

export function recordResponse(what: string, headers: Headers, text: string): void {
  if (recorded.length >= MAX_RECORDED) return;
  recorded.push(`${what}\n${[...headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${text}`);
}

/** A secret that must never appear in a response (e.g. the gateway's JWT secret). */
export function registerSecret(secret: string): void {
  knownSecrets.add(secret);
}

/** A source of secrets read when the check runs (e.g. a simulator's `issuedSecrets`). */
export function registerSecretSource(source: () => readonly string[]): void {
  secretSources.push(source);
}

export function recordedResponses(): readonly string[] {
  return recorded;
}

export function currentSecrets(): string[] {
  return [...knownSecrets, ...secretSources.flatMap((source) => source())];
}

/**
 * WeCom errmsg anatomy that must not be forwarded: `from ip: 1.2.3.4` (an address after it; the
 * admin fix texts may name the words).
 */
const FROM_IP = /from ip:\s*[\dA-Fa-f]*[.:][\dA-Fa-f.:]+/i;

/** The responses that contain a secret (at least 8 characters long) or WeCom's `from ip`. */
export function findLeaks(
  responses: readonly string[],
  secrets: readonly string[],
): { response: string; leaked: string }[] {
  const needles = [...new Set(secrets)].filter((secret) => secret.length >= 8);
  const leaks: { response: string; leaked: string }[] = [];
  for (const response of responses) {
    const leaked = FROM_IP.test(response)
      ? 'from ip'
      : needles.find((secret) => response.includes(secret));
    if (leaked !== undefined) leaks.push({ response: response.slice(0, 2000), leaked });
  }
  return leaks;
}
