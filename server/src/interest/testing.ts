/**
 * Test helpers for the interest code: a state with its encoder, and clients that decode exactly
 * what Colyseus would send them (the encode calls of its SchemaSerializer: a full state on join,
 * then each patch, shared views encoded once).
 */
import { ClientState } from "@colyseus/core";
import { Decoder, Encoder, StateView } from "@colyseus/schema";
import { Avatar, avatarTile, SpaceState } from "../../../shared/state.ts";

Encoder.BUFFER_SIZE = 256 * 1024; // as the server sets it

export interface TestClient {
  holder: { view?: StateView; state: ClientState };
  decoder: Decoder<SpaceState>;
}

export class TestSpace {
  readonly state = new SpaceState();
  private readonly encoder = new Encoder(this.state);
  private readonly clients: TestClient[] = [];

  /** An avatar at (x, y), in the state's map under `id`. */
  avatar(id: string, x: number, y: number): Avatar {
    const a = new Avatar();
    a.x = x;
    a.y = y;
    a.cx = x;
    a.cy = y;
    this.state.avatars.set(id, a);
    return a;
  }

  /** A client still joining: it gets its full state with `fullState`. */
  client(): TestClient {
    const c: TestClient = { holder: { state: ClientState.JOINING }, decoder: new Decoder(new SpaceState()) };
    this.clients.push(c);
    return c;
  }

  /** As SchemaSerializer.getFullState: the shared part, then the view's. */
  fullState(c: TestClient) {
    c.holder.state = ClientState.JOINED;
    const buffer = new Uint8Array(Encoder.BUFFER_SIZE);
    const shared = { offset: 1 };
    this.encoder.encodeAll(shared, buffer);
    c.decoder.decode(this.encoder.encodeAllView(c.holder.view!, shared.offset, { ...shared }, buffer), { offset: 1 });
  }

  /** As SchemaSerializer.applyPatches, to every client that has its full state. */
  patch() {
    const joined = this.clients.filter((c) => c.holder.state === ClientState.JOINED);
    if (!this.encoder.hasChanges) {
      const it = { offset: 1 };
      for (const c of joined) if (c.holder.view!.changes.size > 0) c.decoder.decode(this.encoder.encodeView(c.holder.view!, 1, it), { offset: 1 });
      return;
    }
    const it = { offset: 1 };
    this.encoder.encode(it);
    const sharedOffset = it.offset;
    const cache = new Map<StateView, Uint8Array>();
    for (const c of joined) {
      let bytes = cache.get(c.holder.view!);
      if (!bytes) { bytes = this.encoder.encodeView(c.holder.view!, sharedOffset, it); cache.set(c.holder.view!, bytes); }
      c.decoder.decode(bytes, { offset: 1 });
    }
    this.encoder.discardChanges();
  }
}

/** What a client holds: each avatar id with the tile it decoded (coarse or not), sorted by id. */
export function decoded(c: TestClient): Record<string, ReturnType<typeof avatarTile>> {
  const out: Record<string, ReturnType<typeof avatarTile>> = {};
  for (const id of [...c.decoder.state.avatars.keys()].sort()) out[id] = avatarTile(c.decoder.state.avatars.get(id)!);
  return out;
}
