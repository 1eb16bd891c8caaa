import { iamActions } from "../../shared/iam/index.js";
import { iamModel } from "../../shared/protocol/models/iam.js";
import { createQueryHandler } from "../lib/query-handler.js";

/** The IAM Query API (Version 2010-05-08): users, access keys, roles and their inline policies. */
export const handler = createQueryHandler({ model: iamModel, actions: iamActions });
