/**
 * Desktop notifications for direct messages and knocks while the tab is hidden (UX14): only when the person
 * turned them on (permission is asked then, never before) and the browser granted it.
 */
import { comfort } from "./comfort.ts";

export const notificationsSupported = () => typeof Notification === "function";

/** Asks the browser for permission; true when granted. */
export async function askPermission(): Promise<boolean> {
  if (!notificationsSupported()) return false;
  if (Notification.permission === "granted") return true;
  if (Notification.permission === "denied") return false;
  return (await Notification.requestPermission()) === "granted";
}

/** Shows a notification if the tab is hidden and notifications are on and allowed. */
function notify(title: string, body: string, tag: string): void {
  if (!comfort().notifications || !document.hidden || !notificationsSupported() || Notification.permission !== "granted") return;
  const n = new Notification(title, { body: body.slice(0, 140), tag });
  n.onclick = () => { window.focus(); n.close(); };
}

/** A direct message arrived. */
export function notifyDm(from: string, text: string): void {
  notify(`Message from ${from}`, text, "plaza-dm");
}

/** Someone knocks on my room or at me (NV3): they wait for an answer. */
export function notifyKnock(text: string): void {
  notify("Someone is knocking", text, "plaza-knock");
}
