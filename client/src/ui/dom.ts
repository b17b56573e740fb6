/**
 * The small DOM helpers every view uses: elements, buttons, in-app links and client-side
 * navigation. Text always goes in through `textContent` (PR2), never as markup.
 */

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  return e;
}

/** Client-side navigation: main.ts listens for this event and renders the new route. */
export function navigate(path: string, replace = false) {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  window.dispatchEvent(new Event("plaza:navigate"));
}

/** An in-app link: a real href (open in new tab works), navigated without a reload on click. */
export function link(href: string, text: string, className?: string): HTMLAnchorElement {
  const a = el("a", className);
  a.href = href;
  a.textContent = text;
  a.onclick = (ev) => {
    if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    navigate(href);
  };
  return a;
}

export function button(text: string, className: string, onClick?: (ev: MouseEvent) => void): HTMLButtonElement {
  const b = el("button", className);
  b.type = "button";
  b.textContent = text;
  if (onClick) b.onclick = onClick;
  return b;
}
