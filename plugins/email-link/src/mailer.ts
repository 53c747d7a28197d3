import nodemailer from 'nodemailer';

export interface LinkMail {
  to: string;
  url: string;
  teamSlug: string;
  ttlMinutes: number;
}

export interface Mailer {
  send(mail: LinkMail): Promise<void>;
  close(): void;
}

/** Mail over SMTP with nodemailer; the URL carries the credentials (`smtp://user:pass@host:587`). */
export function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({
        from,
        to: mail.to,
        subject: 'Your sign-in link',
        text: [
          'Hello,',
          '',
          `Someone, hopefully you, asked to sign in to the team "${mail.teamSlug}" with this address.`,
          `Open this link within ${mail.ttlMinutes} minutes to sign in (it works once):`,
          '',
          mail.url,
          '',
          'If you did not ask for it, ignore this email: nobody can sign in without the link.',
        ].join('\n'),
      });
    },
    close: () => transport.close(),
  };
}
