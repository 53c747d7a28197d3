/**
 * A scripted browser: follows redirects by hand and keeps cookies, so the whole
 * authorization-code flow runs without a real browser. Browsers ignore ports for cookies, and
 * every test server lives on 127.0.0.1, so one jar for everything is what a browser would do.
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** Follows the provider's redirects from the authorization URL until it lands on `redirectUri`. */
export async function followToCallback(start: URL, redirectUri: string, jar = new CookieJar()): Promise<URL> {
  let url = start;
  for (let hop = 0; hop < 20; hop += 1) {
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(response);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      throw new Error(`provider stopped at ${url.href} with HTTP ${response.status}: ${(await response.text()).slice(0, 500)}`);
    }
    url = new URL(location, url);
    if (url.href.startsWith(redirectUri)) return url;
  }
  throw new Error('too many redirects');
}
