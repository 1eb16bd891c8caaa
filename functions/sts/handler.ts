import { stsModel } from "../../shared/protocol/models/sts.js";
import { stsActions } from "../../shared/sts/index.js";
import { createQueryHandler } from "../lib/query-handler.js";

/** The STS Query API (Version 2011-06-15). */
export const handler = createQueryHandler({
  model: stsModel,
  actions: stsActions,
  unsignedActions: new Set(["AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"]),
});
