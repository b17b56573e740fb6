/**
 * The space directory: the one place that answers "who is this?" and "may they do that, in that
 * space?" (SPEC AZ1–AZ4, AZ6) for both the HTTP API and the room's onAuth and edit handling, and that
 * loads a space's map and content for a room. Roles always come from the store, never from a
 * client; the token only says who someone is.
 */
import { randomBytes } from "node:crypto";
import { can, type Action, type Role } from "../../../shared/authz.ts";
import { parseTiledMap, type SpaceMap } from "../../../shared/map.ts";
import { templateEntities, worldFromRows, type WorldContent } from "../../../shared/world.ts";
import type { Identity, Tokens } from "../auth/tokens.ts";
import type { MapCatalog } from "../maps/MapCatalog.ts";
import type { Template } from "../maps/templates.ts";
import { ConflictError, type EditCommit, type NewSpace, type SpaceRecord, type Store, type Visibility } from "../store/Store.ts";

/** A refusal with the HTTP status and stable code both tiers report (401/403/404…). */
export class AccessError extends Error {
  override name = "AccessError";
  constructor(readonly status: 400 | 401 | 403 | 404 | 409 | 410, readonly code: string, message: string) {
    super(message);
  }
}

export interface SpaceAccess {
  space: SpaceRecord;
  /** The caller's role in the space (roleIn); null for a visitor of a public space. */
  role: Role | null;
}

export interface LoadedSpace {
  space: SpaceRecord;
  base: SpaceMap;
  content: WorldContent;
}

export interface DirectoryOptions {
  /** PLAZA_AUTO_SPACES: an unknown (valid) space id is created, public, on first join (load tests, demos). */
  autoSpaces: boolean;
  /** The map auto-created spaces start from (tests pass their own). */
  autoMap?: MapCatalog;
}

export class SpaceDirectory {
  private readonly baseCache = new Map<string, SpaceMap>();

  constructor(
    readonly store: Store,
    readonly tokens: Tokens,
    readonly templates: Map<string, Template>,
    private readonly opts: DirectoryOptions,
  ) {}

  /** AZ4: who a token says you are; no token → anonymous; a bad token is an error, not anonymity. */
  async identify(token: string | undefined | null): Promise<Identity | null> {
    if (!token) return null;
    const id = await this.tokens.verify(token);
    if (!id) throw new AccessError(401, "unauthenticated", "your session is invalid or has expired: sign in again");
    // AC6: a password reset ends the sessions signed before it (the account's epoch moved on).
    const epoch = await this.store.sessionEpoch(id.userId);
    if (epoch !== null && epoch !== (id.epoch ?? 0)) throw new AccessError(401, "unauthenticated", "your password was changed: sign in again");
    return id;
  }

  /**
   * The caller's role in this space, the one every check asks (HTTP routes, onAuth, the room's
   * re-checks): the team role for members and up; `guest` only where a guest link admitted them
   * (AZ6), elsewhere in the team they are a visitor (null), like anyone without a role.
   */
  async roleIn(space: SpaceRecord, who: Pick<Identity, "userId"> | null): Promise<Role | null> {
    return who ? this.store.roleInSpace(space.id, who.userId) : null;
  }

  /** AZ1: the space and the caller's role, if they may do `action` there; else an AccessError. */
  async authorize(spaceId: string, who: Identity | null, action: Action): Promise<SpaceAccess> {
    const autoCreatable = action === "space.enter" || action === "space.read";
    const space = (await this.store.space(spaceId)) ?? (autoCreatable ? await this.autoCreate(spaceId) : null);
    if (!space) throw new AccessError(404, "not_found", `there is no space "${spaceId}"`);
    const role = await this.roleIn(space, who);
    if (!can(role, action, space.visibility)) {
      // Say as much as the caller may know: a private space is not described to strangers.
      if (!who) throw new AccessError(401, "unauthenticated", action === "space.enter" || action === "space.read" ? "this space is private: sign in to enter" : "sign in first");
      throw new AccessError(403, "forbidden", role === null ? `you are not a member of "${spaceId}": ask an admin for an invite link` : `your role (${role}) may not do that here`);
    }
    return { space, role };
  }

  private async autoCreate(spaceId: string): Promise<SpaceRecord | null> {
    if (!this.opts.autoSpaces) return null;
    const tmj = this.opts.autoMap?.mapFor(spaceId).tmj ?? this.templates.get("small-office")?.tmj;
    if (!tmj) return null;
    // Owned by a team nobody belongs to; public, so anyone may enter.
    const teamId = "auto";
    await this.ensureAutoTeam(teamId);
    await this.store.createSpaceIfAbsent(this.newSpace({ id: spaceId, teamId, name: spaceId, visibility: "public", template: "auto", tmj, tileset: null }));
    return this.store.space(spaceId);
  }

  private autoTeamReady?: Promise<void>;
  private ensureAutoTeam(teamId: string): Promise<void> {
    this.autoTeamReady ??= this.store.ensureTeam(teamId, "Open spaces");
    return this.autoTeamReady;
  }

  /** A NewSpace from a Tiled map: the map is copied, its furniture/areas/spawns become content (BM8). */
  newSpace(s: { id: string; teamId: string; name: string; visibility: Visibility; template: string; tmj: unknown; tileset: Uint8Array | null }): NewSpace {
    const map = parseTiledMap(s.tmj);
    return { id: s.id, teamId: s.teamId, name: s.name, visibility: s.visibility, template: s.template, baseMap: s.tmj, tileset: s.tileset, entities: templateEntities(s.tmj, map) };
  }

  /** Creates a space under a free slug derived from `preferred` (adds a short suffix when taken). */
  async createSpace(preferred: string, explicit: boolean, make: (id: string) => NewSpace): Promise<SpaceRecord> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const id = attempt === 0 ? preferred : `${preferred.slice(0, 33)}-${randomBytes(3).toString("hex")}`;
      try {
        return await this.store.createSpace(make(id));
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        if (explicit) throw new AccessError(409, "conflict", `the address /s/${id} is taken`);
      }
    }
    throw new AccessError(409, "conflict", "could not find a free address for this space");
  }

  /** What a room needs: the base map (parsed once per process) and the current content. */
  async load(spaceId: string): Promise<LoadedSpace | null> {
    const [space, content] = await Promise.all([this.store.space(spaceId), this.store.content(spaceId)]);
    if (!space || !content) return null;
    let base = this.baseCache.get(spaceId);
    if (!base) {
      const stored = await this.store.baseMap(spaceId);
      if (!stored) return null;
      base = parseTiledMap(stored.tmj);
      this.baseCache.set(spaceId, base);
    }
    return { space, base, content: worldFromRows(content.version, content.entities) };
  }

  /** The space as stored now; null once it is deleted (a room's access re-check, SE4). */
  space(spaceId: string): Promise<SpaceRecord | null> {
    return this.store.space(spaceId);
  }

  /** BM1: stores one edit in one transaction; StaleVersionError when the content moved on (BM3). */
  commitEdit(spaceId: string, edit: EditCommit): Promise<number> {
    return this.store.commitEdit(spaceId, edit);
  }

  forget(spaceId: string): void {
    this.baseCache.delete(spaceId);
  }
}
