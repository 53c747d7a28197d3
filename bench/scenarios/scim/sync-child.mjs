// The IdP side of the SCIM initial sync, in its own process (like the harness's load generator)
// so that the client's CPU is not the server's: lookup + create of every user, then the groups.
// Plain node:http on keep-alive sockets, one per request in flight (as an IdP's connector holds
// them): `fetch` spent about as much CPU per request as the server did, on the same two cores.
import http from 'node:http';

process.once('message', async ({ base, token, users, groups, groupSize, concurrency, domain = 'sync.roster.test' }) => {
  const url = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
  /** One request; answers the status and the body. */
  const send = (method, path, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method,
          path: `${url.pathname}${path}`,
          headers: payload === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  try {
    const pool = async (count, fn) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < count) await fn(next++);
        }),
      );
    };
    const ids = new Array(users);
    const started = performance.now();
    await pool(users, async (i) => {
      const userName = `sync${i}@${domain}`;
      // As Okta does: look the user up, then create.
      const found = await send('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
      if (found.status !== 200) throw new Error(`lookup answered ${found.status}: ${found.text.slice(0, 200)}`);
      const r = await send('POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName,
        name: { givenName: 'Sync', familyName: `User ${i}` },
        emails: [{ value: userName, type: 'work', primary: true }],
        active: true,
      });
      if (r.status !== 201) throw new Error(`create answered ${r.status}: ${r.text.slice(0, 200)}`);
      ids[i] = JSON.parse(r.text).id;
    });
    const usersMs = performance.now() - started;
    await pool(groups, async (k) => {
      const members = Array.from({ length: groupSize }, (_, j) => ({ value: ids[(k * groupSize + j) % users] }));
      const r = await send('POST', '/Groups', { displayName: `Sync group ${k}`, members });
      if (r.status !== 201) throw new Error(`group answered ${r.status}: ${r.text.slice(0, 200)}`);
    });
    const totalMs = performance.now() - started;
    agent.destroy();
    const cpu = process.cpuUsage();
    process.send({ ok: true, usersMs, groupsMs: totalMs - usersMs, totalMs, clientCpuMs: (cpu.user + cpu.system) / 1000 }, () =>
      process.exit(0),
    );
  } catch (e) {
    agent.destroy();
    process.send({ ok: false, error: String(e?.stack ?? e) }, () => process.exit(1));
  }
});
