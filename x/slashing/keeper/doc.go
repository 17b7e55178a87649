// Package keeper implements x/slashing: the SDK's consensus slashing keeper (signing info,
// downtime, double-sign via x/evidence, unjail), embedded unchanged, decorated with taochain's
// Proof-of-Intelligence offences — equivocation reports, validator liveness and useless miners —
// kept in their own store.
package keeper
