import type { IamStore } from "../../store/iam-store.js";
import { findTotpSteps, totpStep } from "./totp.js";

/** Steps accepted on either side of the expected one, for clocks and typing that lag by up to one step. */
export const AUTHENTICATION_WINDOW_STEPS = 1;

export type MfaOutcome = { ok: true } | { ok: false; reason: "unknown-device" | "invalid-code" };

export interface MfaRequest {
  accountId: string;
  userName: string;
  serialNumber: string;
  tokenCode: string;
  now: Date;
}

/**
 * Checks a TOTP code of the device `serialNumber` assigned to the user, and consumes it.
 *
 * The expected step is the step of `now` plus the drift that ResyncMFADevice stored, and a code
 * of one step either side is accepted too. The lowest matching step above the last accepted one
 * is recorded with a conditional write, so a code is accepted once, and a code older than an
 * accepted one never. Store failures propagate, so a caller that cannot record the use issues nothing.
 */
export async function authenticateMfa(store: IamStore, request: MfaRequest): Promise<MfaOutcome> {
  const device = await (await store.mfaDevices()).findBySerialNumber(request.accountId, request.serialNumber);
  const assignment = device?.assignment;
  if (!device || !assignment || assignment.userName.toLowerCase() !== request.userName.toLowerCase()) {
    return { ok: false, reason: "unknown-device" };
  }
  // A user deleted and re-created under the same name has a new id and does not inherit the device.
  const user = await store.getUser(request.accountId, request.userName);
  if (user?.userId !== assignment.userId) return { ok: false, reason: "unknown-device" };

  const seed = await (await store.mfaDevices()).openSeed(device);
  const expected = totpStep(request.now) + device.driftSteps;
  const steps = findTotpSteps(seed, request.tokenCode, expected - AUTHENTICATION_WINDOW_STEPS, expected + AUTHENTICATION_WINDOW_STEPS);
  const step = steps.find((candidate) => candidate > device.lastStep);
  if (step === undefined) return { ok: false, reason: "invalid-code" };
  const accepted = await (await store.mfaDevices()).acceptStep(device, assignment.userId, step);
  return accepted ? { ok: true } : { ok: false, reason: "invalid-code" };
}
