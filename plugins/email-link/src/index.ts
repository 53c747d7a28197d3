import { definePlugin } from '@roster/plugin-sdk';
import { METHOD } from './flow.js';
import { smtpMailer, type Mailer } from './mailer.js';
import { EMAIL_LINK_MIGRATIONS } from './migrations.js';
import { parseEmailLinkOptions, type EmailLinkOptions, type ParsedEmailLinkOptions } from './options.js';
import { emailLinkRoutes } from './routes.js';
import { LinkStore } from './store.js';

export type { EmailLinkOptions } from './options.js';
export { EMAIL_LINK_ERRORS, type EmailLinkErrorCode } from './errors.js';

/**
 * Passwordless sign-in by a one-time link sent by email. Team admins allow the `email-link`
 * method in their sign-in policy; the core decides who may use it (`canSignIn`) and opens the
 * session (`complete`).
 */
export function emailLinkPlugin(options: EmailLinkOptions = {}) {
  let mailer: Mailer | null = null;
  const sending = new Set<Promise<void>>();
  return definePlugin<ParsedEmailLinkOptions>({
    name: 'email-link',
    version: '0.1.0',
    signInMethods: [{ id: METHOD, label: 'Email link', sso: false }],
    parseOptions: (raw) => parseEmailLinkOptions(raw, options, process.env),
    migrations: EMAIL_LINK_MIGRATIONS,
    setup(ctx) {
      const { smtpUrl } = ctx.options;
      if (!smtpUrl) throw new Error('email-link: set ROSTER_SMTP_URL (or the smtpUrl option) to the SMTP server that sends the links.');
      const from = ctx.options.from ?? `Roster <no-reply@${new URL(ctx.config.publicUrl).hostname}>`;
      const smtp = smtpMailer(smtpUrl, from);
      mailer = smtp;
      const store = new LinkStore(ctx.core.db);
      const prefix = '/email-link';
      const env = {
        signIn: ctx.signIn,
        config: ctx.config,
        options: ctx.options,
        store,
        prefix,
        sendLater: (mail: { to: string; url: string; teamSlug: string }) => {
          const sent: Promise<void> = smtp
            .send({ ...mail, ttlMinutes: Math.ceil(ctx.options.ttlSeconds / 60) })
            .catch((err: unknown) => ctx.logger.error({ err }, 'email-link: the sign-in link could not be sent'))
            .finally(() => sending.delete(sent));
          sending.add(sent);
        },
      };
      ctx.http.register(emailLinkRoutes(env, ctx), { prefix });
      ctx.http.advertise({ label: 'Ask for a sign-in link by email (POST {email, team})', path: `${prefix}/request` });
      ctx.every('purge', 10 * 60_000, () => store.purge(ctx.options.windowSeconds));
    },
    async close() {
      // Links already promised go out before the process ends.
      await Promise.allSettled([...sending]);
      mailer?.close();
    },
  });
}
