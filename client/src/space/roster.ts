/**
 * The people panel's list (IM3): everyone in the space with status and actions, redrawn at most
 * once a frame after something changed (someone joined, left or changed, or whom I follow).
 */
import type { Person } from "../../../shared/state.ts";
import { renderPeople, type PeopleActions } from "../ui/people.ts";

export interface RosterDeps {
  list: HTMLElement;
  title: HTMLElement;
  /** Everyone in the space now (the synced `people` map). */
  people(): Iterable<[string, Person]>;
  selfId: string;
  following(): string | undefined;
  actions: PeopleActions;
}

export class Roster {
  private dirty = true;

  constructor(private readonly d: RosterDeps) {}

  /** Redraw at the next frame. */
  changed(): void { this.dirty = true; }

  frame(): void {
    if (!this.dirty) return;
    this.dirty = false;
    renderPeople(this.d.list, this.d.title, this.d.people(), this.d.selfId, this.d.following(), this.d.actions);
  }
}
