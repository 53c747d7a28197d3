// The IdP side of the SCIM initial sync, in its own process (like the harness's load generator)
// so that the client's CPU is not the server's: lookup + create of every user, then the groups.
process.once('message', async ({ base, token, users, groups, groupSize, concurrency }) => {
  try {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
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
      const userName = `sync${i}@sync.roster.test`;
      // As Okta does: look the user up, then create.
      await fetch(`${base}/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`, { headers }).then((r) => r.text());
      const r = await fetch(`${base}/Users`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName,
          name: { givenName: 'Sync', familyName: `User ${i}` },
          emails: [{ value: userName, type: 'work', primary: true }],
          active: true,
        }),
      });
      if (r.status !== 201) throw new Error(`create answered ${r.status}: ${(await r.text()).slice(0, 200)}`);
      ids[i] = (await r.json()).id;
    });
    const usersMs = performance.now() - started;
    await pool(groups, async (k) => {
      const members = Array.from({ length: groupSize }, (_, j) => ({ value: ids[(k * groupSize + j) % users] }));
      const r = await fetch(`${base}/Groups`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ displayName: `Sync group ${k}`, members }),
      });
      if (r.status !== 201) throw new Error(`group answered ${r.status}: ${(await r.text()).slice(0, 200)}`);
      await r.text();
    });
    const totalMs = performance.now() - started;
    process.send({ ok: true, usersMs, groupsMs: totalMs - usersMs, totalMs }, () => process.exit(0));
  } catch (e) {
    process.send({ ok: false, error: String(e?.stack ?? e) }, () => process.exit(1));
  }
});
