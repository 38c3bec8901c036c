// Shared factory for vi.mock("../src/api/desk"): real error helpers, mocked commands.
import { vi } from "vitest";

export async function apiMock(importOriginal: () => Promise<unknown>) {
  const actual = (await importOriginal()) as typeof import("../src/api/desk");
  return {
    DeskError: actual.DeskError,
    toDeskError: actual.toDeskError,
    deskStatus: vi.fn(),
    catalog: vi.fn(async () => []),
    listInbox: vi.fn(),
    countInbox: vi.fn(),
    getOrder: vi.fn(),
    getVehicle: vi.fn(),
    claimOrder: vi.fn(),
    handleOrder: vi.fn(),
    interceptOrder: vi.fn(),
    notifyAuthority: vi.fn(),
    recordFeedback: vi.fn(),
    closeGroundless: vi.fn(),
    requireRectification: vi.fn(),
    recordRectification: vi.fn(),
    submitForSpotCheck: vi.fn(),
    returnOrder: vi.fn(),
    transferOrder: vi.fn(),
    spotCheck: vi.fn(),
    reassignOrder: vi.fn(),
    overrideWhitelist: vi.fn(),
    listWhitelist: vi.fn(async () => []),
    approveWhitelist: vi.fn(),
    declineWhitelist: vi.fn(),
    revokeWhitelist: vi.fn(),
    addWhitelist: vi.fn(),
    setProfile: vi.fn(),
    loadDemo: vi.fn(),
    listOutbox: vi.fn(async () => []),
    saveDraft: vi.fn(async () => null),
    loadDraft: vi.fn(async () => null),
    clearDraft: vi.fn(async () => null),
    syncOverview: vi.fn(async () => ({
      signed_in: null, hub_url: null, username: null, last_sync_at: null, checkpoint: 0, unsent: 0, refusals: [],
    })),
    hubLogin: vi.fn(),
    hubLogout: vi.fn(async () => null),
    syncNow: vi.fn(),
    frontendReady: vi.fn(async () => undefined),
    pickEvidenceFiles: vi.fn(async () => []),
  };
}
