// The UI shell: session check, login, the page router (#/page), the connection indicator. Each
// page is a module with mount(root) returning an unmount function; only one page runs at once,
// so a page's timers and WebSocket end when the owner leaves it.
import { api, get, setCsrf, setUnauthorizedHandler } from './api.js';
import { el, toast } from './format.js';
import * as dashboard from './pages/dashboard.js';
import * as history from './pages/history.js';
import * as alerts from './pages/alerts.js';
import * as battery from './pages/battery.js';
import * as settings from './pages/settings.js';
import * as diagnostics from './pages/diagnostics.js';

const pages = { dashboard, history, alerts, battery, settings, diagnostics };
const titles = {
  dashboard: 'Dashboard', history: 'History', alerts: 'Alerts', battery: 'Battery settings',
  settings: 'Gateway settings', diagnostics: 'Diagnostics',
};
let unmount = null;
let loggedIn = false;

function main() { return document.getElementById('main'); }

function leave() {
  if (unmount) { try { unmount(); } catch { /* page already gone */ } }
  unmount = null;
}

function showLogin(message) {
  leave();
  loggedIn = false;
  document.getElementById('nav').hidden = true;
  document.getElementById('logout').hidden = true;
  document.title = 'Log in - tinybms-gw';
  const err = el('p', { class: 'bad', id: 'login-error', role: 'alert' }, message || '');
  const user = el('input', { id: 'username', name: 'username', autocomplete: 'username', value: 'admin', required: true });
  const pass = el('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = el('form', { class: 'card login', 'aria-labelledby': 'login-title' },
    el('h1', { id: 'login-title' }, 'Log in'),
    el('p', { class: 'muted' }, 'The first password is in the file initial-password in the gateway\'s state directory.'),
    el('label', { for: 'username' }, 'User'), user,
    el('label', { for: 'password' }, 'Password'), pass,
    err,
    el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'login-submit' }, 'Log in')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    try {
      const r = await api('POST', '/api/login', { username: user.value, password: pass.value });
      setCsrf(r.csrf_token);
      loggedIn = true;
      route();
    } catch (e) {
      // 429 locked_out: this browser's address; login_busy: guesses from everywhere (the
      // gateway says how long); the server's message names which.
      err.textContent = e.status === 429
        ? (e.code === 'locked_out' ? 'Too many failed attempts: wait a minute and try again.'
          : `${e.message}.`)
        : e.status === 401 ? 'Wrong user name or password.' : `Login failed: ${e.message}`;
      pass.select();
    }
  });
  main().replaceChildren(form);
  pass.focus();
}

async function checkSession() {
  try {
    const s = await get('/api/session');
    if (s.csrf_token) setCsrf(s.csrf_token);
    return true;
  } catch {
    return false;
  }
}

// http.read_without_login (a kiosk screen): the dashboard without a login, read-only.
async function kioskAllowed() {
  try {
    return (await fetch('/api/status', { credentials: 'same-origin' })).ok;
  } catch {
    return false;
  }
}

function showKiosk() {
  leave();
  document.getElementById('nav').hidden = true;
  const login = document.getElementById('logout');
  login.hidden = false;
  login.textContent = 'Log in';
  document.title = 'Dashboard - tinybms-gw';
  unmount = dashboard.mount(main());
}

function route() {
  if (!loggedIn) { showLogin(); return; }
  const name = (location.hash.replace(/^#\/?/, '') || 'dashboard').split('?')[0];
  const page = pages[name] ? name : 'dashboard';
  leave();
  document.getElementById('nav').hidden = false;
  document.getElementById('logout').hidden = false;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.page === page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = `${titles[page]} - tinybms-gw`;
  const root = main();
  root.replaceChildren();
  unmount = pages[page].mount(root) || null;
  root.focus({ preventScroll: true });
}

async function start() {
  setUnauthorizedHandler(() => {
    if (loggedIn) toast('Your session has expired: log in again.');
    setCsrf('');
    showLogin('Your session has expired: log in again.');
  });
  document.getElementById('logout').addEventListener('click', async (ev) => {
    ev.target.textContent = 'Log out';
    if (!loggedIn) { showLogin(); return; }
    try { await api('POST', '/api/logout', {}); } catch { /* logged out anyway */ }
    setCsrf('');
    showLogin('Logged out.');
  });
  window.addEventListener('hashchange', route);
  loggedIn = await checkSession();
  if (!loggedIn && await kioskAllowed()) { showKiosk(); return; }
  route();
}

start();
