// The HTTP tool's decisions, pure: a capability list, a method and the URL text in; allowed or
// refused, with the reason and the limits of the grant, out. The URL is parsed once, by the WHATWG
// parser the request itself uses, so the host judged here is the host connected to. Names are judged
// again after DNS resolution (classifyAddress) by the tool; this file never does IO.
import { isIPv4, isIPv6 } from 'node:net';
import type { Capability } from './capabilities.js';

export const HTTP_METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const DEFAULT_TIMEOUT_MS = 20_000;
export const MAX_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const MAX_MAX_BYTES = 10 * 1024 * 1024;
export const MAX_REDIRECTS = 5;

export interface HttpLimits {
  timeoutMs: number;
  maxBytes: number;
  allowPrivate: boolean;
  /** The NAME of the secret sent as a bearer token; never its value. */
  auth?: string;
}

export interface HttpVerdict {
  allowed: boolean;
  reason: string;
  url?: URL;
  limits?: HttpLimits;
}

export type AddressClass =
  | 'public'
  | 'private'
  | 'loopback'
  | 'link-local'
  | 'cgnat'
  | 'unique-local'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'reserved'
  | 'invalid';

const refuse = (reason: string, url?: URL): HttpVerdict => ({ allowed: false, reason, ...(url ? { url } : {}) });

// ---------------------------------------------------------------------------------------------
// Addresses

type V4Range = [number, number, number, number, number, AddressClass];
// Most specific first: the first range that holds the address names its class.
const V4: V4Range[] = [
  [255, 255, 255, 255, 32, 'broadcast'],
  [0, 0, 0, 0, 8, 'unspecified'],
  [10, 0, 0, 0, 8, 'private'],
  [100, 64, 0, 0, 10, 'cgnat'],
  [127, 0, 0, 0, 8, 'loopback'],
  [169, 254, 0, 0, 16, 'link-local'],
  [172, 16, 0, 0, 12, 'private'],
  [192, 0, 0, 0, 24, 'reserved'],
  [192, 0, 2, 0, 24, 'documentation'],
  [192, 88, 99, 0, 24, 'reserved'],
  [192, 168, 0, 0, 16, 'private'],
  [198, 18, 0, 0, 15, 'benchmarking'],
  [198, 51, 100, 0, 24, 'documentation'],
  [203, 0, 113, 0, 24, 'documentation'],
  [224, 0, 0, 0, 4, 'multicast'],
  [240, 0, 0, 0, 4, 'reserved'],
];

