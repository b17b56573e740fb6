/**
 * Fixtures of the Store contract (Store.contract.ts): every test makes its own users, teams and
 * spaces through these, so tests never see each other's rows.
 */
import { randomUUID } from "node:crypto";
import type { EditCommit, EntityRow, NewSpace, SpaceRecord, Store, Team, User } from "./Store.ts";

export const uid = () => randomUUID().slice(0, 8);

export interface StoreKit {
  /** The store under test: open from the suite's beforeAll on. */
  readonly store: Store;
  newUser(display?: string): Promise<User>;
  /** A team and its owner. */
  newTeam(): Promise<{ owner: User; team: Team }>;
  /** A private small-office space of the team with one desk, unless `over` says otherwise. */
  newSpace(teamId: string, over?: Partial<NewSpace>): NewSpace;
  spaceWithTeam(over?: Partial<NewSpace>): Promise<{ owner: User; team: Team; space: SpaceRecord }>;
  edit(expectVersion: number, puts?: EntityRow[], deletes?: string[]): EditCommit;
}

/** The fixtures over whatever store `current` returns when a test runs. */
export function storeKit(current: () => Store): StoreKit {
  const newUser = (display = "Ada") => current().createUser({ email: `${display}-${uid()}@Example.com`, name: display, passwordHash: "hash" });
  async function newTeam() {
    const owner = await newUser("Owner");
    const team = await current().createTeam(`Team ${uid()}`, owner.id);
    return { owner, team };
  }
  const newSpace = (teamId: string, over: Partial<NewSpace> = {}): NewSpace => ({
    id: `space-${uid()}`,
    teamId,
    name: "Office",
    visibility: "private",
    template: "small-office",
    baseMap: { width: 2, height: 2, layers: [] },
    tileset: null,
    entities: [{ id: "desk-1", rev: 0, data: { kind: "desk", x: 1, y: 1 } }],
    ...over,
  });
  async function spaceWithTeam(over: Partial<NewSpace> = {}) {
    const { owner, team } = await newTeam();
    const space = await current().createSpace(newSpace(team.id, over));
    return { owner, team, space };
  }
  const edit = (expectVersion: number, puts: EntityRow[] = [], deletes: string[] = []) => ({
    expectVersion, authorId: null, op: { type: "test", expectVersion }, puts, deletes,
  });
  return { get store() { return current(); }, newUser, newTeam, newSpace, spaceWithTeam, edit };
}
