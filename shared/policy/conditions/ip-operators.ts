/** IpAddress and NotIpAddress condition operators. */

import { cidrContains, parseCidrBlock, parseIpAddress } from "./ip-address.js";
import { defineOperatorPair, type OperatorEntry } from "./operator.js";

export const IP_OPERATORS: readonly OperatorEntry[] = defineOperatorPair("IpAddress", "NotIpAddress", {
  validateValue: (policyValue) =>
    parseCidrBlock(policyValue) === undefined ? "is not an IPv4 or IPv6 address or CIDR block" : undefined,
  matches: (contextValue, policyValue) => {
    const address = parseIpAddress(contextValue);
    const block = parseCidrBlock(policyValue);
    return address !== undefined && block !== undefined && cidrContains(block, address);
  },
});
