import type { ActionTable } from "../api/action.js";
import { createAccessKey, deleteAccessKey, listAccessKeys, updateAccessKey } from "./actions/access-keys.js";
import {
  deleteRolePolicy,
  deleteUserPolicy,
  getRolePolicy,
  getUserPolicy,
  listRolePolicies,
  listUserPolicies,
  putRolePolicy,
  putUserPolicy,
} from "./actions/inline-policies.js";
import {
  addClientIDToOpenIDConnectProvider,
  createOpenIDConnectProvider,
  deleteOpenIDConnectProvider,
  getOpenIDConnectProvider,
  listOpenIDConnectProviders,
  listOpenIDConnectProviderTags,
  removeClientIDFromOpenIDConnectProvider,
  tagOpenIDConnectProvider,
  untagOpenIDConnectProvider,
  updateOpenIDConnectProviderThumbprint,
} from "./actions/oidc-providers.js";
import { createRole, deleteRole, getRole, listRoles, updateAssumeRolePolicy, updateRole } from "./actions/roles.js";
import {
  getContextKeysForCustomPolicy,
  getContextKeysForPrincipalPolicy,
  simulateCustomPolicy,
  simulatePrincipalPolicy,
} from "./actions/simulate.js";
import { createUser, deleteUser, getUser, listUsers } from "./actions/users.js";

/** The IAM actions served so far; the other actions of the model return InvalidAction. */
export const iamActions: ActionTable = {
  CreateUser: createUser,
  GetUser: getUser,
  ListUsers: listUsers,
  DeleteUser: deleteUser,
  CreateAccessKey: createAccessKey,
  ListAccessKeys: listAccessKeys,
  UpdateAccessKey: updateAccessKey,
  DeleteAccessKey: deleteAccessKey,
  PutUserPolicy: putUserPolicy,
  GetUserPolicy: getUserPolicy,
  ListUserPolicies: listUserPolicies,
  DeleteUserPolicy: deleteUserPolicy,
  CreateRole: createRole,
  GetRole: getRole,
  ListRoles: listRoles,
  UpdateAssumeRolePolicy: updateAssumeRolePolicy,
  UpdateRole: updateRole,
  DeleteRole: deleteRole,
  PutRolePolicy: putRolePolicy,
  GetRolePolicy: getRolePolicy,
  ListRolePolicies: listRolePolicies,
  DeleteRolePolicy: deleteRolePolicy,
  SimulateCustomPolicy: simulateCustomPolicy,
  SimulatePrincipalPolicy: simulatePrincipalPolicy,
  GetContextKeysForCustomPolicy: getContextKeysForCustomPolicy,
  GetContextKeysForPrincipalPolicy: getContextKeysForPrincipalPolicy,
  CreateOpenIDConnectProvider: createOpenIDConnectProvider,
  GetOpenIDConnectProvider: getOpenIDConnectProvider,
  ListOpenIDConnectProviders: listOpenIDConnectProviders,
  DeleteOpenIDConnectProvider: deleteOpenIDConnectProvider,
  AddClientIDToOpenIDConnectProvider: addClientIDToOpenIDConnectProvider,
  RemoveClientIDFromOpenIDConnectProvider: removeClientIDFromOpenIDConnectProvider,
  UpdateOpenIDConnectProviderThumbprint: updateOpenIDConnectProviderThumbprint,
  TagOpenIDConnectProvider: tagOpenIDConnectProvider,
  UntagOpenIDConnectProvider: untagOpenIDConnectProvider,
  ListOpenIDConnectProviderTags: listOpenIDConnectProviderTags,
};
