// The page's only channel to the service: GraphQL over HTTP POST to ../graphql, with the
// bearer token when the viewer signed in (auth.js); a 401 asks for a token and retries.

import { askForToken, authHeaders } from './auth.js';

const ENDPOINT = new URL('../graphql', window.location.href).toString();

export class ApiError extends Error {
  constructor(message, errors = []) {
    super(message);
    this.name = 'ApiError';
    this.errors = errors;
  }
}

/** Runs one GraphQL operation; resolves to `data`, rejects with an ApiError. */
export async function gql(query, variables = {}, { signal } = {}) {
  for (;;) {
    let response;
    try {
      response = await fetch(ENDPOINT, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...authHeaders() },
        body: JSON.stringify({ query, variables }),
        signal,
      });
    } catch (err) {
      if (err.name === 'AbortError') throw err;
      throw new ApiError(`无法连接服务 (service unreachable): ${err.message}`);
    }
    let body;
    try {
      body = await response.json();
    } catch {
      throw new ApiError(`服务返回 ${response.status} (not JSON)`);
    }
    if (response.status === 401) {
      const said = (body.errors || []).map((e) => e.message).join('; ') || '需要令牌 a token is required';
      if (await askForToken(said)) continue; // signed in: the same request again
      throw new ApiError(`需要登录 Sign-in required: ${said}`, body.errors || []);
    }
    if (body.errors && body.errors.length) {
      const text = body.errors.map((e) => e.message).join('; ');
      throw new ApiError(text, body.errors);
    }
    if (!response.ok) throw new ApiError(`服务返回 ${response.status}`);
    return body.data;
  }
}

/**
 * Every page of a connection: `fetchPage(after)` resolves to the connection object
 * ({nodes|edges, pageInfo}); the items of all pages are concatenated.
 */
export async function allPages(fetchPage, key = 'nodes', maxPages = 200) {
  const items = [];
  let after = null;
  for (let i = 0; i < maxPages; i += 1) {
    const conn = await fetchPage(after);
    if (!conn) break;
    items.push(...conn[key]);
    if (!conn.pageInfo || !conn.pageInfo.hasNextPage) break;
    after = conn.pageInfo.endCursor;
  }
  return items;
}

/** Decodes a Relay global ID (base64 of "Type:localId"); null when it is not one. */
export function parseGlobalId(id) {
  try {
    const bytes = Uint8Array.from(atob(id), (c) => c.charCodeAt(0));
    const text = new TextDecoder().decode(bytes);
    const at = text.indexOf(':');
    if (at < 1) return null;
    return { type: text.slice(0, at), localId: text.slice(at + 1) };
  } catch {
    return null;
  }
}

export function typeOf(id) {
  const parsed = parseGlobalId(id);
  return parsed ? parsed.type : null;
}
