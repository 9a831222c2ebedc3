import dns, { type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import net from 'node:net';
import { Agent, buildConnector } from 'undici';
import { WebhookError } from './errors';

/**
 * The guard against server-side request forgery: a webhook URL may not make this server talk to
 * itself, to the private network it sits in or to a cloud's metadata service. The check is on the
 * address actually connected to: the DNS lookup that the connection itself makes is filtered (a
 * name that resolves to a forbidden address is refused before any connection, also when it changed
 * since the URL was saved), an address literal is checked as it stands, and the socket's remote
 * address is checked once more when it connects. Redirects are never followed.
 */

/** Loopback, private, link-local (with 169.254.169.254), CGNAT (with 100.100.100.200), multicast. */
const FORBIDDEN_V4: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT; Alibaba Cloud's metadata service is 100.100.100.200
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local; most clouds' metadata service is 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
const FORBIDDEN_V6: readonly [string, number][] = [
  ['::', 128], // unspecified
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64: an IPv4 address inside
  ['fc00::', 7], // unique local; AWS's IPv6 metadata service is fd00:ec2::254
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
];

const forbidden = new net.BlockList();
for (const [address, prefix] of FORBIDDEN_V4) forbidden.addSubnet(address, prefix, 'ipv4');
for (const [address, prefix] of FORBIDDEN_V6) forbidden.addSubnet(address, prefix, 'ipv6');

/** True for an address a webhook may not reach (an IPv4-mapped IPv6 address is read as IPv4). */
export function isForbiddenAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1];
  if (mapped) return forbidden.check(mapped, 'ipv4');
  const family = net.isIP(bare);
  if (family === 0) return true;
  return forbidden.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

export interface UrlRules {
  /** http as well as https (sandbox mode and tests). */
  allowHttp: boolean;
  /** WEBHOOK_ALLOW_PRIVATE_NETWORKS: no address check. */
  allowPrivateNetworks: boolean;
}

const refuse = (detail: string) => new WebhookError('url_not_allowed', { detail });

/** The URL's scheme, user info and (for an address literal) address; no DNS. */
export function checkUrlShape(raw: string, rules: UrlRules): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('not a URL');
  }
  const schemes = rules.allowHttp ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol))
    throw refuse(rules.allowHttp ? 'the URL must be http or https' : 'the URL must be https');
  if (url.username || url.password) throw refuse('the URL may not carry a user name or password');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!rules.allowPrivateNetworks && net.isIP(host) !== 0 && isForbiddenAddress(host))
    throw refuse(`${host} is a loopback, private, link-local or metadata address`);
  return url;
}

/** A lookup that answers only allowed addresses, and fails when the name resolves to any other. */
function guardedLookup(
  hostname: string,
  options: LookupOptions,
  callback: (
    error: NodeJS.ErrnoException | null,
    address: string | LookupAddress[],
    family?: number,
  ) => void,
): void {
  dns.lookup(hostname, { ...options, all: true } as LookupAllOptions, (error, addresses) => {
    if (error) return callback(error, []);
    const bad = addresses.find((entry) => isForbiddenAddress(entry.address));
    if (bad) {
      return callback(
        Object.assign(refuse(`${hostname} resolves to ${bad.address}`), { code: 'EFORBIDDEN' }),
        [],
      );
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}

/** Resolves the URL's host now (when it is saved): a clear refusal instead of failed deliveries. */
export async function checkResolvedUrl(raw: string, rules: UrlRules): Promise<void> {
  const url = checkUrlShape(raw, rules);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (rules.allowPrivateNetworks || net.isIP(host) !== 0) return;
  const addresses = await dns.promises.lookup(host, { all: true }).catch(() => []);
  const bad = addresses.find((entry) => isForbiddenAddress(entry.address));
  if (bad) throw refuse(`${host} resolves to ${bad.address}`);
}

/**
 * The HTTP connection pool of deliveries: with `allowPrivateNetworks` off, every connection's
 * lookup is filtered and its remote address checked. Connections are reused per origin.
 */
export function createDeliveryAgent(options: {
  allowPrivateNetworks: boolean;
  connectTimeoutMs: number;
  /** Open sockets per origin: a slow receiver holds at most this many. */
  connections: number;
}): Agent {
  const { allowPrivateNetworks, connectTimeoutMs, connections } = options;
  const connector = buildConnector({
    timeout: connectTimeoutMs,
    ...(!allowPrivateNetworks && { lookup: guardedLookup }),
  });
  return new Agent({
    connections,
    connect: allowPrivateNetworks
      ? connector
      : (connectOptions, callback) =>
          connector(connectOptions, (error, socket) => {
            if (error) return callback(error, null);
            const remote = socket.remoteAddress;
            if (remote === undefined || isForbiddenAddress(remote)) {
              socket.destroy();
              return callback(refuse(`connected to ${remote ?? 'an unknown address'}`), null);
            }
            callback(null, socket);
          }),
  });
}
