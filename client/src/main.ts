/** Entry: `/` shows the landing page, `/s/<spaceId>` the space (after a name is chosen). */
import "./style.css";
import { renderLanding, toSpaceId } from "./ui/landing.ts";
import { renderSpace } from "./ui/spaceView.ts";
import { renderInsights } from "./insights/insightsView.ts";
import { loadProfile } from "./ui/profile.ts";
import { spaceIdSchema } from "../../shared/protocol.ts";

const root = document.getElementById("app")!;

function route() {
  const insights = location.pathname.match(/^\/s\/([^/]+)\/insights\/?$/);
  if (insights && spaceIdSchema.safeParse(insights[1]).success) return renderInsights(root, insights[1]);
  const m = location.pathname.match(/^\/s\/([^/]+)\/?$/);
  const spaceId = m ? toSpaceId(decodeURIComponent(m[1])) : undefined;
  if (spaceId && spaceIdSchema.safeParse(spaceId).success) {
    const profile = loadProfile();
    // Arriving by link without a name yet: ask for it first, with the space preset.
    if (!profile.name || !sessionStorage.getItem("plaza.profile")) return renderLanding(root, spaceId, route);
    void renderSpace(root, spaceId, profile);
    return;
  }
  renderLanding(root, undefined, route);
}

window.addEventListener("popstate", () => location.reload());
route();
