package yuma

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchInput is a steady-state subnet: 64 permitted, active validators, each
// weighting every other uid, with full bond rows from a previous epoch.
func benchInput(n int) Input {
	r := rand.New(rand.NewPCG(uint64(n), 99))
	const validators = 64
	in := Input{
		CurrentBlock:       10_000,
		LastEpochBlock:     9_640,
		ActivityCutoff:     5_000,
		Kappa:              chainKappa,
		BondsMovingAverage: 900_000,
		MaxValidators:      validators,
		Neurons:            make([]Neuron, n),
	}
	for i := range in.Neurons {
		nr := &in.Neurons[i]
		nr.LastUpdate = 9_900
		nr.RegisteredAt = uint64(r.IntN(9_000))
		if i < validators {
			nr.Stake = 1e12 + r.Uint64N(1e15)
			nr.ValidatorPermit = true
			nr.Weights = make([]Weight, 0, n-1)
			for j := 0; j < n; j++ {
				if j != i {
					nr.Weights = append(nr.Weights, Weight{UID: uint16(j), Value: uint16(r.IntN(65536))})
				}
			}
		}
	}
	prev := Epoch(in)
	for i := range in.Neurons {
		in.Neurons[i].Bonds = prev.Bonds[i]
	}
	return in
}

func BenchmarkEpoch(b *testing.B) {
	for _, n := range []int{256, 1024, 4096} {
		in := benchInput(n)
		b.Run(fmt.Sprintf("validators=64/uids=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Epoch(in)
			}
		})
	}
}
