/**
 * Build edits of one space (SPEC BM1, BM3, BM6, AZ4): run one at a time in arrival order, each
 * checked against the current content with the author's role as stored now, stored in one
 * transaction, then applied to the world (content, synced state, walkable map), then answered.
 * A refused or failed edit changes nothing anywhere. Knows nothing of sockets: answers go to a
 * callback, which the room sends right after the next patch.
 */
import { randomBytes } from "node:crypto";
import { can, type Role } from "../../../../shared/authz.ts";
import { EditRefusal, planEdit } from "../../../../shared/world.ts";
import { DropReason } from "../../../../shared/codes.ts";
import type { ClientMessages, ServerMessages } from "../../../../shared/protocol.ts";
import { StaleVersionError, type SpaceRecord } from "../../store/Store.ts";
import type { SpaceDirectory } from "../../access/directory.ts";
import type { SpaceWorld } from "./SpaceWorld.ts";
import { logger } from "../../log.ts";
import * as metrics from "../../metrics.ts";

/** Edits waiting in one room's queue at most; beyond, new ones are refused `busy` (BM6). */
export const EDIT_QUEUE_MAX = 256;
export const EDITS_PER_CLIENT_MAX = 32;

export type Built = ServerMessages["built"];

/** Who sent an edit. `role` is what they had at join; each edit re-reads and updates it (AZ4). */
export interface EditAuthor {
  readonly session: string;
  readonly userId: string | null;
  readonly name: string;
  role: Role | null;
}

/** What the queue asks the directory: the author's role, the commit, the stored content. */
export type EditDirectory = Pick<SpaceDirectory, "roleIn" | "commitEdit" | "load">;

export class EditQueue {
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;
  private readonly pending = new Map<string, number>();

  constructor(
    private readonly world: SpaceWorld,
    private readonly directory: EditDirectory,
    /** The space as last read (its visibility decides what a role may do). */
    private readonly space: () => SpaceRecord,
    private readonly newId: () => string = () => randomBytes(6).toString("base64url"),
  ) {}

  /**
   * BM1: queues the edit; `answer` gets its outcome once it is stored and applied (or refused).
   * Returns the answer at once instead when too much is queued (BM6 `busy`).
   */
  submit(author: EditAuthor, msg: ClientMessages["build"], answer: (a: Built) => void): Built | undefined {
    const mine = this.pending.get(author.session) ?? 0;
    if (this.queued >= EDIT_QUEUE_MAX || mine >= EDITS_PER_CLIENT_MAX) {
      metrics.countDrop(DropReason.THROTTLED);
      return { ref: msg.ref, ok: false, code: EditRefusal.BUSY, message: "too many edits at once: wait a moment" };
    }
    this.queued++;
    this.pending.set(author.session, mine + 1);
    this.tail = this.tail
      .then(async () => answer(await this.process(author, msg)))
      .catch((err: unknown) => logger.error({ err, space: this.space().id }, "edit failed"))
      .finally(() => this.done(author.session));
    return undefined;
  }

  /** Resolves once every edit queued so far is answered (CL4: a drain loses none). */
  idle(): Promise<void> {
    return this.tail;
  }

  private done(session: string) {
    this.queued--;
    const left = (this.pending.get(session) ?? 1) - 1;
    if (left > 0) this.pending.set(session, left);
    else this.pending.delete(session);
  }

  private async process(author: EditAuthor, msg: ClientMessages["build"]): Promise<Built> {
    const space = this.space();
    const refuse = (code: EditRefusal, message: string): Built => {
      metrics.editsRefused.inc({ code });
      return { ref: msg.ref, ok: false, code, message };
    };
    // AZ4: the role as stored now, not as it was at join (a demoted builder stops building at once).
    // A store that cannot answer refuses the edit; it does not pretend the author has no role.
    let role: Role | null = null;
    try {
      role = author.userId ? await this.directory.roleIn(space, { userId: author.userId }) : null;
    } catch (err) {
      logger.error({ err, space: space.id }, "role not read: edit refused");
      return refuse(EditRefusal.STORAGE, "your edit could not be checked: nothing was changed, try again");
    }
    author.role = role;
    const v = this.space().visibility;
    const editor = { userId: author.userId, name: author.name, canBuild: can(role, "space.build", v), canClaim: can(role, "space.claimDesk", v) };
    const plan = planEdit(this.world.base, this.world.content, msg.op, editor, this.newId);
    if (!plan.ok) return refuse(plan.code, plan.message);
    const { puts, deletes } = plan.change;
    if (puts.length === 0 && deletes.length === 0) return { ref: msg.ref, ok: true, version: this.world.content.version };
    try {
      await this.directory.commitEdit(space.id, { expectVersion: this.world.content.version, authorId: author.userId, op: msg.op, puts, deletes });
    } catch (err) {
      if (err instanceof StaleVersionError) {
        metrics.editsRefused.inc({ code: EditRefusal.STORAGE });
        // Someone else wrote this space (another process): take the stored truth, refuse this edit.
        const loaded = await this.directory.load(space.id);
        if (loaded) this.world.replace(loaded.content);
        return { ref: msg.ref, ok: false, code: EditRefusal.CONFLICT, message: "the space changed elsewhere: yours was not applied, try again" };
      }
      logger.error({ err, space: space.id }, "edit not stored");
      return refuse(EditRefusal.STORAGE, "your edit could not be saved: nothing was changed, try again");
    }
    this.world.apply(plan.change);
    metrics.editsStored.inc();
    return { ref: msg.ref, ok: true, version: this.world.content.version, ...(plan.created ? { created: plan.created } : {}) };
  }
}
