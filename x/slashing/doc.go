// Package slashing is taochain's x/slashing: one module named "slashing" for consensus faults and
// intelligence faults. It embeds the SDK's x/slashing AppModule and keeper unchanged (signing
// info, downtime jailing, double-sign slashing through x/evidence, unjail, the standard
// `slashing` CLI and gRPC/REST routes) and decorates them with the Proof-of-Intelligence offences
// of keeper.Keeper: equivocation reports, validator liveness and useless miners, with their own
// store ("poislashing"), services (taochain.slashing.v1) and genesis (app_state.slashing.poi).
package slashing
