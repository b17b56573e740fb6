/** The plaza:av debug channel: on when localStorage.debug includes "plaza:av". */
export const log = (...args: unknown[]) => {
  if (globalThis.localStorage?.getItem("debug")?.includes("plaza:av")) console.debug("plaza:av", ...args);
};
