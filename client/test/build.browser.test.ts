/**
 * Build mode as people use it (SPEC BM rules), in real Chromium pages against a real server: Ada
 * (owner) and Bob (builder) are in one space. Ada opens build mode and places a desk by clicking:
 * it is stored, Bob sees it appear live, and it is still there after Ada reloads. Both move the
 * same desk at once: exactly one move is applied, the other is refused as a conflict and both pages
 * end with the same content. Ada paints a wall stroke by dragging and cannot walk through it, draws
 * and names a private area; Bob claims the desk from its popover. Screenshots: test-output/build-*.png.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { OUT, useBrowserWorld } from "./browserHarness.ts";
import { addMember, createSpace, signUp, type TestUser } from "../../server/test/harness.ts";
import { planEdit } from "../../shared/world.ts";

interface Built { ref: number; ok: boolean; code?: string; message?: string; version?: number; created?: string }
interface Content {
  version: number;
  things: Record<string, { id: string; kind: string; x: number; y: number; rot: number; rev: number; claimedBy: string | null; claimName: string | null }>;
  zones: Record<string, { name: string; kind: string; x: number; y: number; w: number; h: number }>;
  spawns: Record<string, { x: number; y: number }>;
  paint: Record<string, string>;
}
interface BuildHooks {
  pose(): { x: number; y: number; dir: number } | undefined;
  avatars(): { id: string; x: number; y: number; dir: number }[];
  self: string;
  screenOf(x: number, y: number): { x: number; y: number };
  walkable(x: number, y: number): boolean;
  content(): Content;
  build(op: unknown): Promise<Built>;
  welcome(): { canBuild: boolean; canClaim: boolean; userId: string | null };
}
const hooks = (page: Page) => page.evaluate(() => (window as unknown as { __plaza: BuildHooks }).__plaza.content());

const world = useBrowserWorld();

/** Every tile where a desk (2×1) could stand in the stored content, nearest to `near` first. */
async function deskSpots(near: { x: number; y: number }, space = SPACE): Promise<Array<{ x: number; y: number }>> {
  const loaded = await world.server.directory.load(space);
  if (!loaded) throw new Error(`no space ${space}`);
  const editor = { userId: "t", name: "t", canBuild: true, canClaim: true };
  const out: Array<{ x: number; y: number }> = [];
  for (let y = 0; y < loaded.base.height; y++) for (let x = 0; x < loaded.base.width; x++) {
    if (planEdit(loaded.base, loaded.content, { op: "place", kind: "desk", x, y, rot: 0 }, editor, () => "x").ok) out.push({ x, y });
  }
  return out.sort((a, b) => Math.hypot(a.x - near.x, a.y - near.y) - Math.hypot(b.x - near.x, b.y - near.y));
}
const SPACE = "build-e2e";

/** A page signed in as `user` (the session the app keeps in localStorage), entered into the space. */
async function enterAs(user: TestUser, space = SPACE): Promise<Page> {
  const ctx = await world.browser.newContext({ viewport: { width: 1280, height: 800 } });
  await ctx.addInitScript((s) => localStorage.setItem("plaza.session", s), JSON.stringify({ token: user.token, user: { id: user.id, email: null, name: user.name, guest: false } }));
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.error(`${user.name} page error:`, e.message));
  await page.goto(`${world.server.url}/s/${space}`);
  await page.waitForSelector("#name");
  await page.click("button.primary");
  await waitInSpace(page);
  return page;
}

async function waitInSpace(page: Page) {
  await page.waitForFunction(() => {
    const p = (window as unknown as { __plaza?: BuildHooks }).__plaza;
    return p?.pose() !== undefined && p.welcome().canBuild;
  }, null, { timeout: 15_000 });
}

const content = (page: Page): Promise<Content> => hooks(page);
const until = (page: Page, fn: string, arg?: unknown) => page.waitForFunction(`(${fn})(window.__plaza, ${JSON.stringify(arg ?? null)})`, null, { timeout: 10_000 });
const screenOf = (page: Page, x: number, y: number) => page.evaluate(([x, y]) => (window as unknown as { __plaza: BuildHooks }).__plaza.screenOf(x, y), [x, y]);
const shot = (page: Page, name: string) => page.screenshot({ path: `${OUT}build-${name}.png` });

