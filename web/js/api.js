// The one way the UI talks to the gateway: the documented REST API (docs/openapi.yaml) and the
// WebSocket. Keeps the session's CSRF token, sends it on every change, and turns a 401 into the
// login page. Errors come back as ApiError with the API's message and per-key details.
export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || '';
    this.details = e.details || [];
  }
}

let csrf = sessionStorage.getItem('csrf') || '';
let onUnauthorized = () => {};

export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

export function setCsrf(token) {
  csrf = token || '';
  if (csrf) sessionStorage.setItem('csrf', csrf); else sessionStorage.removeItem('csrf');
}

export async function api(method, path, body, { raw = false } = {}) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (raw && res.ok) return res;
  let data = null;
  const text = await res.text();
  try { data = text ? JSON.parse(text) : null; } catch { data = { text }; }
  if (res.status === 401 && path !== '/api/login') onUnauthorized();
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);
export const patch = (path, body) => api('PATCH', path, body);

// The live connection. Subscribes to streams, reconnects with back-off, and reports its state so
// the page can show when data stops being live.
export class Live {
  constructor(streams, onMessage, onState) {
    this.streams = streams;
    this.onMessage = onMessage;
    this.onState = onState;
    this.retryMs = 1000;
    this.closed = false;
    this.open();
  }
  open() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.ws = new WebSocket(`${proto}//${location.host}/ws`);
    this.onState('connecting');
    this.ws.onopen = () => {
      this.retryMs = 1000;
      this.ws.send(JSON.stringify({ subscribe: this.streams }));
      this.onState('open');
    };
    this.ws.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      this.onMessage(msg);
    };
    this.ws.onclose = (ev) => {
      if (this.closed) return;
      this.onState(ev.code === 1008 ? 'refused' : 'closed');
      // 1008: the session or token that opened the socket ended (logout elsewhere, a new
      // password). Asking for the session turns that into the login page (the 401 handler).
      if (ev.code === 1008) api('GET', '/api/session').catch(() => {});
      setTimeout(() => { if (!this.closed) this.open(); }, this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 30000);
    };
  }
  close() {
    this.closed = true;
    if (this.ws) this.ws.close();
  }
}
