import type { Actor, PluginCore as Core, PluginEvents } from '@roster/plugin-sdk';
import { SamlConnectionEntity } from './entity.js';
import { describeCertificates, EXPIRES_SOON_DAYS } from './service.js';

/** How often each node looks: often enough that nodes restarted daily still look, cheap because each warning is published once. */
export const CERTIFICATE_CHECK_EVERY_MS = 60 * 60_000;

const ACTOR: Actor = { type: 'system', channel: 'saml', label: 'certificate-expiry' };

/**
 * Publishes `connection.certificate_expiring` once per certificate (the IdP's signing
 * certificates and the connection's own SP certificate) from EXPIRES_SOON_DAYS before it
 * expires, so the host app can warn the team before sign-in breaks. Every node runs it:
 * `publishOnce` (keyed by connection and fingerprint) makes the warning appear once, whoever
 * runs first. Answers how many warnings it published.
 */
export async function reportExpiringCertificates(deps: { core: Core; events: PluginEvents }, now: Date = new Date()): Promise<number> {
  const connections = await deps.core.db
    .em()
    .find(SamlConnectionEntity, {}, { fields: ['id', 'teamId', 'name', 'idpCertificates', 'spCertificate'], orderBy: { id: 'asc' } });
  let published = 0;
  for (const c of connections) {
    const certificates = [
      ...describeCertificates(c.idpCertificates, now).map((v) => ({ ...v, role: 'idp' })),
      ...describeCertificates(c.spCertificate ? [c.spCertificate] : [], now).map((v) => ({ ...v, role: 'sp' })),
    ].filter((v) => v.expiresSoon);
    for (const cert of certificates) {
      await deps.core.db.em().transactional(async (em) => {
        const once = await deps.events.publishOnce(
          em,
          {
            teamId: c.teamId,
            type: 'connection.certificate_expiring',
            data: {
              id: c.id,
              teamId: c.teamId,
              protocol: 'saml',
              name: c.name,
              certificate: cert.role,
              fingerprintSha256: cert.fingerprintSha256,
              subject: cert.subject,
              notAfter: cert.notAfter.toISOString(),
              daysLeft: cert.daysLeft,
              expired: cert.expired,
              warnDays: EXPIRES_SOON_DAYS,
            },
            actor: ACTOR,
          },
          { id: c.id, fingerprintSha256: cert.fingerprintSha256 },
        );
        if (once) published++;
      });
    }
  }
  return published;
}
