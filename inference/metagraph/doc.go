// Package metagraph is the worker's view of a subnet's metagraph: which hotkeys hold validator
// permits (who may query a miner) and which miners serve at which endpoints (who a validator
// queries). The Metagraph interface is what axon and dendrite consume; Cache is a thread-safe
// in-memory implementation that a chain client refreshes from the x/subnet metagraph query each
// tempo, so request handling never waits on the chain.
package metagraph
