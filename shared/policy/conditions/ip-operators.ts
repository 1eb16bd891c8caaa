/** IpAddress and NotIpAddress condition operators. */

import { cidrContains, parseCidrBlock, parseIpAddress, type CidrBlock } from "./ip-address.js";
import { defineOperatorPair, type OperatorEntry } from "./operator.js";

/** Converts a policy value into a CIDR block as plain data, or into null, which matches nothing, when it is not one. */
function prepareCidrBlock(policyValue: string): CidrBlock | null {
  const block = parseCidrBlock(policyValue);
  return block === undefined ? null : { family: block.family, bytes: [...block.bytes], prefixLength: block.prefixLength };
}

export const IP_OPERATORS: readonly OperatorEntry[] = defineOperatorPair("IpAddress", "NotIpAddress", {
  validateValue: (policyValue) =>
    parseCidrBlock(policyValue) === undefined ? "is not an IPv4 or IPv6 address or CIDR block" : undefined,
  preparePolicyValue: prepareCidrBlock,
  prepareContextValue: parseIpAddress,
  matches: (address, block) => block !== null && cidrContains(block, address),
});
