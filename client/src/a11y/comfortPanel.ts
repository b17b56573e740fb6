/**
 * The comfort settings form (UX12–UX14): theme, motion, larger text, sounds, notifications and
 * outline mode. Every change is saved and applied at once. Shown in a dialog in the space and on
 * the dashboard, and as a panel on the settings page.
 */
import { el } from "../ui/dom.ts";
import { MOTIONS, THEMES, comfort, saveComfort, type Comfort } from "./comfort.ts";
import { openDialog, type OpenDialog } from "./dialog.ts";
import { askPermission, notificationsSupported } from "./notify.ts";
import { audio, play } from "./sounds.ts";

const THEME_TEXT: Record<(typeof THEMES)[number], string> = { system: "Like my device", light: "Light", dark: "Dark" };
const MOTION_TEXT: Record<(typeof MOTIONS)[number], string> = { system: "Like my device", reduce: "Reduced: no glides or fades", full: "Full" };

let forms = 0;

export function comfortForm(): HTMLFormElement {
  const form = el("form", "comfort-form");
  const n = ++forms;
  const status = el("p", "saved");
  status.setAttribute("role", "status");
  const save = (patch: Partial<Comfort>, said: string) => { saveComfort({ ...comfort(), ...patch }); status.textContent = said; };

  const choice = <T extends string>(legend: string, name: string, values: readonly T[], text: Record<T, string>, now: T, set: (v: T) => void) => {
    const fs = el("fieldset", "comfort-choice");
    const lg = el("legend"); lg.textContent = legend;
    fs.append(lg);
    for (const v of values) {
      const label = el("label");
      const input = el("input");
      Object.assign(input, { type: "radio", name: `${name}-${n}`, value: v, checked: v === now });
      input.onchange = () => { if (input.checked) set(v); };
      const span = el("span"); span.textContent = text[v];
      label.append(input, span);
      fs.append(label);
    }
    return fs;
  };
  const toggle = (text: string, on: boolean, set: (on: boolean, box: HTMLInputElement) => void | Promise<void>) => {
    const label = el("label", "toggle");
    const box = el("input");
    Object.assign(box, { type: "checkbox", checked: on });
    box.onchange = () => void set(box.checked, box);
    const span = el("span"); span.textContent = text;
    label.append(box, span);
    return label;
  };

  const c = comfort();
  form.append(
    choice("Theme", "theme", THEMES, THEME_TEXT, c.theme, (theme) => save({ theme }, `Theme: ${THEME_TEXT[theme]}.`)),
    choice("Motion", "motion", MOTIONS, MOTION_TEXT, c.motion, (motion) => save({ motion }, `Motion: ${MOTION_TEXT[motion]}.`)),
    toggle("Larger text", c.largeText, (largeText) => save({ largeText }, largeText ? "Larger text on." : "Larger text off.")),
    toggle("Sounds when someone comes to talk and for direct messages", c.sounds, (sounds) => {
      save({ sounds }, sounds ? "Sounds on." : "Sounds off.");
      if (sounds) { audio(); play("approach", true); } // the click lets the page start audio; a sample
    }),
    toggle("Desktop notifications for direct messages while this tab is hidden", c.notifications, async (on, box) => {
      if (on && !(await askPermission())) {
        box.checked = false;
        status.textContent = notificationsSupported() ? "The browser did not allow notifications: allow them in its site settings first." : "This browser cannot show notifications.";
        return;
      }
      save({ notifications: on }, on ? "Notifications on." : "Notifications off.");
    }),
    toggle("Open the outline when entering a space (outline mode)", c.outline, (outline) => save({ outline }, outline ? "Outline mode on." : "Outline mode off.")),
    status,
  );
  form.onsubmit = (e) => e.preventDefault();
  return form;
}

export function openComfortDialog(): OpenDialog {
  return openDialog("Comfort", [comfortForm()], { className: "comfort-dialog" });
}
