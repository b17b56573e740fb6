/**
 * TP1/TP4: the team's online list and announcements, as one extension. People with a role in the
 * space's team are listed while seated (visitors are not); the team's announcements are relayed to
 * everyone in the room. Presence trouble never fails a join (TP6: TeamRoomLink logs it).
 */
import type { TeamPresence } from "../../team/TeamPresence.ts";
import type { SpaceRoomExtensionFactory } from "./extension.ts";

export function teamPresenceExtension(team: TeamPresence): SpaceRoomExtensionFactory {
  return (room) => {
    const link = team.forRoom(room.space, (a) => room.guarded("announcement", () => room.broadcast("announcement", a)));
    return {
      onJoin: (who) => link.joined(who.session, { userId: who.userId, role: who.role, name: who.name }),
      onLeave: (who) => link.left(who.session),
      onDispose: () => link.close(),
    };
  };
}
