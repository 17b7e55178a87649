// Package types holds the state, messages, params and errors of taochain's Proof-of-Intelligence
// offences, which x/slashing serves beside the SDK's consensus slashing under the module name
// "slashing".
package types
