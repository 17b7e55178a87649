// Package sim runs Yuma consensus scenarios off-chain for yumasim: it turns a
// Scenario (validators, miners, weight schedules or weight generators,
// hyperparameters) into per-epoch yuma.Input values, runs the real
// x/intelligence/yuma.Epoch on each, feeds bonds and permits back as the
// chain does, and reports the result as a table, CSV or an HTML page.
//
// Unlike the chain, the simulator may use floating point and a seeded
// pseudo-random generator: it only describes validator behaviour and
// summarizes results. Everything Yuma computes goes through the same fixed
// point code as on chain, and a scenario with the same seed always produces
// byte-identical output.
package sim
