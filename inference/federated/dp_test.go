package federated

import (
	"errors"
	"math"
	"testing"

	"github.com/taochain/taochain/inference/model"
)

func TestAccountantRefusesOnceSpent(t *testing.T) {
	p := DefaultPrivacy()
	p.Epsilon, p.Delta = 0.1, 1e-7
	a, err := NewAccountant(1, 1e-6)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if err := a.Spend(p); err != nil {
			t.Fatalf("release %d: %v", i+1, err)
		}
	}
	if err := a.Spend(p); !errors.Is(err, ErrBudgetExhausted) {
		t.Fatalf("11th release: %v", err)
	}
	eps, _ := a.Spent()
	re, _ := a.Remaining()
	if a.Releases() != 10 || math.Abs(eps-1) > 1e-9 || re > 1e-9 {
		t.Fatalf("after refusal: %s", a)
	}
	p.Noiseless = true
	b, _ := NewAccountant(100, 0.5)
	if err := b.Spend(p); !errors.Is(err, ErrBudgetExhausted) {
		t.Fatalf("noiseless release accepted: %v", err)
	}
}

func TestThreshold(t *testing.T) {
	p := DefaultPrivacy()
	tau := p.Threshold()
	alpha := math.Exp(-p.Epsilon)
	pass := func(t uint64) float64 { return math.Pow(alpha, float64(t-1)) / (1 + alpha) }
	if pass(tau) > p.Delta || pass(tau-1) <= p.Delta {
		t.Fatalf("threshold %d is not the smallest with P(pass) ≤ δ: P(τ)=%g P(τ−1)=%g δ=%g", tau, pass(tau), pass(tau-1), p.Delta)
	}
}

func TestPrivatizeClipsAndCaps(t *testing.T) {
	p := Privacy{Clip: 3, MaxEntries: 2, MaxTotal: 5, Noiseless: true}
	got, err := Privatize(model.Counts{"a": 10, "b": 1, "c": 2, "toolong": 5}, 3, p, NewSeededNoise(1))
	if err != nil {
		t.Fatal(err)
	}
	// Clipped: a=3, b=1, c=2; the two largest within a total of 5 are a and c.
	if len(got) != 2 || got[0] != (Entry{"a", 3}) || got[1] != (Entry{"c", 2}) {
		t.Fatalf("got %v", got)
	}
}

// audit runs a membership-inference attack on Privatize: trials releases of base (the canary
// absent or at its base count) and of base plus one occurrence of the canary, each with its own
// noise, and an attacker that says "member" when the released canary count is at least guess.
// It returns the attacker's true and false positive rates.
func audit(base model.Counts, canary string, p Privacy, guess uint64, trials int, seed uint64) (tpr, fpr float64) {
	with := model.Counts{}
	with.Add(base)
	with[canary]++
	rng := NewSeededNoise(seed)
	count := func(es []Entry) uint64 {
		for _, e := range es {
			if e.Gram == canary {
				return e.Count
			}
		}
		return 0
	}
	var tp, fp int
	for range trials {
		in, _ := Privatize(with, 5, p, rng)
		out, _ := Privatize(base, 5, p, rng)
		if count(in) >= guess {
			tp++
		}
		if count(out) >= guess {
			fp++
		}
	}
	return float64(tp) / float64(trials), float64(fp) / float64(trials)
}

// withinBound says whether (tpr, fpr) measured over n trials each is consistent with
// TPR ≤ e^ε·FPR + δ: it allows z standard errors of the difference, so a mechanism that meets
// the bound fails it with probability about Φ(−z) and one that breaks it by more than the margin
// is caught.
func withinBound(tpr, fpr, eps, delta float64, n int, z float64) (ok bool, bound, margin float64) {
	bound = math.Exp(eps)*fpr + delta
	se := math.Sqrt(tpr*(1-tpr)/float64(n) + math.Exp(2*eps)*fpr*(1-fpr)/float64(n))
	margin = z*se + z*z/float64(n) // the second term keeps a margin when a rate is measured as 0
	return tpr <= bound+margin, bound, margin
}

// The attack targets the privacy unit (one event) in the two ways it can leak: a gram already
// present gets one more count (the ε part), and a gram seen once appears at all (the δ part). Each
// runs 20,000 trials with a fixed seed, at the optimal (likelihood-ratio) guess, and the measured
// advantage must stay within what ε and δ promise, allowing 4.5 standard errors. The same audit
// must catch a mechanism that adds too little noise or skips the threshold, so the test can fail.
func TestMembershipInferenceWithinBound(t *testing.T) {
	const trials, z = 20000, 4.5
	base := model.CountEvents("the rain in the plain falls mainly on the hills. ", 5)
	p := DefaultPrivacy()
	tau := p.Threshold()
	present := "zzzzz"
	base[present] = tau + 5 // released most of the time, so its count is what leaks

	tpr, fpr := audit(base, present, p, tau+6, trials, 1)
	ok, bound, margin := withinBound(tpr, fpr, p.Epsilon, p.Delta, trials, z)
	t.Logf("count +1: TPR %.4f FPR %.4f, e^ε·FPR+δ = %.4f (+%.4f margin); advantage TPR−FPR %.4f", tpr, fpr, bound, margin, tpr-fpr)
	if !ok {
		t.Errorf("count +1: TPR %.4f exceeds e^ε·FPR+δ = %.4f by more than the margin %.4f", tpr, bound, margin)
	}

	tpr, fpr = audit(base, "qqqqq", p, 1, trials, 2)
	ok, bound, margin = withinBound(tpr, fpr, p.Epsilon, p.Delta, trials, z)
	t.Logf("new gram: TPR %.5f FPR %.5f, bound %.5f (+%.5f margin)", tpr, fpr, bound, margin)
	if !ok {
		t.Errorf("new gram: TPR %.5f exceeds e^ε·FPR+δ = %.5f by more than the margin %.5f", tpr, bound, margin)
	}

	// Negative controls: half the noise claimed as ε, and no threshold.
	weak := p
	weak.Epsilon = 2 * p.Epsilon
	tpr, fpr = audit(base, present, weak, tau+6, trials, 3)
	if ok, bound, _ := withinBound(tpr, fpr, p.Epsilon, p.Delta, trials, z); ok {
		t.Errorf("audit missed a mechanism at 2ε claimed as ε: TPR %.4f, bound %.4f", tpr, bound)
	}
	tpr, fpr = audit(base, "qqqqq", Privacy{Clip: p.Clip, MaxEntries: p.MaxEntries, MaxTotal: p.MaxTotal, Noiseless: true}, 1, trials/10, 4)
	if ok, bound, _ := withinBound(tpr, fpr, p.Epsilon, p.Delta, trials/10, z); ok {
		t.Errorf("audit missed a release without threshold: TPR %.4f, bound %.4f", tpr, bound)
	}
}
