// Drives Portcullis's hosted sign-in pages (docs/hosted-sign-in.md) over HTTP as a browser without script would: a cookie
// jar, no redirect followed (the relying party's redirect URI is never served: its Location is the answer), and forms
// submitted with their hidden fields (`csrf`, the anti-forgery token whose cookie the jar holds, and `interaction`).

/** One browser: its cookies, for one server (every cookie the pages set has Path=/ and no Domain). */
export class Browser {
  constructor() {
    this.cookies = new Map();
  }

  /** The `Cookie` header this browser sends. */
  cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** GET without following a redirect; answers {status, location (absolute), html}. */
  get(url) {
    return this.#send(url, { method: 'GET' });
  }

  /** POST of an application/x-www-form-urlencoded form. */
  post(url, fields) {
    return this.#send(url, {
      method: 'POST',
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  async #send(url, init) {
    const headers = { ...(init.headers ?? {}) };
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    const r = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of r.headers.getSetCookie()) this.#store(line);
    // PORTCULLIS_TRACE_PAGES=1: each exchange as a diagnostic line (form bodies hold passwords and codes: for local runs).
    if (process.env.PORTCULLIS_TRACE_PAGES) {
      console.log(`# ${init.method} ${url} ${init.body ?? ''} -> ${r.status} ${r.headers.get('location') ?? ''} cookie: ${headers.cookie ?? '-'} set-cookie: ${JSON.stringify(r.headers.getSetCookie())}`);
    }
    const location = r.headers.get('location');
    return { status: r.status, location: location === null ? null : new URL(location, url).href, html: await r.text(), url: String(url) };
  }

  #store(setCookie) {
    const [pair, ...attributes] = setCookie.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    // ASP.NET Core deletes a cookie with an empty value and an expiry in 1970; Max-Age=0 is the other way to say it.
    const expired = attributes.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) <= Date.now()));
    if (expired || value === '') this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}

/** HTML character references back to text: the pages encode with .NET's HtmlEncoder (`&#x2F;`, `&amp;`, `&quot;`…). */
export function htmlDecode(s) {
  const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
  return String(s).replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref) => {
    if (ref[0] === '#') return String.fromCodePoint(ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
    return named[ref.toLowerCase()] ?? whole;
  });
}

/** The page's POST forms: action, hidden fields (decoded), and the names of all its fields and buttons. */
export function forms(html) {
  const found = [];
  for (const form of html.matchAll(/<form method="post" action="([^"]*)"[^>]*>(.*?)<\/form>/gs)) {
    const hidden = {};
    const names = new Set();
    for (const input of form[2].matchAll(/<input [^>]*>/g)) {
      const attributes = Object.fromEntries([...input[0].matchAll(/([a-z-]+)="([^"]*)"/g)].map((a) => [a[1], htmlDecode(a[2])]));
      if (attributes.name === undefined) continue;
      names.add(attributes.name);
      if (attributes.type === 'hidden') hidden[attributes.name] = attributes.value ?? '';
    }
    for (const button of form[2].matchAll(/<button [^>]*name="([^"]*)"/g)) names.add(htmlDecode(button[1]));
    found.push({ action: htmlDecode(form[1]), hidden, names });
  }
  return found;
}

/** The text of the page's alert (a refused password or code), or null. */
export function alertText(html) {
  const m = /<p class="alert" role="alert"[^>]*>([^<]*)<\/p>/.exec(html);
  return m ? htmlDecode(m[1]) : null;
}

/**
 * Submits the first form of `page` posting to `action` that has every field of `fields` (so the one of a given factor is
 * picked), with its hidden fields and these values.
 */
export function submit(browser, page, action, fields) {
  const form = forms(page.html).find((f) => f.action === action && Object.keys(fields).every((k) => f.names.has(k)));
  if (!form) throw new Error(`no form posting to ${action} with ${Object.keys(fields).join(', ')} on the page from ${page.url} (HTTP ${page.status}): ${page.html.slice(0, 600)}`);
  return browser.post(new URL(action, page.url), { ...form.hidden, ...fields });
}

/**
 * Signs in through the pages from an authorization URL until Portcullis redirects away from itself: the password page
 * (`account`, `password`), then, when shown, the second-factor page answered with `totp()`. A redirect within the server is
 * followed. Answers {location: URL of the redirect to the client, pages: the paths shown on the way}, or, for
 * response_mode=form_post, {formPost: {action: URL, fields}, pages} instead of location.
 * Throws on an error page, a refused answer (the page's alert), or a page it does not know.
 */
export async function signInThroughPages(browser, authorizeUrl, { account, password, totp } = {}) {
  const origin = new URL(authorizeUrl).origin;
  const pages = [];
  let page = await browser.get(authorizeUrl);
  for (let i = 0; i < 6; i++) {
    if (page.status >= 300 && page.status < 400) {
      const to = new URL(page.location);
      if (to.origin !== origin) return { location: to, pages };
      page = await browser.get(to);
      continue;
    }
    if (page.status !== 200) throw new Error(`HTTP ${page.status} from ${page.url}: ${alertText(page.html) ?? page.html.slice(0, 600)}`);
    const shown = forms(page.html);
    const refused = alertText(page.html);
    if (refused !== null) throw new Error(`the page from ${page.url} refused: ${refused}`);
    const response = /<form method="post" action="([^"]*)" id="response">/.exec(page.html);
    if (response) {
      // response_mode=form_post: the page a browser's script would submit to the client.
      const action = new URL(htmlDecode(response[1]));
      return { formPost: { action, fields: shown.find((f) => f.action === action.href)?.hidden ?? {} }, pages };
    }
    if (shown.some((f) => f.action === '/login' && f.names.has('password'))) {
      if (account === undefined) throw new Error(`the password page was shown, no account given (from ${page.url})`);
      pages.push('/login');
      page = await submit(browser, page, '/login', { account, password });
    } else if (shown.some((f) => f.action === '/login/mfa' && f.names.has('otp-code'))) {
      if (typeof totp !== 'function') throw new Error(`the second-factor page was shown, no TOTP given (from ${page.url})`);
      pages.push('/login/mfa');
      page = await submit(browser, page, '/login/mfa', { 'otp-code': totp(), action: 'verify' });
    } else {
      throw new Error(`unexpected page from ${page.url} (forms to ${shown.map((f) => f.action).join(', ') || 'none'}): ${page.html.slice(0, 600)}`);
    }
  }
  throw new Error(`no redirect to the client after 6 pages (${pages.join(' → ')})`);
}
