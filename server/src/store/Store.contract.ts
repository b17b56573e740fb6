/**
 * The one contract every Store implementation passes (pglite.test.ts, postgres.test.ts). One store
 * per suite (opening PGlite takes seconds); every test makes its own users, teams and spaces
 * (Store.contract.kit.ts), so tests never see each other's rows. The tests by area:
 * Store.contract.people.ts, Store.contract.spaces.ts, Store.contract.access.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessContract } from "./Store.contract.access.ts";
import { storeKit } from "./Store.contract.kit.ts";
import { peopleContract } from "./Store.contract.people.ts";
import { spacesContract } from "./Store.contract.spaces.ts";
import type { Store } from "./Store.ts";

export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(name, () => {
    let store: Store;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });
    // The fixtures read the store when a test runs: it opens in beforeAll, after this line.
    const kit = storeKit(() => store);

    it("says which backend it is", () => {
      expect(typeof store.kind).toBe("string");
      expect(store.kind.length).toBeGreaterThan(0);
    });

    peopleContract(kit);
    spacesContract(kit);
    accessContract(kit);
  });
}