function v4Number(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function classifyV4(ip: string): AddressClass {
  const n = v4Number(ip);
  for (const [a, b, c, d, bits, cls] of V4) {
    const base = ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
    const size = 2 ** (32 - bits);
    if (n >= base && n < base + size) return cls;
  }
  return 'public';
}

/** The eight 16-bit groups of an address net.isIPv6 accepted (a dotted IPv4 tail and a %zone allowed). */
function v6Groups(ip: string): number[] {
  let text = ip.replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = v4Number(dotted[1]!);
    text = text.slice(0, -dotted[1]!.length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const parse = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const halves = text.split('::');
  if (halves.length === 1) return parse(text);
  if (halves.length !== 2) return [];
  const h = parse(halves[0]!);
  const r = parse(halves[1]!);
  return [...h, ...new Array<number>(Math.max(8 - h.length - r.length, 0)).fill(0), ...r];
}

function classifyV6(ip: string): AddressClass {
  const g = v6Groups(ip);
  if (g.length !== 8 || g.some((x) => !Number.isInteger(x) || x < 0 || x > 0xffff)) return 'invalid';
  const embedded = (hi: number, lo: number) => classifyV4(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeros(8)) return 'unspecified';
  if (zeros(7) && g[7] === 1) return 'loopback';
  // Addresses that carry an IPv4 address reach it (mapped, NAT64, 6to4): judge the IPv4 address.
  if (zeros(5) && g[5] === 0xffff) return embedded(g[6]!, g[7]!);
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return embedded(g[6]!, g[7]!);
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'private';
  if (g[0] === 0x2002) return embedded(g[1]!, g[2]!);
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'documentation';
  if (g[0] === 0x3fff && g[1]! < 0x1000) return 'documentation';
  // 2001::/23: Teredo (which tunnels to an IPv4 address), ORCHID, benchmarking and other IETF uses.
  if (g[0] === 0x2001 && g[1]! < 0x0200) return 'reserved';
  if ((g[0]! & 0xfe00) === 0xfc00) return 'unique-local';
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local';
  // fec0::/10, the old site-local range: private in spirit, still routed so by some networks.
  if ((g[0]! & 0xffc0) === 0xfec0) return 'private';
  if ((g[0]! & 0xff00) === 0xff00) return 'multicast';
  // Only 2000::/3 is global unicast; anything else (IPv4-compatible ::/96, 100::/64 discard …) is not public.
  if ((g[0]! & 0xe000) !== 0x2000) return 'reserved';
  return 'public';
}

/** What kind of address this is, for the private-address rule. Accepts "[v6]" as well as "v6". */
export function classifyAddress(ip: string): AddressClass {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (isIPv4(bare)) return classifyV4(bare);
  if (isIPv6(bare)) return classifyV6(bare);
  return 'invalid';
}

/** Why an address may not be reached under these limits, or undefined when it may. */
export function addressRefusal(ip: string, allowPrivate: boolean): string | undefined {
  const cls = classifyAddress(ip);
  if (cls === 'invalid') return `${ip} is not an IP address`;
  if (cls === 'public' || allowPrivate) return undefined;
  return `${ip} is a ${cls} address (not public); a capability needs {private:allow} to reach it`;
}

// ---------------------------------------------------------------------------------------------
// Grants

/** A host as the URL parser would write it, without a trailing dot; undefined when it is not a host. */
export function canonicalHost(host: string): string | undefined {
  // The parser would read "example.com/admin" or "a@example.com" as example.com: a grant naming more than a host names none.
  if (!host || /[/?#@\\%\s]/.test(host) || (!host.startsWith('[') && host.includes(':'))) return undefined;
  try {
    const h = new URL(`https://${host}/`).hostname;
    return h.endsWith('.') ? h.slice(0, -1) : h;
  } catch {
    return undefined;
  }
}

const isIpHost = (h: string) => h.startsWith('[') || isIPv4(h);

/** Whether one capability resource (a host, "*.suffix" or "*") names this canonical host. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return !isIpHost(host);
  if (pattern.startsWith('*.')) {
    const suffix = canonicalHost(pattern.slice(2));
    return !!suffix && !isIpHost(host) && host.endsWith(`.${suffix}`) && host.length > suffix.length + 1;
  }
  return canonicalHost(pattern) === host;
}

function parseDuration(text: string): number | undefined {
  const m = /^(\d{1,6})(ms|s|m)$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000);
}

function parseSize(text: string): number | undefined {
  const m = /^(\d{1,9})(b|kb|mb)?$/i.exec(text);
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  return Number(m[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
}

export interface HttpGrant {
  cap: Capability;
  schemes: string[];
  ports: number[];
  limits: HttpLimits;
}

/**
 * The constraints of one http capability, checked. capabilities.ts accepts the keys; the values are
 * judged here so a bad value refuses every request under that capability with a clear reason.
 */
export function httpGrant(cap: Capability): HttpGrant | { error: string } {
  const c = cap.constraints;
  const bad = (why: string) => ({ error: `capability "${cap.text}": ${why}` });
  const one = (k: string) => {
    const v = c[k];
    if (v && v.length !== 1) return null;
    return v?.[0];
  };
  const t = one('timeout');
  if (t === null) return bad('timeout takes one value');
  const timeoutMs = t === undefined ? DEFAULT_TIMEOUT_MS : parseDuration(t);
  if (timeoutMs === undefined || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) return bad(`timeout must be like 10s, 500ms or 2m, at most ${MAX_TIMEOUT_MS / 1000}s`);
  const mb = one('max_bytes');
  if (mb === null) return bad('max_bytes takes one value');
  const maxBytes = mb === undefined ? DEFAULT_MAX_BYTES : parseSize(mb);
  if (maxBytes === undefined || maxBytes <= 0 || maxBytes > MAX_MAX_BYTES) return bad('max_bytes must be like 500kb, 2mb or 65536, at most 10mb');
  const schemes = ['https'];
  for (const s of c.scheme ?? []) {
    if (s !== 'http' && s !== 'https') return bad(`scheme must be http or https, not "${s}"`);
    if (!schemes.includes(s)) schemes.push(s);
  }
  const p = one('private');
  if (p === null || (p !== undefined && p !== 'allow' && p !== 'deny')) return bad('private must be allow (or deny)');
  const ports: number[] = [];
  for (const s of c.ports ?? []) {
    if (!/^\d{1,5}$/.test(s) || Number(s) < 1 || Number(s) > 65535) return bad(`ports must be numbers from 1 to 65535, not "${s}"`);
    ports.push(Number(s));
  }
  const auth = one('auth');
  if (auth === null || (auth !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(auth))) return bad('auth names one secret (letters, digits and _)');
  return { cap, schemes, ports, limits: { timeoutMs, maxBytes, allowPrivate: p === 'allow', ...(auth ? { auth } : {}) } };
}

// ---------------------------------------------------------------------------------------------
// URLs

// Whitespace, controls, format characters (zero-width, bidi controls, soft hyphen) and backslashes:
// the parser strips or reinterprets them, so the text a reader sees is not the URL that is fetched.
const BAD_TEXT = /[\s\p{Cc}\p{Cf}\\]/u;

/** The checks that do not depend on any grant, on the raw text and the one parse of it. */
function parseChecked(text: string, base?: URL): URL | string {
  if (typeof text !== 'string' || !text) return 'expected a URL';
  if (text.length > 8192) return 'the URL is longer than 8192 characters';
  if (BAD_TEXT.test(text)) return 'whitespace, control or invisible characters and backslashes are not allowed in URLs';
  let url: URL;
  try {
    url = base ? new URL(text, base) : new URL(text);
  } catch {
    return `"${text}" is not a valid URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `the ${url.protocol.slice(0, -1)}: scheme is not allowed (only https, and http where granted)`;
  // "https:host", "https:/host" and "https:///host" all parse to a host; only the plain form is taken.
  if (/^[a-z][a-z0-9+.-]*:/i.test(text) && !/^https?:\/\/[^/]/i.test(text)) return `write the URL as ${url.protocol}//host/path`;
  // Parsed with a base, a relative reference inherits the authority: only an absolute one can smuggle userinfo.
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(text)?.[1];
  if (url.username || url.password || authority?.includes('@')) return 'user names and passwords in URLs (user:pass@host) are not allowed';
  if (authority?.includes('%')) return 'percent-encoded characters are not allowed in the host';
  if (url.hostname.endsWith('..') || !url.hostname) return `"${url.hostname}" is not a valid host`;
  // "host." and "host" are one host; the dotless form is the one grants, policy and logs name.
  if (url.hostname.endsWith('.')) url.hostname = url.hostname.slice(0, -1);
  return url;
}

function defaultPort(url: URL): number {
  return url.protocol === 'https:' ? 443 : 80;
}

/** The IPv4 host as written in the text, when it is not plain dotted decimal (2130706433, 0x7f.1, 0177.0.0.1). */
function oddIPv4(text: string, host: string): boolean {
  if (!isIPv4(host)) return false;
  const raw = /^[a-z][a-z0-9+.-]*:\/\/([^/?#:]*)/i.exec(text)?.[1];
  if (raw === undefined) return false;
  const written = raw.toLowerCase().replace(/\.$/, '');
  return written !== host || host.split('.').some((p) => p.length > 1 && p.startsWith('0'));
}

function decide(caps: readonly Capability[], method: string, url: URL, text: string): HttpVerdict {
  const m = method.toLowerCase();
  if (!(HTTP_METHODS as readonly string[]).includes(m)) return refuse(`method ${method} is not one of ${HTTP_METHODS.join(', ')}`, url);
  const host = url.hostname;
  const ipHost = isIpHost(host);
  const port = url.port ? Number(url.port) : defaultPort(url);
  const scheme = url.protocol.slice(0, -1);
  let closest: string | undefined;
  for (const cap of caps) {
    if (cap.kind !== 'http' || !cap.actions.includes(m)) continue;
    if (!cap.resources.some((r) => hostMatches(r, host))) continue;
    const g = httpGrant(cap);
    if ('error' in g) {
      closest ??= g.error;
      continue;
    }
    if (!g.schemes.includes(scheme)) {
      closest ??= `plain http is not granted by "${cap.text}" (it needs {scheme:http})`;
      continue;
    }
    if (port !== defaultPort(url) && !g.ports.includes(port)) {
      closest ??= `port ${port} is not granted by "${cap.text}" (only ${[defaultPort(url), ...g.ports].join(', ')})`;
      continue;
    }
    if (ipHost) {
      const why = addressRefusal(host, g.limits.allowPrivate);
      if (why) {
        closest ??= why;
        continue;
      }
      if (oddIPv4(text, host)) {
        closest ??= `the address ${host} is written in an unusual form; write it as ${host}`;
        continue;
      }
    }
    return { allowed: true, reason: `granted by "${cap.text}"`, url, limits: g.limits };
  }
  if (closest) return refuse(closest, url);
  const listed = caps.some((c) => c.kind === 'http' && c.resources.some((r) => hostMatches(r, host)));
  if (ipHost && !listed) {
    const cls = classifyAddress(host);
    const what = cls === 'public' ? '' : ` (a ${cls} address)`;
    return refuse(`no capability lists the address ${host}${what}; IP addresses are reached only when listed as they are`, url);
  }
  return refuse(`no capability grants http ${m} on ${host}`, url);
}

/** May these capabilities fetch `urlText` with `method`? Static checks only: names are judged again after resolution. */
export function checkHttp(caps: readonly Capability[], method: string, urlText: string): HttpVerdict {
  const url = parseChecked(urlText);
  if (typeof url === 'string') return refuse(url);
  return decide(caps, method, url, urlText);
}

/** The method a redirect is followed with (303 → GET; 301/302 after POST → GET, as browsers do). */
export function redirectMethod(status: number, method: string): string {
  const m = method.toLowerCase();
  if (status === 303 && m !== 'head') return 'get';
  if ((status === 301 || status === 302) && m === 'post') return 'get';
  return m;
}

export interface RedirectVerdict extends HttpVerdict {
  /** The method the next hop uses. */
  method: string;
  /** The next hop is on another origin (scheme, host or port): credentials stay behind. */
  crossOrigin: boolean;
  /** The request body is not sent again (the method changed to GET). */
  dropBody: boolean;
}

/** Re-applies every check to one redirect hop: `location` resolved against the URL that answered. */
export function checkRedirect(caps: readonly Capability[], method: string, fromUrl: URL | string, location: string, status = 302): RedirectVerdict {
  const next = redirectMethod(status, method);
  const base = typeof fromUrl === 'string' ? new URL(fromUrl) : fromUrl;
  const dropBody = next !== method.toLowerCase();
  const url = parseChecked(location, base);
  if (typeof url === 'string') return { ...refuse(`redirect to ${JSON.stringify(location)}: ${url}`), method: next, crossOrigin: true, dropBody };
  const written = /^[a-z][a-z0-9+.-]*:/i.test(location) ? location : location.startsWith('//') ? base.protocol + location : url.href;
  const v = decide(caps, next, url, written);
  const crossOrigin = url.origin !== base.origin;
  return { ...v, reason: v.allowed ? v.reason : `redirect to ${url.href}: ${v.reason}`, method: next, crossOrigin, dropBody };
}
