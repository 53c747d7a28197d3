/** The plugin's options, validated once at boot with their defaults in one place. */
export interface EmailLinkOptions {
  /**
   * Where mail goes: `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`.
   * @default process.env.ROSTER_SMTP_URL
   */
  smtpUrl?: string;
  /** The sender. @default "Roster <no-reply@HOST of the public URL>" */
  from?: string;
  /** How long a link stays valid, in seconds. @default 900 (15 minutes) */
  ttlSeconds?: number;
  /** Links one address may ask for per window. @default 5 */
  perAddressLimit?: number;
  /** Links one client address (IP) may ask for per window, whatever the email. @default 30 */
  perIpLimit?: number;
  /** The rate-limit window, in seconds. @default 900 */
  windowSeconds?: number;
}

export type ParsedEmailLinkOptions = Required<Omit<EmailLinkOptions, 'smtpUrl' | 'from'>> & { smtpUrl: string | null; from: string | null };

function positiveInt(name: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max)
    throw new Error(`${name} must be a whole number from 1 to ${max}`);
  return value;
}

/**
 * Raw options (configuration) over the factory's, then defaults. A missing SMTP URL is not an
 * error here: the plugin may be listed only for its migration; `setup` refuses to start without it.
 */
export function parseEmailLinkOptions(raw: unknown, given: EmailLinkOptions, env: NodeJS.ProcessEnv): ParsedEmailLinkOptions {
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) throw new Error('options must be an object');
  const o: EmailLinkOptions = { ...given, ...(raw as EmailLinkOptions | undefined) };
  const smtpUrl = o.smtpUrl ?? env.ROSTER_SMTP_URL ?? null;
  if (smtpUrl !== null) {
    let protocol = '';
    try {
      protocol = new URL(smtpUrl).protocol;
    } catch {
      /* reported below */
    }
    if (protocol !== 'smtp:' && protocol !== 'smtps:') throw new Error('smtpUrl (ROSTER_SMTP_URL) must be an smtp:// or smtps:// URL');
  }
  if (o.from !== undefined && (typeof o.from !== 'string' || !o.from.includes('@'))) throw new Error('from must be an email address');
  return {
    smtpUrl,
    from: o.from ?? null,
    ttlSeconds: positiveInt('ttlSeconds', o.ttlSeconds, 900, 24 * 3600),
    perAddressLimit: positiveInt('perAddressLimit', o.perAddressLimit, 5, 1000),
    perIpLimit: positiveInt('perIpLimit', o.perIpLimit, 30, 100_000),
    windowSeconds: positiveInt('windowSeconds', o.windowSeconds, 900, 24 * 3600),
  };
}
