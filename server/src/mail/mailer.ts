/**
 * Outgoing email through the deployment's SMTP server (SMTP_URL), with nodemailer. Plaza sends
 * little mail (password resets), so there is no queue of its own: one message is one SMTP
 * session, and a failure is logged and counted (`plaza_mail_total{outcome}`), never surfaced to
 * whoever asked (AC7: their answer must not depend on whether a message went out).
 */
import { onFirstUse } from "../onFirstUse.ts";
import { Counter } from "prom-client";
import { logger } from "../log.ts";
import { registry } from "../metrics.ts";

const nodemailer = onFirstUse<typeof import("nodemailer")>("nodemailer");

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(m: MailMessage): Promise<void>;
  close(): void;
}

const mailTotal = new Counter({
  name: "plaza_mail_total",
  help: "Email handed to the SMTP server (SMTP_URL), by outcome (sent, failed)",
  labelNames: ["outcome"] as const,
  registers: [registry],
});

/** A mailer over SMTP at `url` (smtp:// with STARTTLS when offered, smtps:// for implicit TLS), sending as `from`. */
export function smtpMailer(url: string, from: string): Mailer {
  // Short waits: a dead mail server must not hold sockets for nodemailer's default minutes.
  const transport = nodemailer().createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  return {
    async send(m) {
      try {
        await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text, html: m.html });
        mailTotal.inc({ outcome: "sent" });
      } catch (err) {
        mailTotal.inc({ outcome: "failed" });
        // The URL may carry a password: log the host only.
        logger.error({ err: String(err), smtpHost: hostOf(url), subject: m.subject }, "mail: could not send");
        throw err;
      }
    },
    close: () => transport.close(),
  };
}

function hostOf(url: string): string | undefined {
  return URL.canParse(url) ? new URL(url).host : undefined;
}
