/**
 * The schema side of interest management (SPEC IM7, IM9) against the real encoder and decoder:
 * what each AvatarView operation makes a client decode.
 */
import { describe, expect, it } from "vitest";
import { ClientState } from "@colyseus/core";
import { COARSE, FINE } from "../../../shared/state.ts";
import { AvatarView, hasFullState } from "./AvatarView.ts";
import { decoded, TestSpace } from "./testing.ts";

function spaceWithClient() {
  const space = new TestSpace();
  const view = new AvatarView();
  const c = space.client();
  view.assignTo(c.holder);
  return { space, view, c };
}

describe("IM9 an avatar is held with one tag: its tile (FINE) or its coarse tile (COARSE)", () => {
  it("add sends the tag's fields only", () => {
    const { space, view, c } = spaceWithClient();
    const a = space.avatar("a", 5, 6);
    a.cx = 3;
    view.add(a, FINE);
    const b = space.avatar("b", 9, 9);
    b.cx = 7;
    view.add(b, COARSE);
    space.fullState(c);
    expect(decoded(c)).toEqual({ a: { x: 5, y: 6, coarse: false }, b: { x: 7, y: 9, coarse: true } });
  });

  it("retag deletes the old tag's fields and sends the new one's, on the same decoded avatar", () => {
    const { space, view, c } = spaceWithClient();
    const a = space.avatar("a", 5, 6);
    view.add(a, FINE);
    space.fullState(c);
    const before = c.decoder.state.avatars.get("a");
    a.cx = 2;
    view.retag(a, FINE, COARSE);
    space.patch();
    expect(decoded(c)).toEqual({ a: { x: 2, y: 6, coarse: true } });
    expect(c.decoder.state.avatars.get("a")).toBe(before);
    view.retag(a, COARSE, FINE);
    space.patch();
    expect(decoded(c)).toEqual({ a: { x: 5, y: 6, coarse: false } });
  });

  it("removeFields deletes one tag's fields and keeps the avatar", () => {
    const { space, view, c } = spaceWithClient();
    const a = space.avatar("a", 5, 6);
    view.add(a, FINE);
    space.fullState(c);
    view.removeFields(a, FINE);
    space.patch();
    expect(decoded(c)).toEqual({ a: undefined });
  });

  it("hide and remove delete the avatar; after hide it can come back with the other tag", () => {
    const { space, view, c } = spaceWithClient();
    const a = space.avatar("a", 5, 6);
    const b = space.avatar("b", 1, 1);
    view.add(a, FINE);
    view.add(b, FINE);
    space.fullState(c);
    view.hide(a);
    view.remove(b);
    space.patch();
    expect(decoded(c)).toEqual({});
    view.add(a, COARSE);
    space.patch();
    expect(decoded(c)).toEqual({ a: { x: 5, y: 6, coarse: true } });
  });
});

describe("IM7 a view can take over what a client already holds", () => {
  it("hold queues nothing; the client then gets the avatar's changes through the new view", () => {
    const { space, view: first, c } = spaceWithClient();
    const a = space.avatar("a", 5, 6);
    first.add(a, FINE);
    space.fullState(c);
    const before = c.decoder.state.avatars.get("a");
    const next = new AvatarView();
    next.hold(a, FINE);
    expect(next.pending).toBe(false);
    next.assignTo(c.holder);
    a.x = 6;
    space.patch();
    expect(decoded(c)).toEqual({ a: { x: 6, y: 6, coarse: false } });
    expect(c.decoder.state.avatars.get("a")).toBe(before);
  });

  it("pending and discardPending: queued changes can be dropped unsent", () => {
    const { space, view, c } = spaceWithClient();
    space.fullState(c);
    view.add(space.avatar("a", 1, 2), FINE);
    expect(view.pending).toBe(true);
    view.discardPending();
    expect(view.pending).toBe(false);
  });

  it("reset empties a used view for reuse: it no longer follows the avatars it held", () => {
    const { space, view, c } = spaceWithClient();
    const a = space.avatar("a", 5, 6);
    view.add(a, FINE);
    space.fullState(c);
    view.reset([a]);
    expect(view.pending).toBe(false);
    a.x = 9;
    space.patch();
    expect(decoded(c)).toEqual({ a: { x: 5, y: 6, coarse: false } }); // not sent any more (nor deleted)
    view.add(a, COARSE);
    expect(view.pending).toBe(true);
  });
});

it("a client may change cell only once it asked for its full state", () => {
  expect(hasFullState({ state: ClientState.JOINING })).toBe(false);
  expect(hasFullState({ state: ClientState.JOINED })).toBe(true);
  expect(hasFullState({})).toBe(true);
});
