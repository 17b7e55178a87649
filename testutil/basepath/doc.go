// Package basepath measures taochain's base path against the Cosmos SDK's own app (issue 18,
// target 5): bank-send throughput of taod must be at least 0.9× that of simd built from the same
// SDK version, on the same machine, under the same load, in one run.
//
// simd's source (cosmossdk.io/simapp) is not available from the module proxy, so the baseline is
// built the way simapp's app_di.go builds simd: a runtime.App wired by depinject from the SDK's
// own module configs (testutil/configurator), whose x/auth/tx/config module installs the SDK's
// default ante handler and post handler. The baseline has every simd module that comes from a
// module this repository already requires: auth, vesting, bank, staking, slashing, distribution,
// mint, gov, consensus, genutil, tx, authz, protocolpool, epochs, evidence and upgrade (feegrant,
// group, nft and circuit are left out: they would need new module requirements, or are
// deprecated). It uses taochain's bech32 prefix and bond denom, which the taochain app package
// sets process-wide, so that one signer and one set of messages serve both apps.
//
// Both apps run in this process, driven by one load generator through BaseApp's ABCI methods:
// every account signs one MsgSend per round (outside the timer); the timed part is CheckTx for
// every transaction, as a node's mempool would run it, then FinalizeBlock and Commit in blocks
// of a fixed size. The two apps take turns within each round, in alternating order, so that
// noise from other processes on the machine falls on both, and the heap is collected before each
// timed part, so that neither app's clock pays for the other's garbage. CPU time (process user +
// system) is reported beside wall time because it leaves out time spent waiting for a core.
// Each app's timed part carries a profiler label, so a -cpuprofile splits by app:
//
//	go test -run '^$' -bench BankSendVsSDK -benchtime 30x -cpuprofile cpu.out ./testutil/basepath/
//	go tool pprof -tagfocus app=taod -top -cum basepath.test cpu.out   # or app=sdk
package basepath
