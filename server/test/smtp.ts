/**
 * A real SMTP server for tests (the `smtp-server` package) on 127.0.0.1:<free port>, requiring a
 * user name and password like a mail provider would, keeping every message it accepts, parsed
 * (mailparser). `url` is what Plaza's SMTP_URL should be.
 */
import { simpleParser } from "mailparser";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
}

export interface TestSmtp {
  url: string;
  received: ReceivedMail[];
  /** Sessions refused for a wrong user name or password. */
  refusedLogins: number;
  close(): Promise<void>;
}

export async function startTestSmtp(user = "plaza", pass = "mail-secret"): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const state = { refusedLogins: 0 };
  const server = new SMTPServer({
    // Plain SMTP on loopback: no certificate to trust, so no STARTTLS, and AUTH allowed without it.
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === user && auth.password === pass) return cb(null, { user });
      state.refusedLogins++;
      cb(new Error("invalid user name or password"));
    },
    onData(stream, session, cb) {
      simpleParser(stream).then((m) => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          subject: m.subject ?? "",
          text: m.text ?? "",
          html: typeof m.html === "string" ? m.html : "",
        });
        cb();
      }, (err: Error) => cb(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://${user}:${pass}@127.0.0.1:${port}`,
    received,
    get refusedLogins() { return state.refusedLogins; },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
