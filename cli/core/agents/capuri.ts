// The URI form of a capability (seed 001): `capability://file/Users/data/*?action=read` is the
// short form `file:/Users/data/*:read`. It is rewritten into the short form and parsed by the one
// strict parser, so both forms mean the same and fail the same way. Pure.
//
//   capability://<kind>/<resource>?action=<a,b>[&action=<c>][&<key>=<value>…]
//   capability://agent/spawn?max=5          (agent capabilities name their action in the path)
//
// A file resource in a URI is an absolute path (a URI path always is); home paths use the short form.

export const URI_PREFIX = 'capability://';

/** The short form of a URI capability, or why it cannot be read. */
export function uriToShort(text: string): { short: string } | { error: string } {
  const rest = text.slice(URI_PREFIX.length);
  const q = rest.indexOf('?');
  const pathPart = q < 0 ? rest : rest.slice(0, q);
  const query = q < 0 ? '' : rest.slice(q + 1);
  if (query.includes('#') || pathPart.includes('#')) return { error: 'a fragment (#…) has no meaning in a capability' };
  const slash = pathPart.indexOf('/');
  const kind = slash < 0 ? pathPart : pathPart.slice(0, slash);
  let resource: string;
  try {
    resource = slash < 0 ? '' : decodeURIComponent(pathPart.slice(slash + 1));
  } catch {
    return { error: 'a bad %-escape in the path' };
  }
  const actions: string[] = [];
  const constraints: string[] = [];
  for (const pair of query ? query.split('&') : []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return { error: `query "${pair}" is not key=value` };
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(pair.slice(0, eq));
      value = decodeURIComponent(pair.slice(eq + 1));
    } catch {
      return { error: `a bad %-escape in "${pair}"` };
    }
    // Characters that would end a part of the short form early: refused rather than escaped.
    if (/[:{};]/.test(key) || (key === 'action' ? /[:{};]/ : /[{};]/).test(value)) return { error: `query "${pair}" holds : { } or ;` };
    if (key === 'action') actions.push(...value.split(','));
    else constraints.push(`${key}:${value}`);
  }
  const tail = constraints.length ? `{${constraints.join(';')}}` : '';
  if (kind === 'agent') {
    // agent:spawn{…}: the path names the action; an action= parameter may say it instead.
    const acts = [...(resource ? [resource] : []), ...actions];
    if (!acts.length) return { error: 'an agent capability names its action: capability://agent/spawn' };
    return { short: `agent:${acts.join(',')}${tail}` };
  }
  if (!resource) return { error: `a ${kind || 'capability'} URI names its resource: capability://${kind || 'kind'}/<resource>?action=…` };
  if (!actions.length) return { error: 'the URI names no action: add ?action=…' };
  // Everything but a file names a host, program or topic, never a path.
  const res = kind === 'file' ? `/${resource}` : resource;
  if (res.includes(':')) return { error: `the resource "${res}" holds ":"` };
  return { short: `${kind}:${res}:${actions.join(',')}${tail}` };
}
