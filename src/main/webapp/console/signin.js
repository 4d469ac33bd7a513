// Sign-in for the pullqueue console. When the server asks for a credential (401), a dialog takes an API key (or a
// JWT) and POSTs it to /console/session, which answers with an HttpOnly, SameSite=Strict session cookie: the key
// never goes into a URL or into storage a script (or another origin) can read. The failed call is then repeated.
(function () {
  'use strict';
  const session = 'session';
  const plainFetch = window.fetch.bind(window);
  let signingIn = null;

  function dialog() {
    let d = document.getElementById('signin');
    if (d) return d;
    d = document.createElement('dialog');
    d.id = 'signin';
    const form = document.createElement('form');
    const label = document.createElement('label');
    label.textContent = 'API key or token ';
    const key = document.createElement('input');
    key.type = 'password';
    key.id = 'signin-key';
    key.autocomplete = 'off';
    key.required = true;
    label.appendChild(key);
    const button = document.createElement('button');
    button.type = 'submit';
    button.id = 'signin-submit';
    button.textContent = 'Sign in';
    const error = document.createElement('p');
    error.id = 'signin-error';
    error.hidden = true;
    form.append(label, button, error);
    d.appendChild(form);
    document.body.appendChild(d);
    return d;
  }

  function signIn() {
    if (signingIn) return signingIn;
    signingIn = new Promise(resolve => {
      const d = dialog();
      const form = d.querySelector('form');
      form.onsubmit = async event => {
        event.preventDefault();
        const input = document.getElementById('signin-key');
        const r = await plainFetch(session, {
          method: 'POST', credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ key: input.value })
        });
        input.value = '';
        if (r.ok) {
          d.close();
          resolve();
        } else {
          const e = document.getElementById('signin-error');
          e.textContent = 'That key is not valid on this server.';
          e.hidden = false;
        }
      };
      if (!d.open) d.showModal();
    }).finally(() => { signingIn = null; });
    return signingIn;
  }

  window.fetch = async function (input, init) {
    const r = await plainFetch(input, init);
    if (r.status !== 401) return r;
    await signIn();
    return plainFetch(input, init);
  };
})();
