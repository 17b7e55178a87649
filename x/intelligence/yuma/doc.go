// Package yuma is taochain's pure, deterministic Yuma consensus: it turns the
// weight rows that validators set on a subnet into per-uid consensus scores
// (incentive for miners, dividends for validators) and new bonds. It imports
// only the standard library and uses no floating point, maps, randomness or
// goroutines, so every node computes bit-identical results; x/intelligence
// loads state, calls Epoch and writes the Output back.
//
// # Algorithm
//
// By default Epoch follows subtensor's epoch (classic Yuma, liquid alpha and
// bonds penalty off, which equals a bonds penalty of 1):
//
//  1. Activity: uid i is active iff LastUpdate_i + ActivityCutoff ≥
//     CurrentBlock. S_i = Stake_i / Σ Stake over uids that are active and
//     hold a validator permit (0 for everyone else), computed from the exact
//     u64 stakes.
//  2. Weights: rows of uids without a permit are dropped, as are
//     self-weights w_ii and weights w_ij with LastUpdate_i ≤ RegisteredAt_j
//     (set before the current occupant of j registered). Each remaining row
//     is normalized to sum 1.
//  3. Consensus: c_j is the stake-weighted kappa-quantile of column j over
//     validators with S_i > 0 (a missing weight counts as 0): the largest c
//     such that validators weighting j at least c hold at least kappa of the
//     stake. See WeightedQuantile.
//  4. Clipping: W̄_ij = min(W_ij, c_j). Validator trust VT_i = Σ_j W̄_ij,
//     rank R_j = Σ_i S_i·W̄_ij, trust T_j = R_j / Σ_i S_i·W_ij, incentive
//     I = R/ΣR. Weight that a kappa-majority of stake does not support is
//     cut off and earns nothing.
//  5. Bonds: ΔB_ij = S_i·W̄_ij, column-normalized. The previous bonds (u16
//     rows from the last epoch, without rows and columns of uids registered
//     since then) are column-normalized, and B = colnorm(a·ΔB + (1−a)·B_prev)
//     with a = 1 − BondsMovingAverage/10^6. Dividends D = normalize(Bᵀ·I):
//     validators earn from the miners they backed early and consistently.
//  6. Validator permits for the next epoch go to the MaxValidators largest
//     stakes among those that are non-zero once normalized over all uids
//     (a dust stake below 2^-32 of the total gets none, as in subtensor);
//     new bonds are stored only for permit holders.
//
// # Yuma 3
//
// Input.Version 3 selects Yuma 3 (every other value runs the algorithm
// above, which ignores the fields below). Steps 1–4 and 6 are unchanged;
// step 5 becomes:
//
//   - Weights for bonds: t_ij = W̄_ij + (1−p)·(W_ij − W̄_ij) with p =
//     BondsPenalty/65535. p = 1 bonds only what consensus supports (as the
//     original Yuma does); p = 0 lets a validator bond a miner before the
//     crowd agrees, which is what pays it for moving early.
//   - Fixed-proportion bonds: b_ij ← α_ij·t_ij + (1−α_ij)·b_ij, starting
//     from the full-precision rows of the previous Output.BondsFixed (passed
//     back as Neuron.BondsFixed; rows and columns of newly registered uids
//     reset as above). A row is a share of the validator's own support, not
//     of a column: bonds are not diluted by other validators, need no u16
//     column max, and a validator with 1/10,000 of another's stake holds
//     bonds exactly as precise. A row summing to more than 1 (possible only
//     with liquid alpha) is scaled down to 1.
//   - EMA rate: α = 1 − BondsMovingAverage/10^6, or with LiquidAlpha per
//     entry α_ij = αlow + (αhigh − αlow)·min(W_ij, c_j)/max(W_ij, c_j)
//     (αhigh when both are 0), between AlphaLow and AlphaHigh: weights that
//     agree with consensus, such as a newcomer's, bond fast; weights away
//     from consensus on either side move slowly. This is our own rule, not
//     subtensor's sigmoid.
//   - Dividends: D_i = normalize(S_i · Σ_j b_ij·I_j). Σ_j b_ij·I_j is a
//     dividend per unit of stake, so validators with the same weights earn
//     the same per stake whatever their size. (Subtensor divides each bond
//     by its column's total first; the two agree when all incentive is on
//     one miner and differ by up to 0.024 of a dividend share when it is
//     spread, which is what makes ours exactly fair per stake.)
//
// With TrustWeightedConsensus (Yuma 3 only) step 3 runs twice: after the
// stake-weighted consensus c⁰, every validator's trust against it, VT⁰_i =
// Σ_j min(W_ij, c⁰_j), reweights its row to V_i = normalize(S_i·VT⁰_i), and
// consensus is recomputed as the V-weighted kappa-quantile; ranks (step 4)
// use V as well. Stake alone still decides permits, ActiveStake and the
// dividends' S_i. A coalition below kappa that piles weight on one miner
// needs only the most generous honest validator to reach kappa by stake;
// its trust is then the small consensus of that miner, so by stake × trust
// it no longer does, and consensus falls back towards the honest median.
// If no validator keeps any trust, the stake-weighted pass stands.
//
// Output.BondsFixed holds the new rows (sparse, no zeros, permit holders
// only); Output.Bonds holds them as u16 proportions floor(b·65535) for
// storage and display and is never read back by Yuma 3.
//
// Measured on the canonical yuma-simulation cases (stakes 0.8/0.1/0.1, two
// servers, 30 epochs; see yuma3_test.go): with the default rate and
// BondsPenalty 0 every validator that switches earlier is paid at least as
// much per stake as one that switches later; a validator with 1/10,000 of
// the stake earns 99.999% of its fair share (the original Yuma: 93%); an
// honest newcomer reaches 80% of the incumbents' dividends per stake in 2
// epochs with liquid alpha 0.7–0.9 (14 with the fixed rate 0.1, 19 with
// the original Yuma). Fast bonding at consensus also lets late switchers
// catch up fast: with liquid alpha a validator that switches before the
// stake majority does earns up to 3% less per stake than later ones.
//
// Splitting the subnet emission (owner, miners by I, validators by D, or by
// stake when ΣI = 0) is the caller's job; Split and SplitByWeight divide an
// integer amount by such proportions with exact conservation.
//
// # Fixed point
//
// Proportions are I32F32 (int64 with 32 fractional bits, One = 2^32), the
// type subtensor uses. Multiplication and division go through 128-bit
// intermediates (math/bits) and round toward zero, which for the
// non-negative values of the epoch is floor; every operation saturates
// instead of wrapping, and division by zero yields 0. Integer inputs become
// proportions with Ratio(num, den) = floor(num·2^32/den), exact for any
// u64s, so large rao stakes lose nothing before normalization.
//
// Because every normalization rounds down, a normalized vector of n entries
// sums to a value in [One − n, One] (n units of 2^-32) rather than exactly
// One; column-normalized matrices likewise.
//
// Storage uses u16 proportions as subtensor does: a stored v means v/65535.
// FromU16Proportion(v) = floor(v·2^32/65535) (65535 ↦ One exactly) and
// ToU16Proportion(x) = floor(x·65535), so a round trip may lose one unit.
// Bonds are stored per column max-upscaled (largest = 65535) and weights
// submitted by validators are max-upscaled with MaxUpscaleU16 (rounded to
// nearest), as subtensor does; only ratios within a row (weights) or column
// (bonds) matter to the epoch.
//
// Deviations from subtensor, all deliberate: the stored Rank is the rank
// before normalization (subtensor stores the normalized rank, which equals
// Incentive); stake is normalized once from exact integers rather than twice
// through I64F64; the quantile threshold is kappa·ΣS rather than kappa;
// newly registered uids reset their bond rows as well as columns; permit ties
// go to the lower uid; there is no stake threshold and no owner self-weight
// exception.
package yuma
