package main

import (
	"math"
	"testing"

	inteltypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// TestPeersOf: a commitment reaches the federated miner only while its uid is held by the hotkey
// that made it and that neuron serves an axon; incentive is the metagraph's, as a fraction of one.
func TestPeersOf(t *testing.T) {
	hash := make([]byte, 32)
	hash[0] = 7
	mg := &subnettypes.QueryMetagraphResponse{Neurons: []subnettypes.MetagraphEntry{
		{Uid: 0, Hotkey: "hk-a", Incentive: math.MaxUint16 / 2, Axon: subnettypes.AxonInfo{Host: "127.0.0.1", Port: 9001}},
		{Uid: 1, Hotkey: "hk-b", Incentive: 100, Axon: subnettypes.AxonInfo{Host: "127.0.0.1", Port: 9002}},
		{Uid: 2, Hotkey: "hk-c", Incentive: 100}, // no axon served
	}}
	commitments := []inteltypes.ModelUpdateCommitment{
		{Netuid: 1, Uid: 0, Hotkey: "hk-a", Epoch: 5, Hash: hash, Size_: 1234, Height: 60},
		{Netuid: 1, Uid: 3, Hotkey: "hk-b", Epoch: 5, Hash: hash, Size_: 10, Height: 61}, // made at another uid
		{Netuid: 1, Uid: 2, Hotkey: "hk-c", Epoch: 5, Hash: hash, Size_: 10, Height: 62},
		{Netuid: 1, Uid: 0, Hotkey: "hk-a", Epoch: 5, Hash: hash[:31], Size_: 10, Height: 63}, // malformed hash
		{Netuid: 1, Uid: 0, Hotkey: "hk-a", Epoch: 5, Hash: hash, Size_: math.MaxUint32 + 1, Height: 64},
	}
	peers := peersOf("test-chain", 1, commitments, mg)
	if len(peers) != 1 {
		t.Fatalf("got %d peers, want only hk-a's commitment: %+v", len(peers), peers)
	}
	p := peers[0]
	c := p.Commitment
	if p.Hotkey != "hk-a" || p.AxonURL != "http://127.0.0.1:9001" || c.ChainID != "test-chain" || c.Netuid != 1 ||
		c.Epoch != 5 || c.Hotkey != "hk-a" || c.Hash[0] != 7 || c.Size != 1234 || c.Height != 60 {
		t.Fatalf("peer %+v", p)
	}
	if want := float64(math.MaxUint16/2) / math.MaxUint16; p.Incentive != want {
		t.Fatalf("incentive %v, want %v", p.Incentive, want)
	}
}
