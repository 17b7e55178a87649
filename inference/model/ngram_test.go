package model

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/taochain/taochain/inference/corpus"
)

// perChar is the held-out log-likelihood per character of m.
func perChar(m *NGram, text string) float64 {
	return m.LogProb("", text) / float64(utf8.RuneCountInString(text))
}

func TestDistributionIsProper(t *testing.T) {
	train := corpus.Train()
	contexts := []string{"", "t", "th", "The weather in the val", "zzzq", "☃☃ unknown ☃", corpus.HeldOut()[:50]}
	for order := 1; order <= 8; order++ {
		m := Train(train, order)
		for _, ctx := range contexts {
			dist := m.Distribution(ctx)
			sum := 0.0
			for _, p := range dist {
				if !(p > 0) {
					t.Fatalf("order %d ctx %q: non-positive probability %v", order, ctx, p)
				}
				sum += p
			}
			unknown := math.Exp(m.LogProb(ctx, "☃"))
			if math.Abs(sum+unknown-1) > 1e-9 {
				t.Fatalf("order %d ctx %q: alphabet mass %v + unknown %v != 1", order, ctx, sum, unknown)
			}
			// LogProb and Distribution must agree character by character.
			for i, r := range m.Alphabet() {
				if got := math.Exp(m.LogProb(ctx, string(r))); math.Abs(got-dist[i]) > 1e-12 {
					t.Fatalf("order %d ctx %q char %q: LogProb says %v, Distribution %v", order, ctx, r, got, dist[i])
				}
			}
		}
	}
}

func TestLogProbIsChainRule(t *testing.T) {
	m := Train(corpus.Train(), 5)
	ctx, cont := "The train left the sta", "tion a few minutes"
	want := 0.0
	for i, r := range []rune(cont) {
		want += m.LogProb(ctx+string([]rune(cont)[:i]), string(r))
	}
	if got := m.LogProb(ctx, cont); math.Abs(got-want) > 1e-9 {
		t.Fatalf("LogProb(%q,%q) = %v, chain rule gives %v", ctx, cont, got, want)
	}
	if got := m.LogProb(ctx, ""); got != 0 {
		t.Fatalf("empty continuation: got %v, want 0", got)
	}
}

func TestHeldOutImprovesWithOrder(t *testing.T) {
	train, heldOut := corpus.Train(), corpus.HeldOut()
	var prev float64
	for i, order := range []int{1, 3, 5} {
		ll := perChar(Train(train, order), heldOut)
		t.Logf("order %d: %.4f nats/char", order, ll)
		if i > 0 && !(ll > prev) {
			t.Fatalf("order %d held-out log-likelihood %.4f is not better than the previous order's %.4f", order, ll, prev)
		}
		prev = ll
	}
}

func TestHeldOutImprovesWithData(t *testing.T) {
	paras := strings.Split(corpus.Train(), "\n")
	heldOut := corpus.HeldOut()
	quarter := strings.Join(paras[:len(paras)/4], "\n")
	half := strings.Join(paras[:len(paras)/2], "\n")
	all := strings.Join(paras, "\n")
	for _, order := range []int{3, 5} {
		q, h, a := perChar(Train(quarter, order), heldOut), perChar(Train(half, order), heldOut), perChar(Train(all, order), heldOut)
		t.Logf("order %d: quarter %.4f half %.4f all %.4f", order, q, h, a)
		if !(q < h && h < a) {
			t.Fatalf("order %d: held-out log-likelihood does not grow with data: %.4f, %.4f, %.4f", order, q, h, a)
		}
	}
}

func TestComplete(t *testing.T) {
	m := Train(corpus.Train(), 6)
	a := m.Complete("The river ", 30)
	if utf8.RuneCountInString(a) != 30 {
		t.Fatalf("Complete returned %d characters, want 30: %q", utf8.RuneCountInString(a), a)
	}
	if b := m.Complete("The river ", 30); a != b {
		t.Fatalf("Complete is not deterministic: %q vs %q", a, b)
	}
	// A learned model must produce text it finds far more likely than random characters.
	if m.LogProb("The river ", a) <= m.LogProb("The river ", "qxzjqxzjqxzjqxzjqxzjqxzjqxzjqx") {
		t.Fatalf("greedy completion %q is less likely than junk", a)
	}
	if got := Train("", 3).Complete("abc", 5); got != "" {
		t.Fatalf("empty model completed %q", got)
	}
}

func TestModelInterface(t *testing.T) {
	m := Train(corpus.Train(), 3)
	if m.Name() != "ngram-o3" || m.Order() != 3 {
		t.Fatalf("Name/Order = %q/%d", m.Name(), m.Order())
	}
	lp, err := m.Score(context.Background(), "The weather", " in the valley")
	if err != nil || lp != m.LogProb("The weather", " in the valley") || lp >= 0 {
		t.Fatalf("Score = %v, %v", lp, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Score(ctx, "a", "b"); err == nil {
		t.Fatal("Score ignored a cancelled context")
	}
	if _, err := m.Generate(context.Background(), "a", -1); err == nil {
		t.Fatal("Generate accepted a negative length")
	}
}

func TestTrainRejectsBadOrder(t *testing.T) {
	for _, order := range []int{0, -1, MaxOrder + 1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Fatalf("Train accepted order %d", order)
				}
			}()
			Train("abc", order)
		}()
	}
}

func BenchmarkTrain(b *testing.B) {
	text := corpus.Train()
	for _, order := range []int{3, 5, 8} {
		b.Run("order"+strconv.Itoa(order), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				Train(text, order)
			}
		})
	}
}

func BenchmarkLogProb(b *testing.B) {
	text := corpus.HeldOut()
	for _, order := range []int{3, 5, 8} {
		m := Train(corpus.Train(), order)
		b.Run("order"+strconv.Itoa(order), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				m.LogProb("", text)
			}
		})
	}
}
