/**
 * WorkAdventure's Tiled conventions mapped onto Plaza's own concepts (SPEC MP7; the table is in
 * shared/maps/README.md). Only property names and their meaning carry over: a property Plaza has
 * no use for is reported as ignored, never silently dropped. Pure.
 */
import type { Reporter } from "./errors.ts";

export interface TiledProperty { name: string; type?: string; value?: unknown }

/** What a zone (an `area` object, or the tiles of a tile layer with properties) becomes in Plaza. */
export type ZoneRole =
  | { kind: "private"; name: string }
  | { kind: "silent"; name: string }
  | { kind: "spotlight"; name: string };

/** Properties Plaza reads elsewhere (collision, start layers, furniture rotation): never reported. */
const HANDLED = new Set(["collides", "startLayer", "rot"]);

/** Properties with a WorkAdventure meaning Plaza does not have, grouped by why. */
const UNSUPPORTED: Array<[RegExp, string]> = [
  [/^script$/, "Plaza does not run map scripts"],
  [/^(openWebsite|openTab|openWebsite\w+|website\w*|openWebsiteTrigger\w*)$/, "Plaza does not open websites from the map"],
  [/^(playAudio|playAudioLoop|audioLoop|audioVolume)$/, "Plaza plays no map sounds"],
  [/^(exitUrl|exitSceneUrl|exitInstance)$/, "exits to other maps: a Plaza space is one map"],
  [/^(jitsi\w+|bbb\w+|zoom_margin|focusable\w+)$/, "meeting-room options: people in a Plaza meeting room join it when they enter"],
  [/^listenerMegaphone$/, "the whole space hears a Plaza stage (SPEC PX7), so listener zones are not needed"],
  [/^(mapName|mapDescription|mapCopyright|mapImage|mapLink|tilesetCopyright|mapCopyrights)$/, "map metadata Plaza does not show"],
];

function truthy(v: unknown): boolean {
  return v === true || v === "true";
}

function text(v: unknown): string {
  return typeof v === "string" ? v.trim() : "";
}

/** Reports every property of `props` that is neither a zone role nor handled elsewhere. */
export function reportUnusedProperties(props: readonly TiledProperty[] | undefined, reporter: Reporter, used: ReadonlySet<string> = new Set()): void {
  for (const p of props ?? []) {
    if (HANDLED.has(p.name) || used.has(p.name)) continue;
    const why = UNSUPPORTED.find(([re]) => re.test(p.name))?.[1] ?? "no meaning in Plaza";
    reporter.ignore(`property \`${p.name}\``, why);
  }
}

/**
 * The roles a set of zone properties gives (several at once are possible: a silent meeting room
 * is both). `fallback` names a zone whose meeting property has no value. Reports the rest.
 */
export function zoneRoles(props: readonly TiledProperty[] | undefined, fallback: string, reporter: Reporter): ZoneRole[] {
  const get = (name: string) => props?.find((p) => p.name === name)?.value;
  const roles: ZoneRole[] = [];
  const used = new Set<string>();
  const meeting = ["jitsiRoom", "bbbMeeting"].find((n) => get(n) !== undefined && get(n) !== "" && get(n) !== false);
  if (meeting) {
    roles.push({ kind: "private", name: text(get(meeting)) || fallback });
    used.add(meeting);
  } else if (truthy(get("focusable"))) {
    roles.push({ kind: "private", name: fallback });
  }
  if (get("focusable") !== undefined) used.add("focusable");
  if (truthy(get("silent"))) roles.push({ kind: "silent", name: fallback });
  if (get("silent") !== undefined) used.add("silent");
  const speaker = get("speakerMegaphone");
  if (speaker !== undefined && speaker !== false && speaker !== "") {
    roles.push({ kind: "spotlight", name: text(speaker) || fallback });
    used.add("speakerMegaphone");
  }
  reportUnusedProperties(props, reporter, used);
  return roles;
}

/** A tile layer whose non-empty tiles are start positions: named `start`, or with `startLayer: true`. */
export function isStartLayer(name: string, props: readonly TiledProperty[] | undefined): boolean {
  return name === "start" || truthy(props?.find((p) => p.name === "startLayer")?.value);
}

/** A tile layer (or tile) with the bool property `collides: true`. */
export function collides(props: readonly TiledProperty[] | undefined): boolean {
  return truthy(props?.find((p) => p.name === "collides")?.value);
}
