// Signing in with a bearer token, when the service requires one.
//
// The token lives in sessionStorage (gone when the tab closes) and goes with every request as
// `Authorization: Bearer …`.  When /graphql answers 401 (no token, or the token was refused)
// the page opens a modal <dialog> asking for one: the service's sentence says why, the
// request that was refused is retried with the token given.  Requests refused at the same
// time wait for the same dialog.  "Sign out" forgets the token and starts the page again.

const KEY = 'civicmesh.token';

export function currentToken() {
  try {
    return window.sessionStorage.getItem(KEY) || null;
  } catch {
    return null;
  }
}

function keep(token) {
  try {
    if (token) window.sessionStorage.setItem(KEY, token);
    else window.sessionStorage.removeItem(KEY);
  } catch {
    // Storage refused (private mode): the token then lasts as long as the page.
  }
  memory = token || null;
}

let memory = null;
let asking = null; // the open dialog's promise, shared by every request refused meanwhile

/** The token to send: the stored one (or, when storage is refused, the one given to this page). */
export function token() {
  return currentToken() || memory;
}

/** Headers for a request: the bearer token, when there is one. */
export function authHeaders() {
  const t = token();
  return t ? { Authorization: `Bearer ${t}` } : {};
}

/** Forgets the token and reloads: the next request asks again. */
export function signOut() {
  keep(null);
  window.location.reload();
}

/** Shows whether a token is in use (the "sign out" control is only offered then). */
export function renderSignedIn() {
  const box = document.getElementById('signed-in');
  if (box) box.hidden = !token();
}

/**
 * The service refused the request (401) with `message`: asks for a token (a refused token is
 * forgotten first).  Resolves to true once a token is given, false when the dialog is closed
 * without one.
 */
export function askForToken(message) {
  if (!asking) {
    const refused = Boolean(token());
    if (refused) keep(null);
    renderSignedIn();
    asking = openDialog(refused ? message : '').finally(() => { asking = null; });
  }
  return asking;
}

function openDialog(problem) {
  const dialog = document.getElementById('sign-in');
  const form = document.getElementById('sign-in-form');
  const input = document.getElementById('sign-in-token');
  const error = document.getElementById('sign-in-error');
  const cancel = document.getElementById('sign-in-cancel');
  const before = document.activeElement;
  input.value = '';
  error.textContent = problem ? `令牌被拒绝 Token refused: ${problem}` : '';
  error.hidden = !problem;
  input.setAttribute('aria-invalid', String(Boolean(problem)));
  return new Promise((resolve) => {
    const done = (given) => {
      form.removeEventListener('submit', onSubmit);
      dialog.removeEventListener('cancel', onCancel);
      cancel.removeEventListener('click', onCancel);
      if (dialog.open) dialog.close();
      if (given) {
        keep(given);
        renderSignedIn();
      }
      if (before && typeof before.focus === 'function' && document.contains(before)) before.focus();
      resolve(Boolean(given));
    };
    const onSubmit = (ev) => {
      ev.preventDefault();
      const given = input.value.trim().replace(/^Bearer\s+/i, '');
      if (!given) {
        error.textContent = '请输入令牌 Enter a token';
        error.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
      }
      done(given);
    };
    const onCancel = (ev) => {
      ev.preventDefault();
      done(null);
    };
    form.addEventListener('submit', onSubmit);
    dialog.addEventListener('cancel', onCancel);
    cancel.addEventListener('click', onCancel);
    dialog.showModal();
    input.focus();
  });
}
