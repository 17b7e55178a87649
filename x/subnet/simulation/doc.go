// Package simulation drives x/subnet in the SDK simulator: a randomized genesis (params, subnets,
// neurons whose hotkeys are simulation accounts, funded stake pools) and message factories that
// register subnets and neurons (with a real hotkey proof of possession), serve axons, add, remove
// and move stake, set takes, update hyperparameters and dissolve subnets through the real msg
// server. Most messages are built to succeed; a few are built to fail and must fail with the
// expected error. MsgUpdateParams is proposed through x/gov.
package simulation
