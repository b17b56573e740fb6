/**
 * Desktop notifications for direct messages while the tab is hidden (UX14): only when the person
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

/** A direct message arrived: notify if the tab is hidden and notifications are on. */
export function notifyDm(from: string, text: string): void {
  if (!comfort().notifications || !document.hidden || !notificationsSupported() || Notification.permission !== "granted") return;
  const n = new Notification(`Message from ${from}`, { body: text.slice(0, 140), tag: "plaza-dm" });
  n.onclick = () => { window.focus(); n.close(); };
}
