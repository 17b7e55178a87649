// Package simulation drives x/tao in the SDK simulator. x/tao has no user messages: the randomized
// genesis varies the emission (base emission, security share and a max_supply that is sometimes
// only a few blocks of emission above the genesis supply, so the cap is reached), and
// MsgUpdateParams is proposed through x/gov.
package simulation
