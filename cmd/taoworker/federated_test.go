package main

import (
	"math"
	"testing"

	inteltypes "github.com/taochain/taochain/x/intelligence/types"
	subnettypes "github.com/taochain/taochain/x/subnet/types"
)

// TestPeersOf: a commitment reaches the federated miner only while its uid is held by the hotkey
// that made it and that neuron serves an axon; incentive is the metagraph's, as a fraction of one.
// The commitment it replaced comes along as Previous, filled in like the latest, unless it is
// malformed, which drops Previous and keeps the latest.
func TestPeersOf(t *testing.T) {
	hash := make([]byte, 32)
	hash[0] = 7
	prevHash := make([]byte, 32)
	prevHash[0] = 6
	axon := func(port uint32) subnettypes.AxonInfo { return subnettypes.AxonInfo{Host: "127.0.0.1", Port: port} }
	mg := &subnettypes.QueryMetagraphResponse{Neurons: []subnettypes.MetagraphEntry{
		{Uid: 0, Hotkey: "hk-a", Incentive: math.MaxUint16 / 2, Axon: axon(9001)},
		{Uid: 1, Hotkey: "hk-b", Incentive: 100, Axon: axon(9002)},
		{Uid: 2, Hotkey: "hk-c", Incentive: 100}, // no axon served
		{Uid: 4, Hotkey: "hk-d", Axon: axon(9004)},
		{Uid: 5, Hotkey: "hk-e", Axon: axon(9005)},
		{Uid: 6, Hotkey: "hk-f", Axon: axon(9006)},
		{Uid: 7, Hotkey: "hk-g", Axon: axon(9007)},
	}}
	commitments := []inteltypes.ModelUpdateCommitment{
		{Netuid: 1, Uid: 0, Hotkey: "hk-a", Epoch: 5, Hash: hash, Size_: 1234, Height: 60,
			Previous: &inteltypes.PriorModelUpdate{Epoch: 4, Hash: prevHash, Size_: 999, Height: 50}},
		{Netuid: 1, Uid: 3, Hotkey: "hk-b", Epoch: 5, Hash: hash, Size_: 10, Height: 61}, // made at another uid
		{Netuid: 1, Uid: 2, Hotkey: "hk-c", Epoch: 5, Hash: hash, Size_: 10, Height: 62},
		{Netuid: 1, Uid: 0, Hotkey: "hk-a", Epoch: 5, Hash: hash[:31], Size_: 10, Height: 63}, // malformed hash
		{Netuid: 1, Uid: 0, Hotkey: "hk-a", Epoch: 5, Hash: hash, Size_: math.MaxUint32 + 1, Height: 64},
		// Malformed previous commitments: each peer keeps its latest, without Previous.
		{Netuid: 1, Uid: 4, Hotkey: "hk-d", Epoch: 5, Hash: hash, Size_: 10, Height: 65,
			Previous: &inteltypes.PriorModelUpdate{Epoch: 4, Hash: prevHash[:31], Size_: 10, Height: 40}},
		{Netuid: 1, Uid: 5, Hotkey: "hk-e", Epoch: 5, Hash: hash, Size_: 10, Height: 66,
			Previous: &inteltypes.PriorModelUpdate{Epoch: 4, Hash: prevHash, Size_: math.MaxUint32 + 1, Height: 40}},
		{Netuid: 1, Uid: 6, Hotkey: "hk-f", Epoch: 5, Hash: hash, Size_: 10, Height: 67,
			Previous: &inteltypes.PriorModelUpdate{Epoch: 4, Hash: prevHash, Size_: 10, Height: -1}},
		{Netuid: 1, Uid: 7, Hotkey: "hk-g", Epoch: 5, Hash: hash, Size_: 10, Height: 68,
			Previous: &inteltypes.PriorModelUpdate{Epoch: 4, Hash: prevHash, Size_: 0, Height: 40}},
	}
	peers := peersOf("test-chain", 1, commitments, mg)
	if len(peers) != 5 {
		t.Fatalf("got %d peers, want hk-a's and hk-d..hk-g's commitments: %+v", len(peers), peers)
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
	if pc := p.Previous; pc == nil || pc.ChainID != "test-chain" || pc.Netuid != 1 || pc.Hotkey != "hk-a" ||
		pc.Epoch != 4 || pc.Hash[0] != 6 || pc.Size != 999 || pc.Height != 50 {
		t.Fatalf("hk-a's previous commitment %+v", pc)
	}
	for _, p := range peers[1:] {
		if p.Previous != nil || p.Commitment.Epoch != 5 || p.Commitment.Hash[0] != 7 {
			t.Fatalf("%s: a malformed previous commitment must be dropped and the latest kept: %+v (previous %+v)", p.Hotkey, p, p.Previous)
		}
	}
}