/** The canvas area not covered by panels (build palette left, people/chat right, bars below). */
const onOpenCanvas = (p: { x: number; y: number }) => p.x > 290 && p.x < 940 && p.y > 70 && p.y < 580;

describe("build mode (browser)", () => {
  it("place, see live, reload, conflicting moves, paint a wall, name an area, claim a desk", async () => {
    const ada = await signUp(world.server, "Ada");
    const bob = await signUp(world.server, "Bob");
    await createSpace(world.server, ada, SPACE);
    await addMember(world.server, ada, SPACE, bob, "builder");

    const pa = await enterAs(ada);
    const pb = await enterAs(bob);

    // Build mode: the top bar button shows the palette.
    await pa.click(".topbar .build-toggle");
    await pa.waitForSelector(".build-panel", { state: "visible" });
    await pa.click('[data-tool="object:desk"]');

    // A free spot for a desk, on the open part of Ada's screen.
    const me0 = (await pa.evaluate(() => (window as unknown as { __plaza: BuildHooks }).__plaza.pose()))!;
    // Not right next to Ada (her tile and the ones she may walk to stay free), spaced for three desks.
    const candidates = (await deskSpots(me0)).filter((c) => Math.abs(c.y - me0.y) >= 2 && c.x % 3 === 0);
    let spot: { x: number; y: number } | undefined;
    for (const c of candidates) {
      const a = await screenOf(pa, c.x, c.y);
      const b = await screenOf(pa, c.x + 1, c.y);
      if (onOpenCanvas(a) && onOpenCanvas(b)) { spot = c; break; }
    }
    expect(spot, "a free desk spot on screen").toBeDefined();
    const at = await screenOf(pa, spot!.x, spot!.y);
    await pa.mouse.move(at.x, at.y);
    await pa.waitForTimeout(100);
    await shot(pa, "1-palette-ghost");

    // Place by clicking: stored, acknowledged, in Ada's and (live) in Bob's content.
    const before = await content(pa);
    await pa.mouse.click(at.x, at.y);
    const isDeskAt = `(p, s) => Object.values(p.content().things).some((t) => t.kind === "desk" && t.x === s.x && t.y === s.y)`;
    await until(pa, isDeskAt, spot);
    await pa.waitForSelector(".build-saved:not(.pending)");
    await until(pb, isDeskAt, spot);
    const placed = await content(pa);
    expect(placed.version).toBe(before.version + 1);
    const deskId = Object.values(placed.things).find((t) => t.kind === "desk" && t.x === spot!.x && t.y === spot!.y)!.id;
    await pa.mouse.move(at.x + 200, at.y + 120);
    await pa.waitForTimeout(150);
    await shot(pa, "2-placed");
    await shot(pb, "3-bob-sees-it");

    // Reload: the desk is stored, not just synced.
    await pa.reload();
    await waitInSpace(pa);
    await until(pa, isDeskAt, spot);
    // The reload continued Ada's session (RC1): Bob sees one Ada, not her held seat as well.
    await until(pb, `(p) => p.avatars().length === 2`);

    // Both move THE SAME desk at once, from the same revision: one wins, the other is told.
    const rev = (await content(pa)).things[deskId].rev;
    const targets: Array<{ x: number; y: number }> = [];
    for (const c of candidates) {
      if (targets.length === 2) break;
      if (Math.abs(c.x - spot!.x) < 3 && c.y === spot!.y) continue;
      // The area drawn later spans 4×2 tiles below the winner: keep it on screen too.
      if (onOpenCanvas(await screenOf(pa, c.x, c.y)) && onOpenCanvas(await screenOf(pa, c.x + 3, c.y + 2))) targets.push(c);
    }
    const [toA, toB] = targets;
    const move = (page: Page, to: { x: number; y: number }) => page.evaluate(([id, rev, x, y]) =>
      (window as unknown as { __plaza: BuildHooks }).__plaza.build({ op: "move", id, rev, x, y, rot: 0 }), [deskId, rev, to.x, to.y] as const);
    const answers = await Promise.all([move(pa, toA), move(pb, toB)]);
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    const refused = answers.find((a) => !a.ok)!;
    expect(refused.code).toBe("conflict");
    expect(refused.message).toContain("someone else changed this first");
    const winner = answers[0].ok ? toA : toB;
    const settled = `(p, w) => { const t = p.content().things[w.id]; return t && t.x === w.x && t.y === w.y; }`;
    await until(pa, settled, { id: deskId, ...winner });
    await until(pb, settled, { id: deskId, ...winner });
    // The loser sees the refusal in words.
    await (answers[0].ok ? pb : pa).waitForSelector(`.toast >> text=/someone else changed this first/i`);
    const [ca, cb] = [await content(pa), await content(pb)];
    expect(ca).toEqual(cb);
    await shot(answers[0].ok ? pb : pa, "4-conflict-refused");

    // Paint a wall stroke by dragging, next to Ada, then try to walk into it.
    const me = (await pa.evaluate(() => (window as unknown as { __plaza: BuildHooks }).__plaza.pose()))!;
    // Key, step, and the way she faces after pressing it (Dir in shared/protocol.ts).
    const dirs: [string, number, number, number][] = [["ArrowRight", 1, 0, 3], ["ArrowLeft", -1, 0, 2], ["ArrowUp", 0, -1, 1], ["ArrowDown", 0, 1, 0]];
    let wall: { key: string; x: number; y: number; dx: number; dy: number; dir: number } | undefined;
    // Nobody (Bob) on the stroke: a drag that starts on another person is not what this checks.
    const others = (await pa.evaluate(() => (window as unknown as { __plaza: BuildHooks }).__plaza.avatars())).filter((a) => a.x !== me.x || a.y !== me.y);
    for (const [key, dx, dy, dir] of dirs) {
      const t = { x: me.x + dx, y: me.y + dy };
      const stroke = [-1, 0, 1].map((k) => ({ x: t.x + k * Math.abs(dy), y: t.y + k * Math.abs(dx) }));
      if (stroke.some((c) => others.some((a) => Math.abs(a.x - c.x) + Math.abs(a.y - c.y) <= 1))) continue;
      const free = await pa.evaluate(([x, y]) => (window as unknown as { __plaza: BuildHooks }).__plaza.walkable(x, y), [t.x, t.y]);
      if (free && onOpenCanvas(await screenOf(pa, t.x, t.y))) { wall = { key, ...t, dx, dy, dir }; break; }
    }
    expect(wall, "a free tile next to Ada").toBeDefined();
    await pa.click(".topbar .build-toggle"); // a reload starts outside build mode
    // Select the moved desk: outlined, Delete enabled.
    await pa.click('[data-tool="select"]');
    const w0 = await screenOf(pa, winner.x, winner.y);
    await pa.mouse.click(w0.x, w0.y);
    await pa.waitForSelector(".build-action.danger:not(:disabled)");
    await shot(pa, "5-selected");
    // R four times in a row, faster than the room answers: every turn lands (none conflicts with
    // the one before), and the desk faces the way it started.
    const rev0 = (await content(pa)).things[deskId].rev;
    for (let i = 0; i < 4; i++) await pa.keyboard.press("r");
    await until(pa, `(p, w) => p.content().things[w.id].rev === w.rev && p.content().things[w.id].rot === 0`, { id: deskId, rev: rev0 + 4 });
    await pa.waitForSelector(".build-saved:not(.pending)");
    await pa.keyboard.press("Escape");
    await pa.click('[data-tool="paint:wall"]');
    // A stroke across the tile in front of her: perpendicular to the way she would walk.
    const ends = [-1, 1].map((k) => ({ x: wall!.x + k * Math.abs(wall!.dy), y: wall!.y + k * Math.abs(wall!.dx) }));
    const s0 = await screenOf(pa, ends[0].x, ends[0].y);
    const s1 = await screenOf(pa, ends[1].x, ends[1].y);
    await pa.mouse.move(s0.x, s0.y);
    await pa.mouse.down();
    await pa.mouse.move(s1.x, s1.y, { steps: 6 });
    await pa.mouse.up();
    // The whole stroke, not only its middle: a drag may go out in more than one batch.
    const stroke = [ends[0], wall!, ends[1]].map((t) => ({ x: t.x, y: t.y }));
    await until(pa, `(p, ts) => ts.every((t) => !p.walkable(t.x, t.y))`, stroke);
    await pa.waitForSelector(".build-saved:not(.pending)");
    await shot(pa, "6-wall-painted");
    // Leave build mode and walk into the wall: she only turns.
    await pa.keyboard.press("b");
    await pa.waitForSelector(".build-panel", { state: "hidden" });
    await pa.keyboard.down(wall!.key);
    await pa.waitForTimeout(600);
    await pa.keyboard.up(wall!.key);
    // The room has taken the bump (she faces the wall there too) before we read where she is.
    await until(pa, `(p, w) => p.pose().dir === w.dir && p.avatars().some((a) => a.id === p.self && a.dir === w.dir)`, wall);
    const after = (await pa.evaluate(() => (window as unknown as { __plaza: BuildHooks }).__plaza.pose()))!;
    expect({ x: after.x, y: after.y }).toEqual({ x: me.x, y: me.y });
    const server = await pa.evaluate(() => { const p = (window as unknown as { __plaza: BuildHooks }).__plaza; return p.avatars().find((a) => a.id === p.self); });
    expect({ x: server!.x, y: server!.y }).toEqual({ x: me.x, y: me.y });
    const wallTiles = Object.entries((await content(pa)).paint).filter(([, p]) => p === "wall");
    expect(wallTiles.length).toBeGreaterThanOrEqual(3);
    // Erasing gives the floor back: the page walks there again.
    const erased = await pa.evaluate((t) => (window as unknown as { __plaza: BuildHooks }).__plaza.build({ op: "paint", paint: "erase", tiles: [[t.x, t.y]] }), wall!);
    expect(erased.ok).toBe(true);
    await until(pa, `(p, t) => p.walkable(t.x, t.y)`, wall);

    // A private area: drag a rectangle, name it inline.
    await pa.keyboard.press("b");
    await pa.click('[data-tool="zone:private"]');
    const z0 = await screenOf(pa, winner.x, winner.y + 1);
    const z1 = await screenOf(pa, winner.x + 3, winner.y + 2);
    await pa.mouse.move(z0.x, z0.y);
    await pa.mouse.down();
    await pa.mouse.move(z1.x, z1.y, { steps: 4 });
    await pa.mouse.up();
    await pa.waitForSelector(".zone-prompt input");
    await shot(pa, "7-name-area");
    await pa.fill(".zone-prompt input", "Focus <room>");
    await pa.keyboard.press("Enter");
    await until(pb, `(p) => Object.values(p.content().zones).some((z) => z.name === "Focus <room>")`);
    await pa.mouse.move(10, 400);
    await pa.waitForTimeout(150);
    await shot(pa, "8-area-named");

    // Bob, outside build mode, clicks the desk and claims it from the popover.
    const d = (await content(pb)).things[deskId];
    const ds = await screenOf(pb, d.x, d.y);
    await pb.mouse.click(ds.x, ds.y);
    await pb.waitForSelector(".desk-popover >> text=Free desk");
    await pb.click(".desk-popover >> text=Claim this desk");
    await pb.waitForSelector(".desk-popover >> text=Your desk");
    const bobId = await pb.evaluate(() => (window as unknown as { __plaza: BuildHooks }).__plaza.welcome().userId);
    await until(pa, `(p, w) => p.content().things[w.id]?.claimedBy === w.user`, { id: deskId, user: bobId });
    await pb.waitForTimeout(400);
    await shot(pb, "9-desk-claimed");
    await pb.keyboard.press("Escape");
    await pb.waitForSelector(".desk-popover", { state: "detached" });
    await shot(pb, "10-desk-tag");
    expect(await content(pa)).toEqual(await content(pb));
  }, 120_000);

  it("BM9/BM10 undo and redo a placed desk (seen live by another builder), copy and paste it, and never undo someone else's change", async () => {
    const space = "build-undo-e2e";
    const ada = await signUp(world.server, "Ada");
    const bob = await signUp(world.server, "Bob");
    await createSpace(world.server, ada, space);
    await addMember(world.server, ada, space, bob, "builder");
    const pa = await enterAs(ada, space);
    const pb = await enterAs(bob, space);
    await pa.click(".topbar .build-toggle");
    await pa.waitForSelector(".build-panel", { state: "visible" });
    expect(await pa.isDisabled('[data-action="undo"]')).toBe(true);
    await pa.click('[data-tool="object:desk"]');

    const me0 = (await pa.evaluate(() => (window as unknown as { __plaza: BuildHooks }).__plaza.pose()))!;
    const spots: Array<{ x: number; y: number }> = [];
    for (const c of (await deskSpots(me0, space)).filter((c) => Math.abs(c.y - me0.y) >= 2 && c.x % 3 === 0)) {
      if (onOpenCanvas(await screenOf(pa, c.x, c.y)) && onOpenCanvas(await screenOf(pa, c.x + 1, c.y)) && spots.every((s) => Math.abs(s.x - c.x) >= 3 || s.y !== c.y)) spots.push(c);
      if (spots.length === 2) break;
    }
    expect(spots.length, "two free desk spots on screen").toBe(2);
    const [spot, pasteAt] = spots as [{ x: number; y: number }, { x: number; y: number }];
    const desksAt = (s: { x: number; y: number }, n: number) => `(p) => Object.values(p.content().things).filter((t) => t.kind === "desk" && t.x === ${s.x} && t.y === ${s.y}).length === ${n}`;

    const at = await screenOf(pa, spot.x, spot.y);
    await pa.mouse.click(at.x, at.y);
    await until(pb, desksAt(spot, 1));
    await pa.waitForSelector('[data-action="undo"]:not([disabled])');

    // Undo: Bob sees the desk go; redo: it is back.
    await pa.keyboard.press("Control+z");
    await until(pb, desksAt(spot, 0));
    await pa.waitForSelector('[data-action="redo"]:not([disabled])');
    await pa.keyboard.press("Control+Shift+z");
    await until(pb, desksAt(spot, 1));

    // Copy the desk and paste a second one where the pointer is.
    await pa.click('[data-tool="select"]');
    await pa.mouse.click(at.x, at.y);
    await pa.keyboard.press("Control+c");
    const to = await screenOf(pa, pasteAt.x, pasteAt.y);
    await pa.mouse.move(to.x, to.y);
    await pa.keyboard.press("Control+v");
    await until(pb, desksAt(pasteAt, 1));
    await pa.mouse.move(10, 400);
    await shot(pa, "11-undo-redo-paste");

    // Bob claims the pasted desk: Ada's undo of the paste must not take Bob's desk away.
    const pasted = Object.values((await content(pb)).things).find((t) => t.kind === "desk" && t.x === pasteAt.x && t.y === pasteAt.y)!;
    const claimed = await pb.evaluate((id) => (window as unknown as { __plaza: BuildHooks }).__plaza.build({ op: "claim", id }), pasted.id);
    expect(claimed.ok).toBe(true);
    await until(pa, `(p, w) => p.content().things[w.id]?.rev === w.rev`, { id: pasted.id, rev: pasted.rev + 1 });
    await pa.keyboard.press("Control+z");
    await pa.waitForSelector(".toast >> text=/someone else changed it/i");
    expect((await content(pa)).things[pasted.id]).toBeDefined();
    expect(await content(pa)).toEqual(await content(pb));
  }, 180_000);
});
