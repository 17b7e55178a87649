// Package keeper implements x/subnet state transitions: subnet registration and dissolution,
// neuron registration with burn pricing and replacement, axons, share-pool staking with
// delegation, unbonding, validator permits, and the read/write API used by x/tao,
// x/intelligence and x/slashing.
package keeper
